"""The array backend: NumPy, the float policy, dtypes and the seeded random generator.

NumPy is called here and in `ops` (and in optimizer/metric kernels), nowhere else.
"""
import os
import sys

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    """The default float type as a string, 'float32' unless changed with `set_floatx`."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "float32", "float64", "bfloat16"):
        raise ValueError(f"Unknown floatx type {value!r}: expected 'float16', 'float32' or 'float64'")
    _FLOATX = str(value)


def epsilon():
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format {data_format!r}: expected 'channels_last' or 'channels_first'")
    _IMAGE_DATA_FORMAT = data_format


# ----------------------------------------------------------------------------------------------- dtypes
class DType:
    """A TensorFlow-style dtype: compares equal to itself, its name and its NumPy dtype."""

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, name):
        self._np = np.dtype(name)
        self.name = "string" if self._np.kind in "OSU" else self._np.name
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_complex(self):
        return self._np.kind == "c"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def size(self):
        return self._np.itemsize

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def __eq__(self, other):
        if isinstance(other, DType):
            return self.name == other.name
        try:
            return self._np == np.dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):
        return self.name


_DTYPES = {}


def as_dtype(dtype):
    """The DType for a DType, name, NumPy dtype or Python type (`float` means floatx)."""
    if isinstance(dtype, DType):
        return dtype
    if dtype is float:
        dtype = _FLOATX
    elif dtype is int:
        dtype = "int32"
    elif dtype is str or dtype == "string":
        dtype = object
    try:
        npd = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"Cannot convert {dtype!r} to a dtype") from None
    d = _DTYPES.get(npd)
    if d is None:
        d = _DTYPES[npd] = DType(npd)
    return d


def np_dtype(dtype):
    """The NumPy dtype for anything `as_dtype` accepts; None stays None."""
    if dtype is None:
        return None
    if isinstance(dtype, DType):
        return dtype._np
    if dtype is float:
        return np.dtype(_FLOATX)
    if dtype is int:
        return np.dtype("int32")
    if dtype == "bfloat16":
        raise TypeError("bfloat16 is not supported by the NumPy backend; use float16 or float32")
    if dtype is str or dtype == "string":
        return np.dtype(object)
    return np.dtype(dtype)


def is_float(array_dtype):
    return array_dtype.kind == "f"


def quiet_floating_point():
    """A context in which division by zero, overflow and invalid results give inf/nan without a warning."""
    return np.errstate(all="ignore")


def to_array(value, dtype=None):
    """A NumPy array from a Python value, list or array, with TensorFlow's default dtypes.

    Python floats become floatx, Python ints int32, NumPy arrays keep their dtype unless `dtype` is given.
    """
    if isinstance(value, np.ndarray):
        return value if dtype is None or value.dtype == dtype else value.astype(dtype)
    if dtype is not None:
        arr = np.asarray(value, dtype=dtype)
        return as_strings(arr) if arr.dtype.kind == "O" else arr
    if isinstance(value, (np.generic,)):
        return np.asarray(value)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "f" and arr.dtype != np.dtype(_FLOATX):
        return arr.astype(_FLOATX)
    if kind == "i" and arr.dtype != np.int32:
        if arr.size and (arr.max() > 2**31 - 1 or arr.min() < -(2**31)):
            return arr.astype(np.int64)
        return arr.astype(np.int32)
    if kind in "US" or (kind == "O" and all(isinstance(v, (str, bytes)) for v in arr.flat)):
        return as_strings(arr)
    if kind == "O":
        raise TypeError(f"Cannot convert {type(value).__name__} to a tensor: {value!r:.80}")
    return arr


def as_strings(arr):
    """Text as TensorFlow holds a `tf.string` tensor: an object array of bytes (str encoded as UTF-8)."""
    out = np.empty(arr.shape, dtype=object)
    for index, v in np.ndenumerate(arr):
        out[index] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
    return out


# ------------------------------------------------------------------------------------------------ random
class _RandomState:
    """The global seeded generator plus per-op-seed generators, as TensorFlow's global/op seed pair."""

    def __init__(self):
        self.seed = None
        self.generator = np.random.default_rng()
        self.op_generators = {}

    def set_seed(self, seed):
        self.seed = None if seed is None else int(seed)
        self.generator = np.random.default_rng(self.seed)
        self.op_generators = {}

    def get(self, seed=None):
        """The generator for an op: the global one, or one keyed by the op's own seed."""
        if seed is None:
            return self.generator
        g = self.op_generators.get(seed)
        if g is None:
            base = 0 if self.seed is None else self.seed
            g = self.op_generators[seed] = np.random.default_rng([base, int(seed)])
        return g


random_state = _RandomState()


def rng(seed=None):
    return random_state.get(seed)


def set_seed(seed):
    random_state.set_seed(seed)


# -------------------------------------------------------------------------------------- BLAS threads
class _BlasThreads:
    """How many threads NumPy's OpenBLAS uses, chosen per matrix product.

    A small product gains nothing from a second thread and loses when the cores are busy (a thread that
    is not scheduled makes the whole product wait), so products under `small_flops` run on one thread and
    larger ones on up to `max_threads`: OpenBLAS's own setting at import, or what
    `tf.config.threading.set_intra_op_parallelism_threads(n)` sets. On a machine whose cores other work
    keeps busy, setting 1 there avoids multi-millisecond stalls. The choice depends only on the product's
    size, so a run stays bitwise repeatable (one and two threads round differently). Without OpenBLAS
    this does nothing.
    """

    small_flops = 1 << 22

    def __init__(self):
        self._set = None
        self.max_threads = 1
        self.current = None
        try:
            self._bind()
        except (OSError, AttributeError, ValueError):
            self._set = None

    def _bind(self):
        import ctypes

        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
        for path in paths:
            lib = ctypes.CDLL(path)
            for prefix in ("scipy_openblas", "openblas"):
                for suffix in ("64_", ""):
                    setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                    getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                    if setter is not None and getter is not None:
                        setter.argtypes = [ctypes.c_int]
                        self._set = setter
                        self.max_threads = self.current = int(getter())
                        return

    def for_product(self, flops):
        """Set the thread count for a product of `flops` floating-point operations."""
        if self._set is None:
            return
        want = 1 if flops < self.small_flops else self.max_threads
        if want != self.current:
            self._set(want)
            self.current = want

    def set_max_threads(self, n):
        self.max_threads = max(1, int(n))
        self.current = None


blas_threads = _BlasThreads()


# ----------------------------------------------------------------------------------- freed memory
class _FreedMemory:
    """Whether freed array memory stays in the process for the next step, instead of going back to the
    operating system.

    A training step allocates and frees the same large arrays every time (a convolution's patches, its
    activations, their gradients). With glibc's default settings each of them is a fresh `mmap`, or heap
    memory that was just trimmed, and touching it again costs a page fault per 4 KiB: on a convnet step
    that is a quarter of the time. gradfit therefore sets glibc's mmap threshold and trim threshold high
    (`mallopt`) when it is imported, so large arrays are served from the heap and freed memory is kept
    for reuse: the process's resident memory stays at its peak instead of following each step up and
    down. `GRADFIT_KEEP_FREED_MEMORY=0` in the environment turns this off; on a C library without
    `mallopt` (not glibc) nothing changes.
    """

    mmap_threshold = 1 << 28  # arrays up to 256 MiB come from the heap
    trim_threshold = 1 << 29  # up to 512 MiB of free heap is kept

    def __init__(self):
        self.active = False

    def keep(self):
        import ctypes
        import ctypes.util

        try:
            mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
        except (OSError, AttributeError):
            return False
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        m_trim_threshold, m_mmap_threshold = -1, -3
        # glibc refuses an mmap threshold above its largest heap (32 MiB on some builds): fall back to that.
        if not (mallopt(m_mmap_threshold, self.mmap_threshold) or mallopt(m_mmap_threshold, 1 << 25)):
            return False
        self.active = bool(mallopt(m_trim_threshold, self.trim_threshold))
        return self.active


freed_memory = _FreedMemory()
if os.environ.get("GRADFIT_KEEP_FREED_MEMORY", "1") != "0" and sys.platform == "linux":
    freed_memory.keep()

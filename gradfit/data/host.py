"""Host-side array kernels of the input pipeline: components, row gathers, stacking, padding, shuffling.

Pipelines hold their data as NumPy arrays in host memory (as tf.data runs on the CPU) and hand Tensors
to user functions and to the iterating caller. This module, `cache_file` (the cache file format) and
`images` (decoding and resizing) are where gradfit.data calls NumPy, as optimizer and metric kernels do;
the rest of the package is plain Python over these kernels.
"""
import itertools

import numpy as np

from .. import backend
from ..errors import InvalidArgumentError
from ..tensor import Tensor, Variable

ARRAY = np.ndarray
INT64 = np.dtype(np.int64)
FLOAT32 = np.dtype(np.float32)
STRING = np.dtype(object)

# Shuffle draws its random slots in blocks of this many, in both of its algorithms, so that an index
# stream and an element stream of the same data come out in the same order for the same generator.
SHUFFLE_BLOCK = 4096


# ------------------------------------------------------------------------------------------ components
def as_component(value, dtype=None):
    """A component array from a Tensor, array or Python value, with TensorFlow's default dtypes.

    Python floats become floatx and ints int32; strings become `tf.string` values (object arrays of
    `bytes`). A Variable is read (copied), so later assignments don't change the pipeline.
    """
    if isinstance(value, Tensor):
        arr = value._value.copy() if isinstance(value, Variable) else value._value
        if type(arr) is not np.ndarray:  # ops may leave a NumPy scalar in a 0-d tensor
            arr = np.asarray(arr)
    elif isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (str, bytes)):
        arr = np.empty((), dtype=object)
        arr[()] = _utf8(value)
        return arr
    elif isinstance(value, list) and value and all(isinstance(v, (np.ndarray, Tensor)) for v in value):
        # A list of arrays is one tensor of their dtype (TensorFlow stacks it; floats stay float64).
        arr = np.stack([as_component(v) for v in value])
    else:
        try:
            arr = backend.to_array(value)
        except TypeError:
            arr = np.asarray(value, dtype=object)
        except ValueError as e:
            raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: {value!r:.80}") from e
    kind = arr.dtype.kind
    if kind in "US":
        arr = np.char.encode(arr, "utf-8").astype(object) if kind == "U" else arr.astype(object)
    elif kind == "O":
        arr = _string_array(arr, value)
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def _utf8(x):
    return x.encode("utf-8") if isinstance(x, str) else x


def _string_array(arr, original):
    flat = arr.ravel()
    if not all(isinstance(x, (str, bytes)) for x in flat):
        bad = next(x for x in flat if not isinstance(x, (str, bytes)))
        raise TypeError(f"Cannot convert {type(bad).__name__} to a tensor: {original!r:.80}")
    out = np.empty(arr.shape, dtype=object)
    out.ravel()[:] = [_utf8(x) for x in flat]
    return out


def convert_to(value, dtype):
    """`value` as an array of `dtype` (a gradfit DType or NumPy dtype), as from_generator converts."""
    np_dtype = backend.np_dtype(dtype)
    if np_dtype.kind == "O":
        arr = as_component(value)
        if arr.dtype.kind != "O":
            raise TypeError(f"expected strings, got dtype {arr.dtype}")
        return arr
    if isinstance(value, Tensor):
        value = value._value
    if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and value.dtype.kind in "USO"):
        raise TypeError(f"cannot convert strings to {np_dtype}")
    return np.asarray(value, dtype=np_dtype)


def is_string(arr):
    return arr.dtype.kind == "O"


def read_only(arr):
    """A read-only view: batches sliced from it can be handed out without copying."""
    view = arr.view()
    view.flags.writeable = False
    return view


def row(arr, i):
    """Row `i` as an array (a 0-d view for a vector, never a NumPy scalar)."""
    return arr[i, ...]


def rows(arr, index):
    """The rows of `arr` at `index`: a `range` gives a view, an index array a gathered copy."""
    if type(index) is range:
        return arr[index.start:index.stop:index.step]
    return arr[index] if arr.ndim == 1 else arr.take(index, axis=0)


def scalar(value, dtype):
    return np.asarray(value, dtype=dtype)


def arange(start, stop, step, dtype=INT64):
    return np.arange(start, stop, step, dtype=dtype)


def range_rows(start, step, index, dtype):
    """Elements `start + i * step` of Dataset.range for the positions in `index`."""
    if type(index) is range:
        return np.arange(start + index.start * step, start + index.stop * step, index.step * step, dtype=dtype) \
            if len(index) else np.zeros((0,), dtype)
    return (start + index.astype(dtype) * step).astype(dtype, copy=False)


def leading_dim(arr):
    return arr.shape[0] if arr.ndim else None


def value_key(arr):
    """A hashable key equal for arrays of the same shape and values (Dataset.unique's)."""
    if arr.dtype.kind == "O":
        return arr.shape, tuple(arr.ravel().tolist())
    return arr.shape, arr.dtype.str, arr.tobytes()


# -------------------------------------------------------------------------------------------- batching
def stack(arrays, component=0):
    """Stack same-shaped arrays along a new first axis (TensorFlow's error when shapes differ)."""
    first = arrays[0].shape
    for i, a in enumerate(arrays):
        if a.shape != first:
            raise InvalidArgumentError(
                f"Cannot batch tensors with different shapes in component {component}. First element had "
                f"shape {list(first)} and element {i} had shape {list(a.shape)}.")
    return np.stack(arrays)


def concat(arrays):
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def pad_stack(arrays, shape, padding_value, component=0):
    """Stack arrays padded at the end of each axis to `shape` (None: the largest in the batch)."""
    rank = arrays[0].ndim
    for i, a in enumerate(arrays):
        if a.ndim != rank:
            raise InvalidArgumentError(
                f"padded_batch: component {component} has rank {rank} in its first element and rank {a.ndim} "
                f"in element {i}")
    if shape is None:
        shape = (None,) * rank
    if len(shape) != rank:
        raise InvalidArgumentError(
            f"padded_batch: padded shape {list(shape)} for component {component} does not have the element's "
            f"rank {rank}")
    target = []
    for axis, want in enumerate(shape):
        longest = max(a.shape[axis] for a in arrays)
        if want is None or want < 0:
            want = longest
        elif longest > want:
            raise InvalidArgumentError(
                f"Attempted to pad to a smaller size than the input element: component {component} has size "
                f"{longest} in dimension {axis}, padded shape is {list(shape)}.")
        target.append(want)
    dtype = arrays[0].dtype
    fill = (b"" if padding_value is None else padding_value) if dtype.kind == "O" else (
        0 if padding_value is None else padding_value)
    out = np.full([len(arrays)] + target, fill, dtype=dtype)
    for i, a in enumerate(arrays):
        # a[()] for a 0-d string: assigning the array itself would nest it inside the object array.
        out[(i,) + tuple(slice(0, d) for d in a.shape)] = a if a.ndim else a[()]
    return out


def padding_value(value, dtype, component):
    """A padding value checked to be a scalar of the component's dtype (a Python number converts to it)."""
    arr = as_component(value)
    if arr.ndim != 0:
        raise ValueError(f"padded_batch: padding value for component {component} must be a scalar, "
                         f"got shape {arr.shape}")
    typed = isinstance(value, (Tensor, np.ndarray, np.generic))
    if (arr.dtype.kind == "O") != (dtype.kind == "O") or (typed and arr.dtype != dtype):
        raise TypeError(f"Invalid `padding_values`. `padding_values` values type {arr.dtype} does not match type "
                        f"{dtype} of the corresponding input component {component}.")
    return arr[()] if dtype.kind == "O" else arr.astype(dtype)[()]


# ------------------------------------------------------------------------------------- index streams
class IndexReader:
    """Reads a stream of index chunks (ranges or int64 arrays) in pieces of a requested length.

    A piece is a `range` when it lies inside one range chunk (so rows come out as views), else an array.
    """

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._pending = None

    def read(self, n):
        """Up to `n` indices (fewer only at the end of the stream), or None when it is exhausted."""
        pieces = []
        want = n
        while want > 0:
            chunk = self._pending
            if chunk is None:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
            size = len(chunk)
            if size > want:
                pieces.append(chunk[:want])
                self._pending = chunk[want:]
                want = 0
            else:
                if size:
                    pieces.append(chunk)
                self._pending = None
                want -= size
        if not pieces:
            return None
        if len(pieces) == 1:
            return pieces[0]
        return np.concatenate([as_index_array(p) for p in pieces])


def as_index_array(index):
    if type(index) is range:
        return np.arange(index.start, index.stop, index.step, dtype=INT64)
    return index


def count_chunks(n, size=1 << 16):
    """The index stream 0..n-1 as ranges (0, 1, 2, ... forever when n is None)."""
    if n is None:
        return (range(i, i + size) for i in itertools.count(0, size))
    return (range(i, min(i + size, n)) for i in range(0, n, size))


def shard_chunk(chunk, offset, num_shards, index):
    """The indices of `chunk` (starting at stream position `offset`) that belong to shard `index`."""
    return chunk[(index - offset) % num_shards::num_shards]


# ------------------------------------------------------------------------------------------- shuffling
def new_generator(key):
    """A generator seeded by a tuple of non-negative ints."""
    return np.random.default_rng([int(k) & 0xFFFFFFFFFFFFFFFF for k in key])


def uniform_floats(generator, n):
    """`n` floats uniform in [0, 1), as a list."""
    return generator.random(n).tolist()


def random_uint32(generator, n):
    """`n` int64 values uniform in [0, 2**32) (Dataset.random's values)."""
    return generator.integers(0, 1 << 32, size=n, dtype=np.int64)


def fresh_seed():
    """A seed from the global generator, for shuffles that neither the user nor set_seed made repeatable."""
    return int(backend.rng().integers(0, 2**63 - 1))


def shuffled_indices(reader, buffer_size, generator):
    """TensorFlow's buffer shuffle over an index stream, vectorized: yields int64 index arrays.

    The first `buffer_size` indices fill a buffer; each further index takes a random slot, whose
    occupant is emitted; when the stream ends the buffer is emitted in random order. The same
    generator gives the same order as `shuffled_elements` over the same elements.
    """
    first = reader.read(buffer_size)
    if first is None:
        return
    buffer = np.array(as_index_array(first), dtype=INT64)
    if len(buffer) == buffer_size:
        while True:
            block = reader.read(SHUFFLE_BLOCK)
            if block is None:
                break
            incoming = as_index_array(block)
            slots = generator.integers(0, buffer_size, size=SHUFFLE_BLOCK)[:len(incoming)]
            yield _replace_in_buffer(buffer, incoming, slots)
    yield buffer[generator.permutation(len(buffer))]


def _replace_in_buffer(buffer, incoming, slots):
    """Emit buffer[slots[k]] then store incoming[k] there, for all k at once (updates `buffer`).

    Step k emits what the latest earlier step writing the same slot stored, or the buffer's original
    occupant; a stable sort by slot puts each slot's writers next to each other, in time order.
    """
    # A stable sort of 16-bit keys is a radix sort: twice as fast as sorting the int64 slots.
    order = np.argsort(slots.astype(np.uint16) if len(buffer) <= 1 << 16 else slots, kind="stable")
    sorted_slots = slots[order]
    repeat = sorted_slots[1:] == sorted_slots[:-1]
    previous = np.full(len(slots), -1, dtype=INT64)
    previous[order[1:][repeat]] = order[:-1][repeat]
    out = np.where(previous >= 0, incoming[previous], buffer[slots])
    last = np.ones(len(slots), dtype=bool)
    last[:-1] = ~repeat
    buffer[sorted_slots[last]] = incoming[order[last]]
    return out


def shuffled_elements(iterator, buffer_size, generator):
    """TensorFlow's buffer shuffle over any elements (see `shuffled_indices`, which it matches)."""
    buffer = []
    for item in iterator:
        buffer.append(item)
        if len(buffer) == buffer_size:
            break
    if len(buffer) == buffer_size:
        k = SHUFFLE_BLOCK
        for item in iterator:
            if k == SHUFFLE_BLOCK:
                slots = generator.integers(0, buffer_size, size=SHUFFLE_BLOCK).tolist()
                k = 0
            j = slots[k]
            k += 1
            out = buffer[j]
            buffer[j] = item
            yield out
    for j in generator.permutation(len(buffer)).tolist():
        yield buffer[j]


def legacy_shuffle(items, seed):
    """Shuffle a list in place as `np.random.RandomState(seed).shuffle` does (Keras's file order)."""
    np.random.RandomState(seed).shuffle(items)
    return items

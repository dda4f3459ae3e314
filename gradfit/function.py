"""`tf.function` and `tf.config`: accepted so TensorFlow code runs; gradfit always runs eagerly."""
import functools
import os


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_compile=None, **kwargs):
    """Returns `func` unchanged: eager execution is gradfit's fast path, so there is nothing to trace."""
    if func is None:
        return functools.partial(function, input_signature=input_signature, jit_compile=jit_compile)

    @functools.wraps(func)
    def wrapped(*args, **kw):
        return func(*args, **kw)

    wrapped.python_function = func
    return wrapped


def executing_eagerly():
    return True


class _Config:
    """The parts of `tf.config` that scripts commonly call."""

    _eager = True

    def run_functions_eagerly(self, run_eagerly):
        self._eager = bool(run_eagerly)

    def functions_run_eagerly(self):
        return True

    def list_physical_devices(self, device_type=None):
        if device_type in (None, "CPU"):
            return [PhysicalDevice("/physical_device:CPU:0", "CPU")]
        return []

    def list_logical_devices(self, device_type=None):
        return self.list_physical_devices(device_type)

    def get_visible_devices(self, device_type=None):
        return self.list_physical_devices(device_type)

    def set_visible_devices(self, devices, device_type=None):
        return None

    class experimental:
        @staticmethod
        def set_memory_growth(device, enable):
            return None

        @staticmethod
        def enable_op_determinism():
            return None

    class threading:
        """Threads for one op: the most NumPy's BLAS uses for a large matrix product (small ones use one)."""

        @staticmethod
        def set_intra_op_parallelism_threads(n):
            from .backend import blas_threads

            blas_threads.set_max_threads(n if n > 0 else (os.cpu_count() or 1))

        @staticmethod
        def set_inter_op_parallelism_threads(n):
            return None

        @staticmethod
        def get_intra_op_parallelism_threads():
            from .backend import blas_threads

            return blas_threads.max_threads

        @staticmethod
        def get_inter_op_parallelism_threads():
            return 0


class PhysicalDevice:
    def __init__(self, name, device_type):
        self.name = name
        self.device_type = device_type

    def __repr__(self):
        return f"PhysicalDevice(name='{self.name}', device_type='{self.device_type}')"


config = _Config()


class device:
    """`with tf.device('/CPU:0'):` runs the block as usual (gradfit computes on the CPU)."""

    def __init__(self, device_name):
        self.name = device_name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class name_scope(device):
    """`with tf.name_scope('x'):` is accepted; names do not affect computation."""

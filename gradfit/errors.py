"""TensorFlow's error classes (`tf.errors`), so user code that catches them keeps working."""


class OpError(Exception):
    def __init__(self, message="", *args, **kwargs):
        super().__init__(message)
        self.message = message


class InvalidArgumentError(OpError, ValueError):
    """Raised when an op receives an argument it cannot use (wrong shape, value or rank)."""


class OutOfRangeError(OpError, IndexError):
    """Raised when an iterator or index runs past its end."""


class NotFoundError(OpError, FileNotFoundError):
    pass


class ResourceExhaustedError(OpError, MemoryError):
    pass


class UnimplementedError(OpError):
    pass


class FailedPreconditionError(OpError, RuntimeError):
    pass


class DataLossError(OpError):
    """Raised when a file cannot be read as what it should be (a checkpoint that is not one)."""


# How TensorFlow's kernel messages name dtypes ("expected to be a float tensor but is a double tensor").
_KERNEL_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half", "object": "string"}


def kernel_type_name(dtype):
    """The name TensorFlow's op errors give a NumPy dtype."""
    return _KERNEL_TYPE_NAMES.get(dtype.name, dtype.name)

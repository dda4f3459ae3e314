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

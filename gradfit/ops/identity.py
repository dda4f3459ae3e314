"""Ops that return their input's value: `tf.identity_n`, and `tf.ensure_shape` after checking the shape."""
from ..tensor import Tensor, TensorShape, UnknownShape, convert_to_tensor
from .array import identity
from .core import InvalidArgumentError


def identity_n(input, name=None):
    """`identity` of each tensor in a list (gradients flow through each)."""
    if isinstance(input, Tensor) and input.ndim == 0:
        raise TypeError("Cannot iterate over a scalar tensor.")
    return [identity(x) for x in input]


def _shape_text(shape):
    if isinstance(shape, UnknownShape):
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def ensure_shape(x, shape, name=None):
    """`x` unchanged if its shape is compatible with `shape` (None dimensions match anything; a None
    shape matches every shape), else InvalidArgumentError."""
    x = x if isinstance(x, Tensor) else convert_to_tensor(x)
    expected = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if not expected.is_compatible_with(x.shape):
        raise InvalidArgumentError(f"Shape of tensor input {_shape_text(x.shape)} is not compatible with expected "
                                   f"shape {_shape_text(expected)}.")
    return identity(x)

"""`tf.realdiv`: elementwise division of floating-point (or complex) tensors of one dtype, as TensorFlow's
RealDiv kernel (integers have no such kernel; `tf.math.truediv` divides them)."""
import numpy as np

from ..errors import NotFoundError, kernel_type_name
from .core import InvalidArgumentError, pair
from .math import _apply_binary, _div


def realdiv(x, y, name=None):
    """x / y for floating-point (or complex) tensors of one dtype; its gradient is division's."""
    xv, yv = pair(x, y)
    dtype = xv.dtype if isinstance(xv, np.ndarray) else yv.dtype  # pair() leaves at most one a Python scalar
    if isinstance(xv, np.ndarray) and isinstance(yv, np.ndarray) and xv.dtype != yv.dtype:
        raise InvalidArgumentError(f"cannot compute RealDiv as input #1(zero-based) was expected to be a "
                                   f"{kernel_type_name(xv.dtype)} tensor but is a {kernel_type_name(yv.dtype)} tensor")
    if dtype.kind not in "fc":
        raise NotFoundError(f"Could not find a kernel for RealDiv with dtype {dtype.name}: it divides floating-point "
                            "and complex tensors (use tf.math.truediv or tf.math.floordiv for integers)")
    return _apply_binary(_div, np.true_divide, x, y, xv, yv, "RealDiv")

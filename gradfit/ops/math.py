"""Elementwise math, comparisons and casts, with their gradient rules (`tf.math`)."""
import math as _pymath

import numpy as np

from ..backend import np_dtype
from .core import (ACTIVE, InvalidArgumentError, Primitive, Tensor, defgrad, kind_converts, output, pair, record,
                   shape_of, value)
from . import array as A
from . import special_erf as _special_erf


def _binary_op(name, fn, differentiable=True):
    """A binary op on broadcast inputs, and its Primitive (None when it has no gradient)."""
    prim = Primitive(name) if differentiable else None
    op_name = name

    def op(x, y, name=None):
        xv, yv = pair(x, y)
        return _apply_binary(prim, fn, x, y, xv, yv, op_name)

    op.__name__ = name
    return prim, op


def _apply_binary(prim, fn, x, y, xv, yv, op_name):
    """fn(xv, yv) for inputs x and y (whose values are xv and yv), recorded as `prim`."""
    try:
        out = fn(xv, yv)
    except ValueError:
        raise InvalidArgumentError(
            f"{op_name}: incompatible shapes {tuple(shape_of(x))} and {tuple(shape_of(y))}") from None
    if ACTIVE and prim is not None:
        return record(prim, out, (x, y))
    return Tensor(out)


def _unary_op(name, fn):
    prim = Primitive(name)

    def op(x, name=None):
        try:
            xv = x._value
        except AttributeError:
            xv = value(x)
        out = fn(xv)
        if ACTIVE:
            return record(prim, out, (x,))
        return Tensor(out)

    op.__name__ = name
    return prim, op


def unbroadcast(g, x):
    """`g` summed down to the shape of `x`, undoing broadcasting (the one place this is done)."""
    shape = shape_of(x)
    if g._value.shape == shape:
        return g
    return A.sum_to(g, shape)


# ------------------------------------------------------------------------------- binary arithmetic
_add, add = _binary_op("Add", np.add)
_sub, subtract = _binary_op("Sub", np.subtract)
_mul, multiply = _binary_op("Mul", np.multiply)
_div, _true_divide = _binary_op("RealDiv", np.true_divide)
_maximum, maximum = _binary_op("Maximum", np.maximum)
_minimum, minimum = _binary_op("Minimum", np.minimum)
_pow, _pow_values = _binary_op("Pow", np.power)
_sqdiff, squared_difference = _binary_op("SquaredDifference", lambda a, b: np.square(np.subtract(a, b)))
_atan2, atan2 = _binary_op("Atan2", np.arctan2)
_, floordiv = _binary_op("FloorDiv", np.floor_divide, differentiable=False)


def _truncate_divide(a, b):
    if np.asarray(a).dtype.kind in "iu" and np.asarray(b).dtype.kind in "iu":
        q = np.floor_divide(a, b)
        return q + ((np.mod(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
    return np.trunc(np.true_divide(a, b)).astype(np.result_type(a, b), copy=False)


_, truncatediv = _binary_op("TruncateDiv", _truncate_divide, differentiable=False)
_, truncatemod = _binary_op("TruncateMod", np.fmod, differentiable=False)
_floormod, floormod = _binary_op("FloorMod", np.mod)
_xlogy, _xlogy_values = _binary_op(
    "Xlogy", lambda a, b: np.where(np.equal(a, 0), np.zeros_like(np.multiply(a, b)), np.multiply(a, np.log(np.where(np.equal(a, 0), 1, b)))))


def divide(x, y, name=None):
    """x / y. Integer inputs give a float result, as Python's `/` does."""
    xv, yv = pair(x, y)
    if _is_int(xv) and _is_int(yv):
        return _true_divide(cast(x, "float64"), cast(y, "float64"))
    return _apply_binary(_div, np.true_divide, x, y, xv, yv, "RealDiv")


truediv = divide


def _is_int(v):
    return (isinstance(v, np.ndarray) and v.dtype.kind in "iu") or type(v) is int


def pow(x, y, name=None):
    return _pow_values(x, y)


def xlogy(x, y, name=None):
    return _xlogy_values(x, y)


def divide_no_nan(x, y, name=None):
    """x / y, with 0 wherever y is 0."""
    safe = where(equal(y, 0), A.ones_like(y) if isinstance(y, Tensor) else 1.0, y)
    return where(equal(y, 0), A.zeros_like(multiply(x, safe)), divide(x, safe))


def multiply_no_nan(x, y, name=None):
    return where(equal(y, 0), A.zeros_like(multiply(x, y)), multiply(x, y))


def mod(x, y, name=None):
    return floormod(x, y)


def _ub(g, x):
    return unbroadcast(g, x)


defgrad(_add, lambda g, ans, x, y: _ub(g, x), lambda g, ans, x, y: _ub(g, y))
defgrad(_sub, lambda g, ans, x, y: _ub(g, x), lambda g, ans, x, y: _ub(negative(g), y))
defgrad(_mul, lambda g, ans, x, y: _ub(multiply(g, y), x), lambda g, ans, x, y: _ub(multiply(g, x), y))
defgrad(_div, lambda g, ans, x, y: _ub(divide(g, y), x),
        lambda g, ans, x, y: _ub(negative(multiply(g, divide(ans, y))), y))
defgrad(_maximum, lambda g, ans, x, y: _ub(multiply(g, cast(greater_equal(x, y), g.dtype)), x),
        lambda g, ans, x, y: _ub(multiply(g, cast(less(x, y), g.dtype)), y))
defgrad(_minimum, lambda g, ans, x, y: _ub(multiply(g, cast(less_equal(x, y), g.dtype)), x),
        lambda g, ans, x, y: _ub(multiply(g, cast(greater(x, y), g.dtype)), y))
defgrad(_pow, lambda g, ans, x, y: _ub(multiply(g, multiply(y, pow(x, subtract(y, 1)))), x),
        lambda g, ans, x, y: _ub(multiply(g, multiply(ans, log(where(greater(x, 0), x, A.ones_like(x))))), y))
defgrad(_sqdiff, lambda g, ans, x, y: _ub(multiply(g, multiply(2.0, subtract(x, y))), x),
        lambda g, ans, x, y: _ub(multiply(g, multiply(-2.0, subtract(x, y))), y))
defgrad(_atan2, lambda g, ans, x, y: _ub(multiply(g, divide(y, add(square(x), square(y)))), x),
        lambda g, ans, x, y: _ub(multiply(g, divide(negative(x), add(square(x), square(y)))), y))
defgrad(_floormod, lambda g, ans, x, y: _ub(g, x),
        lambda g, ans, x, y: _ub(multiply(g, negative(floordiv(x, y))), y))
defgrad(_xlogy, lambda g, ans, x, y: _ub(multiply(g, where(equal(x, 0), A.zeros_like(x), log(where(equal(x, 0), A.ones_like(y), y)))), x),
        lambda g, ans, x, y: _ub(multiply(g, divide_no_nan(x, y)), y))

# ---------------------------------------------------------------------------------- unary arithmetic
_neg, negative = _unary_op("Neg", np.negative)
_abs, abs = _unary_op("Abs", np.abs)
_square, square = _unary_op("Square", np.square)
_sqrt, sqrt = _unary_op("Sqrt", np.sqrt)
_rsqrt, rsqrt = _unary_op("Rsqrt", lambda v: np.reciprocal(np.sqrt(v)))
_exp, exp = _unary_op("Exp", np.exp)
_expm1, expm1 = _unary_op("Expm1", np.expm1)
_log, log = _unary_op("Log", np.log)
_log1p, log1p = _unary_op("Log1p", np.log1p)
_sin, sin = _unary_op("Sin", np.sin)
_cos, cos = _unary_op("Cos", np.cos)
_tan, tan = _unary_op("Tan", np.tan)
_asin, asin = _unary_op("Asin", np.arcsin)
_acos, acos = _unary_op("Acos", np.arccos)
_atan, atan = _unary_op("Atan", np.arctan)
_sinh, sinh = _unary_op("Sinh", np.sinh)
_cosh, cosh = _unary_op("Cosh", np.cosh)
_asinh, asinh = _unary_op("Asinh", np.arcsinh)
_acosh, acosh = _unary_op("Acosh", np.arccosh)
_atanh, atanh = _unary_op("Atanh", np.arctanh)
_tanh, tanh = _unary_op("Tanh", np.tanh)
_reciprocal, reciprocal = _unary_op("Reciprocal", np.reciprocal)


def _sigmoid_value(v):
    # 1 / (1 + exp(-v)) keeps full relative precision on both tails (for v << 0, 1 + exp(-v) is exp(-v)
    # to working precision); -v is capped where exp would overflow, and everything runs in place.
    if v.dtype.kind != "f":
        v = v.astype(np.float32)
    t = np.negative(v, out=np.empty_like(v))
    np.minimum(t, 88.0 if v.dtype.itemsize <= 4 else 708.0, out=t)
    np.exp(t, out=t)
    t += 1
    return np.reciprocal(t, out=t)


_sigmoid, sigmoid = _unary_op("Sigmoid", _sigmoid_value)


def _erf_value(v):
    out = _special_erf.erf(v)
    return out.astype(v.dtype if v.dtype.kind == "f" else np.float32, copy=False)


_erf, erf = _unary_op("Erf", _erf_value)

defgrad(_neg, lambda g, ans, x: negative(g))
defgrad(_abs, lambda g, ans, x: multiply(g, sign(x)))
defgrad(_square, lambda g, ans, x: multiply(g, multiply(2.0, x)))
defgrad(_sqrt, lambda g, ans, x: divide(multiply(g, 0.5), ans))
defgrad(_rsqrt, lambda g, ans, x: multiply(multiply(g, -0.5), multiply(ans, square(ans))))
defgrad(_exp, lambda g, ans, x: multiply(g, ans))
defgrad(_expm1, lambda g, ans, x: multiply(g, add(ans, 1.0)))
defgrad(_log, lambda g, ans, x: divide(g, x))
defgrad(_log1p, lambda g, ans, x: divide(g, add(x, 1.0)))
defgrad(_sin, lambda g, ans, x: multiply(g, cos(x)))
defgrad(_cos, lambda g, ans, x: negative(multiply(g, sin(x))))
defgrad(_tan, lambda g, ans, x: multiply(g, add(square(ans), 1.0)))
defgrad(_asin, lambda g, ans, x: multiply(g, rsqrt(subtract(1.0, square(x)))))
defgrad(_acos, lambda g, ans, x: negative(multiply(g, rsqrt(subtract(1.0, square(x))))))
defgrad(_atan, lambda g, ans, x: divide(g, add(square(x), 1.0)))
defgrad(_sinh, lambda g, ans, x: multiply(g, cosh(x)))
defgrad(_cosh, lambda g, ans, x: multiply(g, sinh(x)))
defgrad(_asinh, lambda g, ans, x: multiply(g, rsqrt(add(square(x), 1.0))))
defgrad(_acosh, lambda g, ans, x: multiply(g, rsqrt(subtract(square(x), 1.0))))
defgrad(_atanh, lambda g, ans, x: divide(g, subtract(1.0, square(x))))
defgrad(_tanh, lambda g, ans, x: multiply(g, subtract(1.0, square(ans))))
defgrad(_reciprocal, lambda g, ans, x: negative(multiply(g, square(ans))))
defgrad(_sigmoid, lambda g, ans, x: multiply(g, multiply(ans, subtract(1.0, ans))))
defgrad(_erf, lambda g, ans, x: multiply(g, multiply(2.0 / _pymath.sqrt(_pymath.pi), exp(negative(square(x))))))


def sign(x, name=None):
    return Tensor(np.sign(value(x)))


def floor(x, name=None):
    return Tensor(np.floor(value(x)))


def ceil(x, name=None):
    return Tensor(np.ceil(value(x)))


def round(x, name=None):
    """Rounds half to even, as TensorFlow does."""
    return Tensor(np.round(value(x)))


def rint(x, name=None):
    return Tensor(np.rint(value(x)))


def is_nan(x, name=None):
    return Tensor(np.isnan(value(x)))


def is_inf(x, name=None):
    return Tensor(np.isinf(value(x)))


def is_finite(x, name=None):
    return Tensor(np.isfinite(value(x)))


# ---------------------------------------------------------------------- comparisons and logic
def _compare(fn, opname):
    def op(x, y, name=None):
        xv, yv = pair(x, y)
        try:
            return Tensor(np.asarray(fn(xv, yv)))
        except ValueError:
            raise InvalidArgumentError(
                f"{opname}: incompatible shapes {tuple(shape_of(x))} and {tuple(shape_of(y))}") from None

    op.__name__ = opname
    return op


equal = _compare(np.equal, "equal")
not_equal = _compare(np.not_equal, "not_equal")
greater = _compare(np.greater, "greater")
greater_equal = _compare(np.greater_equal, "greater_equal")
less = _compare(np.less, "less")
less_equal = _compare(np.less_equal, "less_equal")
logical_and = _compare(np.logical_and, "logical_and")
logical_or = _compare(np.logical_or, "logical_or")
logical_xor = _compare(np.logical_xor, "logical_xor")
bitwise_and = _compare(np.bitwise_and, "bitwise_and")
bitwise_or = _compare(np.bitwise_or, "bitwise_or")
bitwise_xor = _compare(np.bitwise_xor, "bitwise_xor")


def logical_not(x, name=None):
    return Tensor(np.logical_not(value(x)))


def invert(x, name=None):
    return Tensor(np.invert(value(x)))


# ---------------------------------------------------------------------------------------- where, cast
_where = Primitive("Select")
defgrad(_where, None,
        lambda g, ans, c, x, y: _ub(where(c, g, A.zeros_like(g)), x),
        lambda g, ans, c, x, y: _ub(where(c, A.zeros_like(g), g), y))


def where(condition, x=None, y=None, name=None):
    """Elements of `x` where `condition` holds, else of `y`; with only a condition, the true indices."""
    cv = value(condition)
    if x is None and y is None:
        return Tensor(np.argwhere(cv).astype(np.int64))
    if x is None or y is None:
        raise ValueError("where needs both x and y, or neither")
    xv, yv = pair(x, y)
    if cv.dtype != np.bool_:
        cv = cv.astype(bool)
    try:
        out = np.where(cv, xv, yv)
    except ValueError:
        raise InvalidArgumentError(
            f"where: incompatible shapes condition {cv.shape}, x {tuple(shape_of(x))}, y {tuple(shape_of(y))}"
        ) from None
    return output(_where, out, (condition, x, y))


_cast = Primitive("Cast")
defgrad(_cast, lambda g, ans, x, dtype: cast(g, x.dtype) if x.dtype.is_floating else None)


def cast(x, dtype, name=None):
    """x converted to `dtype` (floats to integers truncate toward zero, as in TensorFlow)."""
    target = np_dtype(dtype)
    xv = value(x)
    if xv.dtype == target:
        return x if type(x) is Tensor else output(_cast, xv, (x,), {"dtype": target})
    if target.kind in "iu" and xv.dtype.kind == "f":
        out = np.trunc(xv).astype(target)
    else:
        out = xv.astype(target)
    return output(_cast, out, (x,), {"dtype": target})


def saturate_cast(x, dtype, name=None):
    target = np_dtype(dtype)
    xv = value(x)
    if target.kind in "iu":
        info = np.iinfo(target)
        xv = np.clip(xv, info.min, info.max)
    return Tensor(xv.astype(target))


def to_float(x, name=None):
    return cast(x, "float32")


# ------------------------------------------------------------------------------------- clipping
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """t with every element clipped to [min, max]; the gradient passes where t is inside the range."""
    return minimum(maximum(t, clip_value_min), clip_value_max)


def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors of the same shape."""
    if not inputs:
        raise ValueError("add_n needs at least one input")
    total = inputs[0]
    for x in inputs[1:]:
        total = add(total, x)
    return total if isinstance(total, Tensor) else Tensor(value(total))


accumulate_n = add_n


def scalar_mul(scalar, x, name=None):
    """`scalar * x` for a 0-d `scalar`, which must convert to x's dtype (as `tf.scalar_mul`)."""
    if shape_of(scalar) != ():
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {tuple(shape_of(scalar))}.")
    target = value(x).dtype
    if isinstance(scalar, Tensor):
        if scalar._value.dtype != target:
            raise ValueError(f"scalar: Tensor conversion requested dtype {target.name} for Tensor with dtype "
                             f"{scalar._value.dtype.name}")
    elif not kind_converts(np.asarray(scalar).dtype, target):
        raise TypeError(f"Cannot convert {scalar} to EagerTensor of dtype {target.name}")
    return multiply(scalar, x)


def reciprocal_no_nan(x, name=None):
    """1 / x, with 0 where x is 0."""
    return divide_no_nan(np.ones((), value(x).dtype), x)


def xdivy(x, y, name=None):
    """x / y, with 0 where x is 0."""
    zero = equal(x, 0)
    safe = where(zero, np.ones_like(np.asarray(value(y))), y)
    return where(zero, A.zeros_like(multiply(x, safe)), divide(x, safe))


def xlog1py(x, y, name=None):
    """x * log1p(y), with 0 where x is 0."""
    zero = equal(x, 0)
    safe = where(zero, np.zeros_like(np.asarray(value(y))), y)
    return where(zero, A.zeros_like(multiply(x, safe)), multiply(x, log1p(safe)))


def polyval(coeffs, x, name=None):
    """coeffs[0] * x^(n-1) + ... + coeffs[n-1], by Horner's rule (zeros like x for no coefficients)."""
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type. Received type {type(coeffs)}.")
    if not coeffs:
        return A.zeros_like(x)
    p = coeffs[0]
    for c in coeffs[1:]:
        p = add(c, multiply(p, x))
    return p if isinstance(p, Tensor) else Tensor(value(p))


def l2_loss(t, name=None):
    """sum(t ** 2) / 2."""
    from .reduction import reduce_sum

    return multiply(reduce_sum(square(t)), 0.5)

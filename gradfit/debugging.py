"""`tf.debugging`: assertions that raise InvalidArgumentError, with TensorFlow's messages.

A failed comparison (`assert_equal`, `assert_less`, ...) reports, as TensorFlow's eager code does, the
indices and values of the first `summarize` (default 3) elements that broke the condition when x and y
have the same shape, then the first elements of x and y. Rank checks raise InvalidArgumentError, a
ValueError as TensorFlow's own rank errors are.
"""
import numpy as np

from .backend import as_dtype
from .errors import InvalidArgumentError, kernel_type_name
from .ops.core import value
from .tensor import Tensor, convert_to_tensor

def _check(ok, message, default):
    if not ok:
        raise InvalidArgumentError(message or default)


def check_numerics(tensor, message, name=None):
    """The tensor unchanged, or InvalidArgumentError if it holds NaN or Inf."""
    v = value(tensor)
    bad = ~np.isfinite(v)
    if bad.any():
        kind = "NaN" if np.isnan(v).any() else "Inf"
        raise InvalidArgumentError(f"{message} : Tensor had {kind} values")
    return tensor


# ------------------------------------------------------------------------------------- comparisons
def _compared(op_name, compare, x, y):
    """compare(x, y) elementwise, for tensors of one dtype and broadcastable shapes (TensorFlow's errors)."""
    xv = (x if isinstance(x, Tensor) else convert_to_tensor(x))._value
    yv = (y if isinstance(y, Tensor) else convert_to_tensor(y))._value
    if xv.dtype != yv.dtype:
        raise InvalidArgumentError(f"cannot compute {op_name} as input #1(zero-based) was expected to be a "
                                   f"{kernel_type_name(xv.dtype)} tensor but is a {kernel_type_name(yv.dtype)} tensor")
    try:
        holds = np.asarray(compare(xv, yv))
    except ValueError:
        raise InvalidArgumentError(f"Incompatible shapes: {list(xv.shape)} vs. {list(yv.shape)}") from None
    return xv, yv, holds


def _binary_assert(symbol, op_name, compare, x, y, message, summarize):
    xv, yv, holds = _compared(op_name, compare, x, y)
    if holds.all():
        return None
    summarize = 3 if summarize is None else (max(xv.size, yv.size, 1) if summarize < 0 else int(summarize))
    lines = [] if message is None else [str(message)]
    lines.append(f"Condition x {symbol} y did not hold.")
    if summarize > 0:
        if xv.shape == yv.shape and xv.ndim:
            broken = ~holds
            where = np.argwhere(broken)
            n = min(summarize, len(where))
            lines += [f"Indices of first {n} different values:", str(where[:n]),
                      "Corresponding x values:", str(xv[broken][:n]),
                      "Corresponding y values:", str(yv[broken][:n])]
        for label, v in (("x", xv), ("y", yv)):
            flat = v.reshape(-1)
            k = min(flat.size, summarize)
            lines += [f"First {k} elements of {label}:", str(flat[:k])]
    raise InvalidArgumentError("\n".join(lines))


def assert_equal(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x == y everywhere (x and y broadcast)."""
    return _binary_assert("==", "Equal", np.equal, x, y, message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x != y everywhere."""
    return _binary_assert("!=", "NotEqual", np.not_equal, x, y, message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x < y everywhere."""
    return _binary_assert("<", "Less", np.less, x, y, message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x <= y everywhere."""
    return _binary_assert("<=", "LessEqual", np.less_equal, x, y, message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x > y everywhere."""
    return _binary_assert(">", "Greater", np.greater, x, y, message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x >= y everywhere."""
    return _binary_assert(">=", "GreaterEqual", np.greater_equal, x, y, message, summarize)


def _sign_assert(condition, compare, x, message, summarize):
    xv = (x if isinstance(x, Tensor) else convert_to_tensor(x))._value
    if np.all(compare(xv, 0)):
        return None
    summarize = 3 if summarize is None else (xv.size if summarize < 0 else int(summarize))
    shown = [str(v) for v in xv.reshape(-1)[:summarize].tolist()]
    prefix = f"{message}.  " if message else ""
    raise InvalidArgumentError(f"{prefix}\nCondition x {condition} 0 did not hold element-wise:\n"
                               f"x (shape={tuple(xv.shape)} dtype={as_dtype(xv.dtype).name}) = \n{shown}")


def assert_positive(x, message=None, summarize=None, name=None):
    return _sign_assert(">", np.greater, x, message, summarize)


def assert_negative(x, message=None, summarize=None, name=None):
    return _sign_assert("<", np.less, x, message, summarize)


def assert_non_negative(x, message=None, summarize=None, name=None):
    return _sign_assert(">=", np.greater_equal, x, message, summarize)


def assert_non_positive(x, message=None, summarize=None, name=None):
    return _sign_assert("<=", np.less_equal, x, message, summarize)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    _check(np.allclose(value(x), value(y), rtol=rtol or 1e-6, atol=atol or 1e-6), message,
           f"Expected {value(x)} to be close to {value(y)}")


# ------------------------------------------------------------------------------------- ranks, types
def _rank_assert(x, requirement, holds, message):
    shape = np.shape(value(x))
    if not holds(len(shape)):
        prefix = f"{message}.  " if message else ""
        raise InvalidArgumentError(f"{prefix}Tensor  must have rank {requirement}.  Received rank {len(shape)}, "
                                   f"shape {tuple(shape)}")


def _scalar_rank(rank):
    r = np.asarray(value(rank))
    if r.ndim != 0:
        raise InvalidArgumentError("Rank must be a scalar.")
    return int(r)


def assert_rank(x, rank, message=None, name=None):
    """InvalidArgumentError (a ValueError) unless `x` has rank `rank`."""
    rank = _scalar_rank(rank)
    _rank_assert(x, rank, lambda r: r == rank, message)


def assert_rank_at_least(x, rank, message=None, name=None):
    rank = _scalar_rank(rank)
    _rank_assert(x, f"at least {rank}", lambda r: r >= rank, message)


def assert_rank_in(x, ranks, message=None, name=None):
    ranks = tuple(_scalar_rank(r) for r in ranks)
    _rank_assert(x, f"in {ranks}", lambda r: r in ranks, message)


def assert_type(tensor, tf_type, message=None, name=None):
    """TypeError unless `tensor` has dtype `tf_type`."""
    got = as_dtype(value(tensor).dtype)
    if got != as_dtype(tf_type):
        prefix = f"{message}: " if message else ""
        raise TypeError(f"{prefix}tensor must be of type {as_dtype(tf_type)!r}; got {got!r}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    sizes = {}
    for t, spec in shapes:
        shape = value(t).shape
        _check(len(shape) == len(spec), message, f"Expected rank {len(spec)}, got shape {shape}")
        for d, s in zip(shape, spec):
            if isinstance(s, str):
                _check(sizes.setdefault(s, d) == d, message, f"Dimension {s!r} is {sizes[s]} and {d}")
            elif s is not None:
                _check(d == s, message, f"Expected dimension {s}, got {d} in shape {shape}")


def assert_all_finite(t, msg, name=None, x=None):
    return check_numerics(t if x is None else x, msg)


def enable_check_numerics(*args, **kwargs):
    return None

"""How an op reads its inputs and returns its output: the one place per-op overhead lives.

An op unwraps its inputs to NumPy values, computes, and returns `output(prim, value, inputs)`,
which is a bare Tensor when no tape records and a recorded one otherwise.
"""
import numpy as np

from ..autodiff.tape import ACTIVE, Primitive, defgrad, record
from ..backend import to_array
from ..errors import InvalidArgumentError
from ..tensor import Tensor

__all__ = ["ACTIVE", "Primitive", "defgrad", "record", "output", "outputs", "value", "pair", "shape_of",
           "InvalidArgumentError", "Tensor", "normalize_axis", "kind_converts"]

_WEAK = (int, float, bool)
_EMPTY = {}


def output(prim, out, inputs, params=_EMPTY):
    """The op's result: recorded when a tape traces one of `inputs`."""
    if ACTIVE:
        return record(prim, out, inputs, params)
    return Tensor(out)


def outputs(prim, outs, inputs, params=_EMPTY):
    """The results of a multi-output op (a list of arrays), as a list of Tensors."""
    if ACTIVE:
        return record(prim, outs, inputs, params)
    return [Tensor(v) for v in outs]


def value(x, dtype=None):
    """The NumPy value of an op input (Tensor, Variable, array, list or scalar)."""
    try:
        v = x._value
    except AttributeError:
        return to_array(x, dtype)
    if dtype is not None and v.dtype != dtype:
        return v.astype(dtype)
    return v


def pair(x, y):
    """Values of a binary op's inputs. A Python scalar next to a tensor stays a Python scalar, so it
    takes the tensor's dtype (NumPy 2 treats it as weakly typed); so does a NumPy scalar."""
    xv = x._value if isinstance(x, Tensor) else None
    yv = y._value if isinstance(y, Tensor) else None
    if xv is None:
        xv = _weak_or_array(x) if yv is not None else to_array(x)
    if yv is None:
        yv = _weak_or_array(y)
    return xv, yv


def _weak_or_array(x):
    if type(x) in _WEAK:
        return x
    if isinstance(x, np.generic) and x.dtype.kind in "fiub":
        return x.item()
    return to_array(x)


def kind_converts(source, target):
    """Whether a Python or NumPy value of dtype `source` may become dtype `target` as TensorFlow converts such
    values: to a wider kind (bool, integer, float, complex) or between integers, never a float to an integer
    or a complex to a real."""
    kinds = "biufc"
    if source.kind not in kinds or target.kind not in kinds:
        return source == target
    return kinds.index(source.kind) <= kinds.index(target.kind) or (source.kind in "iu" and target.kind in "iu")


def shape_of(x):
    """The static shape of an op input as a tuple ((), for a Python scalar)."""
    try:
        return x._value.shape
    except AttributeError:
        return np.shape(x)


def normalize_axis(axis, ndim):
    """An axis argument (None, int, list or tensor) as None or a tuple of non-negative ints."""
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis._value.tolist()
    elif isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, (list, tuple)):
        axes = tuple(int(a) for a in axis)
    else:
        axes = (int(axis),)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise InvalidArgumentError(f"axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim if ndim else 0)
    return tuple(out)

"""The TensorFlow-named functional API, and Tensor's Python operators bound to it."""
from ..tensor import Tensor
from . import array, clip, conv, linalg, math, nn, random, reduction


def _eq(self, other):
    if other is None:
        return False
    try:
        return math.equal(self, other)
    except (TypeError, ValueError):
        return False


def _ne(self, other):
    if other is None:
        return True
    try:
        return math.not_equal(self, other)
    except (TypeError, ValueError):
        return True


def _bind_operators():
    T = Tensor
    T.__add__ = math.add
    T.__radd__ = lambda self, other: math.add(other, self)
    T.__sub__ = math.subtract
    T.__rsub__ = lambda self, other: math.subtract(other, self)
    T.__mul__ = math.multiply
    T.__rmul__ = lambda self, other: math.multiply(other, self)
    T.__truediv__ = math.divide
    T.__rtruediv__ = lambda self, other: math.divide(other, self)
    T.__floordiv__ = math.floordiv
    T.__rfloordiv__ = lambda self, other: math.floordiv(other, self)
    T.__mod__ = math.floormod
    T.__rmod__ = lambda self, other: math.floormod(other, self)
    T.__pow__ = lambda self, other, modulo=None: math.pow(self, other)
    T.__rpow__ = lambda self, other: math.pow(other, self)
    T.__matmul__ = linalg.matmul
    T.__rmatmul__ = lambda self, other: linalg.matmul(other, self)
    T.__neg__ = math.negative
    T.__pos__ = lambda self: self
    T.__abs__ = math.abs
    T.__lt__ = math.less
    T.__le__ = math.less_equal
    T.__gt__ = math.greater
    T.__ge__ = math.greater_equal
    T.__eq__ = _eq
    T.__ne__ = _ne
    T.__and__ = math.logical_and
    T.__rand__ = lambda self, other: math.logical_and(other, self)
    T.__or__ = math.logical_or
    T.__ror__ = lambda self, other: math.logical_or(other, self)
    T.__xor__ = math.logical_xor
    T.__invert__ = math.logical_not
    T.__getitem__ = array.getitem
    T.__hash__ = object.__hash__


_bind_operators()

"""keras.ops' NumPy-like functions (Keras 3 names and signatures) on gradfit ops."""
import builtins

import numpy as np

from ... import backend
from ...ops import array as A
from ...ops import linalg as L
from ...ops import math as M
from ...ops import reduction as R
from ...ops.core import value
from ...tensor import Tensor, convert_to_tensor


def _t(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _dtype(dtype):
    return backend.np_dtype(dtype) if dtype is not None else np.dtype(backend.floatx())


# Elementwise arithmetic and math.
add, subtract, multiply, divide, true_divide = M.add, M.subtract, M.multiply, M.divide, M.divide
maximum, minimum, power, negative, square, sqrt = M.maximum, M.minimum, M.pow, M.negative, M.square, M.sqrt
exp, expm1, log, log1p, sin, cos, tan, tanh = M.exp, M.expm1, M.log, M.log1p, M.sin, M.cos, M.tan, M.tanh
sinh, cosh, arcsin, arccos, arctan, arctan2 = M.sinh, M.cosh, M.asin, M.acos, M.atan, M.atan2
arcsinh, arccosh, arctanh, reciprocal, sign = M.asinh, M.acosh, M.atanh, M.reciprocal, M.sign
floor, ceil, floor_divide, mod = M.floor, M.ceil, M.floordiv, M.floormod
abs = absolute = M.abs
equal, not_equal, greater, greater_equal = M.equal, M.not_equal, M.greater, M.greater_equal
less, less_equal = M.less, M.less_equal
logical_and, logical_or, logical_xor, logical_not = M.logical_and, M.logical_or, M.logical_xor, M.logical_not
isnan, isinf, isfinite = M.is_nan, M.is_inf, M.is_finite
divide_no_nan = M.divide_no_nan
where = M.where
erf = M.erf


def round(x, decimals=0):
    if decimals:
        scale = 10.0 ** decimals
        return M.divide(M.round(M.multiply(x, scale)), scale)
    return M.round(x)


def log2(x):
    return M.divide(M.log(x), float(np.log(2.0)))


def log10(x):
    return M.divide(M.log(x), float(np.log(10.0)))


def logaddexp(x1, x2):
    big = M.maximum(x1, x2)
    return M.add(big, M.log1p(M.exp(M.negative(M.abs(M.subtract(x1, x2))))))


def clip(x, x_min, x_max):
    return M.clip_by_value(x, x_min, x_max)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return Tensor(np.isclose(value(x1), value(x2), rtol=rtol, atol=atol, equal_nan=equal_nan))


# Reductions.
def sum(x, axis=None, keepdims=False):
    return R.reduce_sum(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    x = _t(x)
    if not x.dtype.is_floating:
        x = M.cast(x, backend.floatx())
    return R.reduce_mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    out = R.reduce_max(x, axis=axis, keepdims=keepdims)
    return out if initial is None else M.maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):
    out = R.reduce_min(x, axis=axis, keepdims=keepdims)
    return out if initial is None else M.minimum(out, initial)


amax, amin = max, min


def prod(x, axis=None, keepdims=False, dtype=None):
    return R.reduce_prod(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return R.reduce_variance(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return R.reduce_std(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return R.reduce_all(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return R.reduce_any(x, axis=axis, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    v = value(x)
    out = np.argmax(v, axis=axis, keepdims=keepdims)
    return Tensor(np.asarray(out, dtype=np.int32))


def argmin(x, axis=None, keepdims=False):
    v = value(x)
    return Tensor(np.asarray(np.argmin(v, axis=axis, keepdims=keepdims), dtype=np.int32))


def argsort(x, axis=-1):
    return Tensor(np.argsort(value(x), axis=axis, kind="stable").astype(np.int32))


def sort(x, axis=-1):
    v = value(x)
    idx = np.argsort(v, axis=axis, kind="stable")
    return take_along_axis(x, idx, axis=axis)


def count_nonzero(x, axis=None):
    return Tensor(np.asarray(np.count_nonzero(value(x), axis=axis), dtype=np.int32))


def cumsum(x, axis=None, dtype=None):
    if axis is None:
        return R.cumsum(A.reshape(x, (-1,)), axis=0)
    return R.cumsum(x, axis=axis)


def cumprod(x, axis=None, dtype=None):
    if axis is None:
        return R.cumprod(A.reshape(x, (-1,)), axis=0)
    return R.cumprod(x, axis=axis)


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    weights = _t(weights)
    if axis is not None and weights.ndim == 1 and _t(x).ndim > 1:
        shape = [1] * _t(x).ndim
        shape[axis] = -1
        weights = A.reshape(weights, shape)
    return M.divide(R.reduce_sum(M.multiply(x, weights), axis=axis),
                    R.reduce_sum(A.broadcast_to(weights, _t(x).shape) if axis is not None else weights, axis=axis))


# Shapes and creation.
def reshape(x, newshape):
    return A.reshape(x, newshape)


def transpose(x, axes=None):
    return A.transpose(x, axes)


def expand_dims(x, axis):
    return A.expand_dims(x, axis)


def squeeze(x, axis=None):
    return A.squeeze(x, axis)


def stack(x, axis=0):
    return A.stack(x, axis)


def tile(x, repeats):
    return A.tile(x, repeats)
broadcast_to = A.broadcast_to


def shape(x):
    return tuple(value(x).shape)


def ndim(x):
    return value(x).ndim


def size(x):
    return value(x).size


def concatenate(xs, axis=0):
    return A.concat(list(xs), axis=axis)


def hstack(xs):
    return concatenate(xs, axis=1 if value(xs[0]).ndim > 1 else 0)


def vstack(xs):
    return concatenate([A.reshape(x, (1, -1)) if value(x).ndim == 1 else x for x in xs], axis=0)


def append(x1, x2, axis=None):
    if axis is None:
        return A.concat([A.reshape(x1, (-1,)), A.reshape(x2, (-1,))], axis=0)
    return A.concat([x1, x2], axis=axis)


def ravel(x):
    return A.reshape(x, (-1,))


def flip(x, axis=None):
    return A.reverse(x, list(builtins.range(value(x).ndim)) if axis is None else axis)


def moveaxis(x, source, destination):
    nd = value(x).ndim
    src = [a % nd for a in ([source] if isinstance(source, int) else source)]
    dst = [a % nd for a in ([destination] if isinstance(destination, int) else destination)]
    perm = [i for i in builtins.range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return A.transpose(x, perm)


def swapaxes(x, axis1, axis2):
    perm = list(builtins.range(value(x).ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return A.transpose(x, perm)


def split(x, indices_or_sections, axis=0):
    n = value(x).shape[axis]
    if isinstance(indices_or_sections, int):
        return A.split(x, indices_or_sections, axis=axis)
    bounds = [0] + list(indices_or_sections) + [n]
    return A.split(x, [b - a for a, b in zip(bounds[:-1], bounds[1:])], axis=axis)


def unstack(x, num=None, axis=0):
    return A.unstack(x, num=num, axis=axis)


def repeat(x, repeats, axis=None):
    return A.repeat(x, repeats, axis=axis)


def take(x, indices, axis=None):
    if axis is None:
        return A.gather(A.reshape(x, (-1,)), indices)
    return A.gather(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    """x's values at `indices` along `axis` (differentiable in x)."""
    if axis is None:
        return A.gather(A.reshape(x, (-1,)), A.reshape(indices, (-1,)))
    idx = value(indices).astype(np.int64)
    v = value(x)
    axis = axis % v.ndim
    grids = np.ogrid[tuple(builtins.slice(0, d) for d in idx.shape)]
    key = tuple(idx if i == axis else np.broadcast_to(g, idx.shape) for i, g in enumerate(grids))
    return A.getitem(x, key)


def pad(x, pad_width, mode="constant", constant_values=None):
    pad_width = np.asarray(pad_width).reshape(-1, 2) if np.ndim(pad_width) > 0 else [[pad_width, pad_width]] * value(x).ndim
    return A.pad(x, np.broadcast_to(np.asarray(pad_width), (value(x).ndim, 2)), mode=mode.upper(),
                 constant_values=0 if constant_values is None else constant_values)


def zeros(shape, dtype=None):
    return Tensor(np.zeros(shape, dtype=_dtype(dtype)))


def ones(shape, dtype=None):
    return Tensor(np.ones(shape, dtype=_dtype(dtype)))


def full(shape, fill_value, dtype=None):
    return Tensor(np.full(shape, value(fill_value) if isinstance(fill_value, Tensor) else fill_value,
                          dtype=_dtype(dtype)))


def zeros_like(x, dtype=None):
    return A.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None):
    return A.ones_like(x, dtype=dtype)


def full_like(x, fill_value, dtype=None):
    v = value(x)
    return Tensor(np.full(v.shape, fill_value, dtype=backend.np_dtype(dtype) if dtype else v.dtype))


def eye(N, M=None, k=0, dtype=None):
    return Tensor(np.eye(N, M, k, dtype=_dtype(dtype)))


identity = eye


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        dtype = backend.floatx() if builtins.any(isinstance(a, float) for a in (start, stop, step)) else "int32"
    return Tensor(np.arange(start, stop, step, dtype=backend.np_dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    out = np.linspace(value(start), value(stop), num, endpoint=endpoint, axis=axis).astype(_dtype(dtype))
    return Tensor(out)


def tril(x, k=0):
    v = value(x)
    return M.multiply(x, np.tril(np.ones(v.shape[-2:], dtype=v.dtype), k))


def triu(x, k=0):
    v = value(x)
    return M.multiply(x, np.triu(np.ones(v.shape[-2:], dtype=v.dtype), k))


def diag(x, k=0):
    return L.diag(x) if value(x).ndim == 1 and k == 0 else Tensor(np.diag(value(x), k))


# Products.
matmul, einsum, tensordot, trace = L.matmul, L.einsum, L.tensordot, L.trace


def dot(x1, x2):
    a, b = _t(x1), _t(x2)
    if a.ndim == 0 or b.ndim == 0:
        return M.multiply(a, b)
    if a.ndim == 1 and b.ndim == 1:
        return R.reduce_sum(M.multiply(a, b))
    if b.ndim == 1:
        return A.squeeze(L.matmul(a, A.expand_dims(b, -1)), axis=-1)
    if a.ndim == 1:
        return A.squeeze(L.matmul(A.expand_dims(a, 0), b), axis=0)
    return L.matmul(a, b)


def outer(x1, x2):
    return M.multiply(A.reshape(x1, (-1, 1)), A.reshape(x2, (1, -1)))


def vdot(x1, x2):
    return R.reduce_sum(M.multiply(A.reshape(x1, (-1,)), A.reshape(x2, (-1,))))


def norm(x, ord=None, axis=None, keepdims=False):
    """NumPy's `linalg.norm`: a vector norm along one axis, a matrix norm over two (all axes by default,
    which must then be one or two)."""
    x = convert_to_tensor(x)
    if axis is None:
        axes = tuple(range(x.ndim))
        if len(axes) not in (1, 2):
            raise ValueError(f"Invalid axis values. Received: axis={axes}")
    else:
        axes = L.norm_axes(x, axis)
    if len(axes) == 2:
        return L.matrix_norm(x, "fro" if ord is None else ord, axes, keepdims)
    if isinstance(ord, str) or isinstance(ord, bool):
        raise ValueError(f"Invalid `ord` argument for vector norm. Received: ord={ord}")
    return L.vector_norm(x, 2 if ord is None else ord, axes[0], keepdims)

"""Reductions, scans, top-k and counts (`tf.reduce_*`, `tf.math.cumsum`, `tf.math.top_k`,
`tf.math.confusion_matrix`)."""
import numpy as np

from ..backend import np_dtype
from .core import ACTIVE, InvalidArgumentError, Primitive, Tensor, defgrad, normalize_axis, output, outputs, record, value
from . import array as A
from . import math as M


def _kept_shape(shape, axes):
    """The reduced shape with keepdims=True, for broadcasting a gradient back."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


_unreduce = Primitive("Unreduce")


def _expand(g, x, axes, scale=1.0):
    """A reduction's gradient `g` broadcast back to the shape of `x` (times `scale`), in one pass."""
    shape = x._value.shape
    gv = g._value
    out = np.multiply(gv.reshape(_kept_shape(shape, axes)), scale, out=np.empty(shape, dtype=gv.dtype))
    return output(_unreduce, out, (g,), {"axes": axes, "scale": scale})


def _unreduce_grad(g, ans, x, axes, scale):
    summed = reduce_sum(g, axis=axes)
    summed = A.reshape(summed, x._value.shape)
    return M.multiply(summed, scale) if scale != 1.0 else summed


defgrad(_unreduce, _unreduce_grad)


def _reduction(name, fn):
    prim = Primitive(name)

    def op(input_tensor, axis=None, keepdims=False, name=None):
        try:
            xv = input_tensor._value
        except AttributeError:
            xv = value(input_tensor)
        axes = normalize_axis(axis, xv.ndim)
        out = fn(xv, axis=axes, keepdims=bool(keepdims))
        if not isinstance(out, np.ndarray):
            out = np.asarray(out, dtype=xv.dtype if xv.dtype.kind in "fc" else None)
        if ACTIVE:
            return record(prim, out, (input_tensor,), {"axes": axes})
        return Tensor(out)

    op.__name__ = name
    return prim, op


_sum, reduce_sum = _reduction("Sum", np.add.reduce)
_max, reduce_max = _reduction("Max", np.maximum.reduce)
_min, reduce_min = _reduction("Min", np.minimum.reduce)
_prod, reduce_prod = _reduction("Prod", np.multiply.reduce)


def _mean_value(v, axis, keepdims):
    total = np.add.reduce(v, axis=axis, keepdims=keepdims)
    if v.dtype.kind in "fc":
        return total * (1.0 / _count(v, axis))
    return (total // _count(v, axis)).astype(v.dtype)  # TensorFlow keeps integer means integer


_mean, reduce_mean = _reduction("Mean", _mean_value)


def _count(v, axes):
    if axes is None:
        return max(v.size, 1)
    n = 1
    for a in axes:
        n *= v.shape[a]
    return max(n, 1)


def _logsumexp_value(v, axis, keepdims):
    m = v.max(axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.exp(v - m).sum(axis=axis, keepdims=True)) + m
    if not keepdims:
        out = out.reshape(tuple(d for i, d in enumerate(v.shape) if axis is not None and i not in axis))
    return out


_logsumexp, reduce_logsumexp = _reduction("LogSumExp", _logsumexp_value)


def _extreme_grad(g, ans, x, axes):
    shape = tuple(x._value.shape)
    kept = _kept_shape(shape, axes)
    mask = M.cast(M.equal(x, A.reshape(ans, kept)), g.dtype)
    count = reduce_sum(mask, axis=axes, keepdims=True)
    return M.divide(M.multiply(_expand(g, x, axes), mask), count)


def _prod_grad(g, ans, x, axes):
    # Product of all the other elements, without dividing (so zeros in x are handled): move the reduced
    # axes last, flatten them, and multiply exclusive cumulative products from both ends.
    shape = tuple(x._value.shape)
    axes_ = tuple(range(len(shape))) if axes is None else axes
    keep = [i for i in range(len(shape)) if i not in axes_]
    perm = keep + list(axes_)
    xt = A.transpose(x, perm)
    flat = A.reshape(xt, [shape[i] for i in keep] + [-1])
    left = cumprod(flat, axis=-1, exclusive=True)
    right = cumprod(flat, axis=-1, exclusive=True, reverse=True)
    others = A.reshape(M.multiply(left, right), [shape[i] for i in perm])
    inv = list(np.argsort(perm))
    return M.multiply(_expand(g, x, axes), A.transpose(others, inv))


defgrad(_sum, lambda g, ans, x, axes: _expand(g, x, axes))
defgrad(_mean, lambda g, ans, x, axes: _expand(g, x, axes, 1.0 / _count(x._value, axes)))
defgrad(_max, _extreme_grad)
defgrad(_min, _extreme_grad)
defgrad(_prod, _prod_grad)
defgrad(_logsumexp, lambda g, ans, x, axes: M.multiply(
    _expand(g, x, axes), M.exp(M.subtract(x, A.reshape(ans, _kept_shape(tuple(x._value.shape), axes))))))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    v = value(input_tensor)
    return Tensor(np.asarray(np.any(v, axis=normalize_axis(axis, v.ndim), keepdims=keepdims)))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    v = value(input_tensor)
    return Tensor(np.asarray(np.all(v, axis=normalize_axis(axis, v.ndim), keepdims=keepdims)))


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    mean = reduce_mean(input_tensor, axis=axis, keepdims=True)
    return reduce_mean(M.square(M.subtract(input_tensor, mean)), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    return M.sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    return M.sqrt(reduce_sum(M.square(input_tensor), axis=axis, keepdims=keepdims))


def count_nonzero(input, axis=None, keepdims=False, dtype="int64", name=None):
    v = value(input)
    return Tensor(np.asarray(np.count_nonzero(v, axis=normalize_axis(axis, v.ndim), keepdims=keepdims),
                             dtype=dtype if isinstance(dtype, str) else getattr(dtype, "name", dtype)))


def argmax(input, axis=None, output_type="int64", name=None):
    """Index of the largest value along `axis` (0 when not given, as in TensorFlow)."""
    v = value(input)
    return Tensor(np.asarray(np.argmax(v, axis=0 if axis is None else int(axis))).astype(_dtype_name(output_type)))


def argmin(input, axis=None, output_type="int64", name=None):
    v = value(input)
    return Tensor(np.asarray(np.argmin(v, axis=0 if axis is None else int(axis))).astype(_dtype_name(output_type)))


def _dtype_name(d):
    return getattr(d, "name", d)


# ---------------------------------------------------------------------------------------- scans
def _scan_value(fn, identity):
    def compute(v, axis, exclusive, reverse):
        if reverse:
            v = np.flip(v, axis)
        out = fn(v, axis=axis)
        if exclusive:
            out = np.concatenate([np.full_like(np.take(out, [0], axis=axis), identity),
                                  np.take(out, np.arange(out.shape[axis] - 1), axis=axis)], axis=axis)
        if reverse:
            out = np.flip(out, axis)
        return np.ascontiguousarray(out)

    return compute


_cumsum_value = _scan_value(np.cumsum, 0)
_cumprod_value = _scan_value(np.cumprod, 1)
_cumsum = Primitive("Cumsum")
_cumprod = Primitive("Cumprod")


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along `axis`; `exclusive` leaves each element out, `reverse` runs from the end."""
    v = value(x)
    axis = normalize_axis(axis, v.ndim)[0]
    out = _cumsum_value(v, axis, exclusive, reverse)
    return output(_cumsum, out, (x,), {"axis": axis, "exclusive": exclusive, "reverse": reverse})


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    v = value(x)
    axis = normalize_axis(axis, v.ndim)[0]
    out = _cumprod_value(v, axis, exclusive, reverse)
    return output(_cumprod, out, (x,), {"axis": axis, "exclusive": exclusive, "reverse": reverse})


def _cumprod_grad(g, ans, x, axis, exclusive, reverse):
    # d out_j / d x_i = out_j / x_i for the i that out_j includes; valid where x has no zeros.
    return M.divide_no_nan(cumsum(M.multiply(g, ans), axis=axis, exclusive=exclusive, reverse=not reverse), x)


defgrad(_cumsum, lambda g, ans, x, axis, exclusive, reverse: cumsum(g, axis=axis, exclusive=exclusive,
                                                                   reverse=not reverse))
defgrad(_cumprod, _cumprod_grad)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    m = reduce_max(x)
    return M.add(M.log(cumsum(M.exp(M.subtract(x, m)), axis=axis, exclusive=exclusive, reverse=reverse)), m)


# ---------------------------------------------------------------------------------------- top_k
_top_k = Primitive("TopKV2", multi_output=True)


def top_k(input, k=1, sorted=True, name=None):
    """The k largest values along the last axis and their indices (ties keep the lower index first)."""
    v = value(input)
    n = v.shape[-1]
    k = int(k)
    if k > n:
        raise InvalidArgumentError(f"top_k: input must have at least k={k} columns, got shape {v.shape}")
    idx = np.argsort(-v, axis=-1, kind="stable")[..., :k]
    vals = np.take_along_axis(v, idx, axis=-1)
    values, indices = outputs(_top_k, [vals, idx.astype(np.int32)], (input,), {"k": k})
    return TopKResult(values, indices)


class TopKResult(tuple):
    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


def _top_k_grad(g, ans, x, k):
    gv = g[0]
    if gv is None:
        return None
    n = x._value.shape[-1]
    onehot = A.one_hot(ans[1], n, dtype=gv.dtype)  # (..., k, n)
    return reduce_sum(M.multiply(A.expand_dims(gv, -1), onehot), axis=-2)


defgrad(_top_k, _top_k_grad)


def in_top_k(targets, predictions, k, name=None):
    """Whether each target class is among the k highest predictions of its row."""
    p = value(predictions)
    t = value(targets).astype(np.int64).reshape(-1)
    target_scores = p[np.arange(p.shape[0]), t]
    higher = np.sum(p > target_scores[:, None], axis=-1)
    return Tensor(higher < int(k))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype="int32", name=None):
    v = value(arr).reshape(-1)
    w = None if weights is None else value(weights).reshape(-1)
    out = np.bincount(v, weights=w, minlength=minlength or 0)
    if maxlength is not None:
        out = out[:maxlength]
    return Tensor(out.astype(_dtype_name(dtype) if w is None else w.dtype))


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype="int32", name=None):
    """The num_classes x num_classes matrix counting (or summing `weights` of) each (label, prediction)
    pair; num_classes defaults to one more than the largest label or prediction."""
    pairs = []
    for what, x in (("labels", labels), ("predictions", predictions)):
        v = value(x)
        v = (np.trunc(v) if v.dtype.kind == "f" else v).astype(np.int64).reshape(-1)
        if v.size and v.min() < 0:
            raise InvalidArgumentError(f"`{what}` contains negative values: {v[v < 0][:3].tolist()}")
        pairs.append(v)
    labels_v, predictions_v = pairs
    if labels_v.shape != predictions_v.shape:
        raise InvalidArgumentError(f"confusion_matrix: labels and predictions must have one size, got "
                                   f"{labels_v.size} and {predictions_v.size}")
    if num_classes is None:
        n = int(max(labels_v.max(initial=-1), predictions_v.max(initial=-1))) + 1
    else:
        n = int(value(num_classes))
        for what, v in (("labels", labels_v), ("predictions", predictions_v)):
            if v.size and v.max() >= n:
                raise InvalidArgumentError(f"`{what}` out of bound: {v[v >= n][:3].tolist()} not below {n}")
    target = np_dtype(dtype)
    out = np.zeros((n, n), dtype=target)
    if weights is None:
        np.add.at(out, (labels_v, predictions_v), 1)
    else:
        w = value(weights)
        w = (np.trunc(w) if w.dtype.kind == "f" and target.kind in "iu" else w).astype(target).reshape(-1)
        np.add.at(out, (labels_v, predictions_v), np.broadcast_to(w, labels_v.shape))
    return Tensor(out)


_value_of = value


def zero_fraction(value, name=None):
    """The fraction of elements of `value` that are zero, as a float32 scalar (NaN for an empty tensor)."""
    v = _value_of(value)
    with np.errstate(invalid="ignore", divide="ignore"):
        return Tensor(np.float32(np.count_nonzero(v == 0)) / np.float32(v.size))


def is_non_decreasing(x, name=None):
    """Whether each element of `x` (flattened) is >= the one before it."""
    v = value(x).reshape(-1)
    return Tensor(np.asarray(bool(np.all(v[1:] >= v[:-1]))))


def is_strictly_increasing(x, name=None):
    """Whether each element of `x` (flattened) is > the one before it."""
    v = value(x).reshape(-1)
    return Tensor(np.asarray(bool(np.all(v[1:] > v[:-1]))))

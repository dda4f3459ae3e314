"""Segment reductions (`tf.math.segment_*`, `tf.math.unsorted_segment_*`): rows of `data` combined by the
segment each belongs to."""
import numpy as np

from .core import InvalidArgumentError, Primitive, defgrad, output, value
from . import array as A
from . import math as M


def _segments(data, segment_ids, num_segments, what):
    """`data` with one leading axis of rows, their segment ids (1-D, negative ids dropped as TensorFlow
    drops them) and the number of segments, checked."""
    d, ids = value(data), np.asarray(value(segment_ids))
    if ids.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{what}: segment_ids must be integers, got dtype {ids.dtype}")
    if d.shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(f"{what}: segment_ids shape {ids.shape} must be a prefix of data shape {d.shape}")
    n = int(value(num_segments))
    if ids.size and ids.max() >= n:
        raise InvalidArgumentError(f"{what}: segment id {int(ids.max())} is out of range [0, {n})")
    if ids.ndim != 1:
        data = A.reshape(data, (-1,) + d.shape[ids.ndim:])
        ids = ids.reshape(-1)
    if ids.size and ids.min() < 0:
        keep = ids >= 0
        data, ids = A.boolean_mask(data, keep), ids[keep]
    return data, ids.astype(np.int64), n


def _counts(ids, n, data):
    """How many rows each segment holds, shaped to broadcast against a segment reduction of `data`."""
    counts = np.bincount(ids, minlength=n).astype(value(data).dtype)
    return counts.reshape((n,) + (1,) * (value(data).ndim - 1))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """output[i] = the sum of the rows of `data` whose segment id is i (0 for an empty segment)."""
    data, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_sum")
    return A._scatter_add_value(data, (n,) + value(data).shape[1:], (ids,))


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """output[i] = the mean of the rows whose segment id is i (0 for an empty segment)."""
    data, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_mean")
    total = A._scatter_add_value(data, (n,) + value(data).shape[1:], (ids,))
    return M.divide(total, np.maximum(_counts(ids, n, data), 1))


_segment_max = Primitive("UnsortedSegmentMax")
_segment_min = Primitive("UnsortedSegmentMin")


def _extreme(prim, ufunc, fill, data, segment_ids, num_segments, what):
    data, ids, n = _segments(data, segment_ids, num_segments, what)
    d = value(data)
    limits = np.finfo(d.dtype) if d.dtype.kind == "f" else np.iinfo(d.dtype)
    out = np.full((n,) + d.shape[1:], getattr(limits, fill), dtype=d.dtype)
    ufunc.at(out, ids, d)
    return output(prim, out, (data,), {"ids": ids})


def _extreme_grad(g, ans, data, ids):
    # As TensorFlow: the gradient of a segment is shared equally by the rows that reach its extreme.
    selected = M.equal(data, A.gather(ans, ids))
    count = A._scatter_add_value(M.cast(selected, g.dtype), value(ans).shape, (ids,))
    share = A.gather(M.divide_no_nan(g, count), ids)
    return M.where(selected, share, A.zeros_like(share))


defgrad(_segment_max, _extreme_grad)
defgrad(_segment_min, _extreme_grad)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """output[i] = the largest row entry of segment i (the lowest value of the dtype for an empty one)."""
    return _extreme(_segment_max, np.maximum, "min", data, segment_ids, num_segments, "unsorted_segment_max")


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """output[i] = the smallest row entry of segment i (the largest value of the dtype for an empty one)."""
    return _extreme(_segment_min, np.minimum, "max", data, segment_ids, num_segments, "unsorted_segment_min")


_segment_prod = Primitive("UnsortedSegmentProd")


def _prod_grad(g, ans, data, ids):
    # As TensorFlow: a row's share is the product of the other rows of its segment, so a segment with one
    # zero passes gradient only to that zero (the product of the rest) and one with two zeros passes none.
    d = value(data)
    zero = d == 0
    zeros = np.zeros(value(ans).shape, dtype=np.int64)
    np.add.at(zeros, ids, zero.astype(np.int64))
    nonzero = M.where(zero, A.ones_like(data), data)
    others = M.where(zero, A.gather(_prod_value(nonzero, ids, value(ans).shape[0]), ids),
                     M.divide(A.gather(ans, ids), nonzero))
    g = M.where(zeros > 1, A.zeros_like(g), g)
    return M.multiply(A.gather(g, ids), others)


defgrad(_segment_prod, _prod_grad)


def _prod_value(data, ids, n):
    d = value(data)
    out = np.ones((n,) + d.shape[1:], dtype=d.dtype)
    np.multiply.at(out, ids, d)
    return output(_segment_prod, out, (data,), {"ids": ids})


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """output[i] = the product of the rows of `data` whose segment id is i (1 for an empty segment)."""
    data, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_prod")
    return _prod_value(data, ids, n)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """output[i] = the sum of the rows of segment i over the square root of their count (0 if empty)."""
    if value(data).dtype.kind not in "fc":
        raise InvalidArgumentError(
            f"unsorted_segment_sqrt_n: data must be floating-point, got dtype {value(data).dtype}")
    data, ids, n = _segments(data, segment_ids, num_segments, "unsorted_segment_sqrt_n")
    total = A._scatter_add_value(data, (n,) + value(data).shape[1:], (ids,))
    return M.divide(total, np.sqrt(np.maximum(_counts(ids, n, data), 1)))


def _sorted(segment_ids, what):
    """The number of segments of sorted, non-negative 1-D `segment_ids`."""
    ids = np.asarray(value(segment_ids))
    if ids.ndim != 1:
        raise InvalidArgumentError(f"{what}: segment_ids should be a vector, got shape {ids.shape}")
    if ids.size and (ids[0] < 0 or np.any(ids[1:] < ids[:-1])):
        raise InvalidArgumentError(f"{what}: segment ids must be sorted and non-negative, got {ids.tolist()}")
    return int(ids[-1]) + 1 if ids.size else 0


def segment_sum(data, segment_ids, name=None):
    return unsorted_segment_sum(data, segment_ids, _sorted(segment_ids, "segment_sum"))


def segment_mean(data, segment_ids, name=None):
    return unsorted_segment_mean(data, segment_ids, _sorted(segment_ids, "segment_mean"))


def segment_prod(data, segment_ids, name=None):
    """As `unsorted_segment_prod` for sorted ids (1 for an empty segment)."""
    return unsorted_segment_prod(data, segment_ids, _sorted(segment_ids, "segment_prod"))


def segment_max(data, segment_ids, name=None):
    """As `unsorted_segment_max` for sorted ids, with 0 for an empty segment (as TensorFlow)."""
    return _zero_empty(unsorted_segment_max(data, segment_ids, _sorted(segment_ids, "segment_max")), segment_ids)


def segment_min(data, segment_ids, name=None):
    """As `unsorted_segment_min` for sorted ids, with 0 for an empty segment (as TensorFlow)."""
    return _zero_empty(unsorted_segment_min(data, segment_ids, _sorted(segment_ids, "segment_min")), segment_ids)


def _zero_empty(out, segment_ids):
    counts = np.bincount(np.asarray(value(segment_ids)), minlength=value(out).shape[0])
    if counts.all():
        return out
    empty = (counts == 0).reshape((-1,) + (1,) * (value(out).ndim - 1))
    return M.where(np.broadcast_to(empty, value(out).shape), A.zeros_like(out), out)

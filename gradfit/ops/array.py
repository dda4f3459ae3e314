"""Shapes, indexing, joining and creating tensors (`tf.reshape`, `tf.gather`, `tf.concat`, ...)."""
import builtins
import collections
import math

import numpy as np

from ..backend import floatx, np_dtype, to_array
from .core import (ACTIVE, InvalidArgumentError, Primitive, Tensor, defgrad, normalize_axis, output, outputs,
                   record, value)
from . import math as M


def _ints(x):
    """A shape-like or index-like argument (list, tuple, Tensor, array) as a tuple of ints."""
    if isinstance(x, Tensor):
        x = x._value
    if isinstance(x, np.ndarray):
        return tuple(int(v) for v in x.reshape(-1))
    if isinstance(x, (int, np.integer)):
        return (int(x),)
    return tuple(-1 if d is None else int(d) for d in x)


class _Variadic(Primitive):
    """An op over a list of inputs (concat, stack): one rule gives every input's gradient."""

    __slots__ = ("rule",)

    def __init__(self, name, rule):
        super().__init__(name)
        self.rule = rule

    def gradients(self, g, ans, inputs, params, wanted):
        parts = self.rule(g, inputs, **params)
        return {i: parts[i] for i in wanted}


# ------------------------------------------------------------------------------------- identity
_identity = Primitive("Identity")
defgrad(_identity, lambda g, ans, x: g)


def identity(input, name=None):
    """The same value (a read, for a variable), recorded so gradients flow through it."""
    return output(_identity, value(input), (input,))


# -------------------------------------------------------------------------------------- reshaping
_reshape = Primitive("Reshape")
defgrad(_reshape, lambda g, ans, x, shape: reshape(g, x._value.shape))


def reshape(tensor, shape, name=None):
    try:
        v = tensor._value
    except AttributeError:
        v = value(tensor)
    shape = shape if type(shape) is tuple else _ints(shape)
    try:
        out = v.reshape(shape)
    except ValueError:
        raise InvalidArgumentError(
            f"Cannot reshape a tensor with {v.size} elements (shape {v.shape}) to shape {tuple(shape)}") from None
    if ACTIVE:
        return record(_reshape, out, (tensor,), {"shape": shape})
    return Tensor(out)


def expand_dims(input, axis, name=None):
    v = value(input)
    axis = int(axis)
    if not -v.ndim - 1 <= axis <= v.ndim:
        raise InvalidArgumentError(f"expand_dims: axis {axis} out of range for a tensor of rank {v.ndim}")
    return reshape(input, np.expand_dims(np.empty(v.shape, dtype=np.bool_), axis).shape)


def squeeze(input, axis=None, name=None):
    v = value(input)
    if axis is not None:
        axes = normalize_axis(axis, v.ndim)
        for a in axes:
            if v.shape[a] != 1:
                raise InvalidArgumentError(f"squeeze: cannot squeeze axis {a} of size {v.shape[a]} (shape {v.shape})")
        shape = tuple(d for i, d in enumerate(v.shape) if i not in axes)
    else:
        shape = tuple(d for d in v.shape if d != 1)
    return reshape(input, shape)


_sum_to = Primitive("SumTo")
_LEADING_AXES = [tuple(builtins.range(n)) for n in builtins.range(8)]
_broadcast_to = Primitive("BroadcastTo")


_GEMV_ROWS = 4096
_ONES = {}


def _ones(n, dtype):
    ones = _ONES.get((n, dtype))
    if ones is None:
        if len(_ONES) >= 16:  # a few batch shapes recur; do not keep one vector per shape ever seen
            _ONES.clear()
        ones = _ONES[(n, dtype)] = np.ones(n, dtype)
        ones.flags.writeable = False
    return ones


def sum_to(g, shape):
    """Sum `g` down to `shape` (the gradient of broadcasting to a larger shape)."""
    gv = value(g)
    lead = gv.ndim - len(shape)
    if gv.shape[lead:] == shape:  # the common case, e.g. a bias: only leading axes to sum
        axes = _LEADING_AXES[lead] if lead < 8 else tuple(builtins.range(lead))
    else:
        axes = tuple(builtins.range(lead)) + tuple(
            i + lead for i, d in enumerate(shape) if d == 1 and gv.shape[i + lead] != 1)
    if len(axes) == lead:
        rows = math.prod(gv.shape[:lead])
        if rows >= _GEMV_ROWS and gv.dtype.kind == "f" and gv.flags.c_contiguous:
            # Many rows (a convolution's bias): a product with a vector of ones reads `gv` at memory speed,
            # where NumPy's pairwise column sums stride through it.
            out = (_ones(rows, gv.dtype) @ gv.reshape(rows, -1)).reshape(shape)
        else:
            out = np.add.reduce(gv, axis=axes) if axes else gv  # only leading axes: no reshape needed
    else:
        out = np.add.reduce(gv, axis=axes, keepdims=True).reshape(shape)
    return output(_sum_to, out, (g,), {"shape": shape})


def broadcast_to(input, shape, name=None):
    v = value(input)
    shape = _ints(shape)
    try:
        out = np.broadcast_to(v, shape)
    except ValueError:
        raise InvalidArgumentError(f"broadcast_to: cannot broadcast shape {v.shape} to {shape}") from None
    return output(_broadcast_to, out, (input,), {"shape": shape})


defgrad(_sum_to, lambda g, ans, x, shape: broadcast_to(g, x._value.shape))
defgrad(_broadcast_to, lambda g, ans, x, shape: sum_to(g, x._value.shape))

_transpose = Primitive("Transpose")
defgrad(_transpose, lambda g, ans, x, perm: transpose(g, tuple(np.argsort(perm))))


def transpose(a, perm=None, conjugate=False, name=None):
    v = value(a)
    perm = tuple(builtins.range(v.ndim - 1, -1, -1)) if perm is None else _ints(perm)
    if sorted(p % max(v.ndim, 1) for p in perm) != list(builtins.range(v.ndim)):
        raise InvalidArgumentError(f"transpose: perm {perm} is not a permutation of the {v.ndim} axes of shape {v.shape}")
    perm = tuple(p % v.ndim for p in perm)
    return output(_transpose, np.transpose(v, perm), (a,), {"perm": perm})


_reverse = Primitive("Reverse")
defgrad(_reverse, lambda g, ans, x, axes: reverse(g, axes))


def reverse(tensor, axis, name=None):
    v = value(tensor)
    axes = normalize_axis(axis, v.ndim)
    return output(_reverse, np.flip(v, axes), (tensor,), {"axes": axes})


_roll = Primitive("Roll")
defgrad(_roll, lambda g, ans, x, shift, axes: roll(g, tuple(-k for k in shift), axes))


def roll(input, shift, axis, name=None):
    """Elements shifted by `shift` along `axis` (ints, or lists of equal length), wrapping around."""
    v = value(input)
    shift, axes = _ints(shift), _ints(axis)
    if len(shift) != len(axes):
        raise InvalidArgumentError(f"roll: shift and axis must have the same size, got {len(shift)} and {len(axes)}")
    if any(not -v.ndim <= a < v.ndim for a in axes):
        raise InvalidArgumentError(f"roll: axis {axis} is out of range for a tensor of rank {v.ndim}")
    return output(_roll, np.roll(v, shift, axes), (input,), {"shift": shift, "axes": axes})


_tile = Primitive("Tile")


def _tile_grad(g, ans, x, multiples):
    shape = x._value.shape
    inter = []
    for m, d in zip(multiples, shape):
        inter += [m, d]
    from .reduction import reduce_sum

    return reshape(reduce_sum(reshape(g, inter), axis=tuple(builtins.range(0, 2 * len(shape), 2))), shape)


defgrad(_tile, _tile_grad)


def tile(input, multiples, name=None):
    v = value(input)
    multiples = _ints(multiples)
    if len(multiples) != v.ndim:
        raise InvalidArgumentError(f"tile: multiples has {len(multiples)} entries for a tensor of rank {v.ndim}")
    return output(_tile, np.tile(v, multiples), (input,), {"multiples": multiples})


def repeat(input, repeats, axis=None, name=None):
    """Repeat elements (`tf.repeat`): differentiable through gather."""
    v = value(input)
    if axis is None:
        input = reshape(input, (-1,))
        axis = 0
        v = v.reshape(-1)
    axis = normalize_axis(axis, v.ndim)[0]
    idx = np.repeat(np.arange(v.shape[axis]), value(repeats) if not isinstance(repeats, int) else repeats)
    return gather(input, idx, axis=axis)


# ------------------------------------------------------------------------------- joining, splitting
def _concat_rule(g, inputs, axis):
    sizes = [x._value.shape[axis] for x in inputs]
    return split(g, sizes, axis=axis)


_concat = _Variadic("ConcatV2", _concat_rule)


def concat(values, axis, name=None):
    vals = [value(x) for x in values]
    if not vals:
        raise ValueError("concat needs at least one tensor")
    axis = normalize_axis(axis, vals[0].ndim)[0]
    try:
        out = np.concatenate(vals, axis=axis)
    except ValueError:
        raise InvalidArgumentError(
            f"concat: shapes {[v.shape for v in vals]} do not match outside axis {axis}") from None
    return output(_concat, out, tuple(values), {"axis": axis})


_stack = _Variadic("Pack", lambda g, inputs, axis: unstack(g, axis=axis))


def stack(values, axis=0, name=None):
    vals = [value(x) for x in values]
    if not vals:
        raise ValueError("stack needs at least one tensor")
    shapes = {v.shape for v in vals}
    if len(shapes) > 1:
        raise InvalidArgumentError(f"stack: all tensors must have the same shape, got {[v.shape for v in vals]}")
    axis = normalize_axis(axis, vals[0].ndim + 1)[0]
    return output(_stack, np.stack(vals, axis=axis), tuple(values), {"axis": axis})


class _Split(Primitive):
    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        parts = [zeros_like(a) if gi is None else gi for gi, a in zip(g, ans)]
        if params.get("squeeze"):
            return {0: stack(parts, axis=params["axis"])}
        return {0: concat(parts, axis=params["axis"])}


_unstack = _Split("Unpack", multi_output=True)
_split = _Split("SplitV", multi_output=True)


def unstack(value_, num=None, axis=0, name=None):
    v = value(value_)
    if v.ndim == 0:
        raise InvalidArgumentError("unstack: cannot unstack a scalar (0-d) tensor")
    axis = normalize_axis(axis, v.ndim)[0]
    if num is not None and num != v.shape[axis]:
        raise InvalidArgumentError(f"unstack: num={num} but axis {axis} has size {v.shape[axis]}")
    parts = [np.take(v, i, axis=axis) for i in builtins.range(v.shape[axis])]
    return outputs(_unstack, parts, (value_,), {"axis": axis, "squeeze": True}) if parts else []


def split(value_, num_or_size_splits, axis=0, num=None, name=None):
    v = value(value_)
    axis = normalize_axis(axis, v.ndim)[0]
    n = v.shape[axis]
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        if k <= 0 or n % k:
            raise InvalidArgumentError(f"split: dimension {axis} of size {n} cannot be split into {k} equal parts")
        sizes = [n // k] * k
    else:
        sizes = list(_ints(num_or_size_splits))
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
        if sum(sizes) != n:
            raise InvalidArgumentError(f"split: sizes {sizes} do not add up to {n}, the size of axis {axis}")
    bounds = np.cumsum(sizes)[:-1]
    parts = np.split(v, bounds, axis=axis)
    return outputs(_split, parts, (value_,), {"axis": axis, "squeeze": False})


# --------------------------------------------------------------------------------------- gathering
def _index_key(key):
    """A NumPy index from a Python/TensorFlow one (tensors become arrays)."""
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, Tensor):
        return key._value
    if isinstance(key, list):
        return np.asarray([value(k) if isinstance(k, Tensor) else k for k in key])
    if isinstance(key, builtins.slice):
        return builtins.slice(*(int(s) if isinstance(s, Tensor) else s for s in (key.start, key.stop, key.step)))
    return key


def _is_basic(key):
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (builtins.slice, int, np.integer)) for k in items)


_getitem = Primitive("StridedSlice")
_getitem_grad = Primitive("StridedSliceGrad")


def getitem(tensor, key):
    """tensor[key] with NumPy's indexing (slices, ints, None, Ellipsis, masks, integer arrays)."""
    v = value(tensor)
    key = _index_key(key)
    try:
        out = v[key]
    except IndexError as e:
        raise InvalidArgumentError(f"Index {key!r} is out of range for a tensor of shape {v.shape}: {e}") from None
    if not isinstance(out, np.ndarray):
        out = np.asarray(out)
    # A basic slice is a view of the source; a variable's in-place update sees that view is alive and
    # copies its buffer first, so the value read here never changes.
    return output(_getitem, out, (tensor,), {"key": key})


def _scatter_getitem(g, shape, key):
    gv = value(g)
    out = np.zeros(shape, dtype=gv.dtype)
    if _is_basic(key):
        out[key] = gv
    else:
        np.add.at(out, key, gv)
    return output(_getitem_grad, out, (g,), {"shape": shape, "key": key})


defgrad(_getitem, lambda g, ans, x, key: _scatter_getitem(g, x._value.shape, key))
defgrad(_getitem_grad, lambda g, ans, x, shape, key: getitem(g, key))


def slice(input_, begin, size, name=None):
    """input_[begin[i] : begin[i] + size[i]] along every axis (size -1 means to the end)."""
    begin, size = _ints(begin), _ints(size)
    key = tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return getitem(input_, key)


def strided_slice(input_, begin, end, strides=None, name=None, **kwargs):
    begin, end = _ints(begin), _ints(end)
    strides = _ints(strides) if strides is not None else (1,) * len(begin)
    key = tuple(builtins.slice(b, e, s) for b, e, s in zip(begin, end, strides))
    return getitem(input_, key)


_gather = Primitive("GatherV2")
_scatter_add = Primitive("ScatterAdd")


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` along `axis` at `indices` (with `batch_dims` leading batch axes)."""
    p = value(params)
    idx = value(indices)
    if idx.dtype.kind not in "iu":
        raise InvalidArgumentError(f"gather: indices must be integers, got dtype {idx.dtype}")
    axis = batch_dims if axis is None else normalize_axis(axis, p.ndim)[0]
    batch_dims = int(batch_dims) % (idx.ndim + 1) if batch_dims < 0 else int(batch_dims)
    n = p.shape[axis]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise InvalidArgumentError(
            f"gather: indices must be in [0, {n}) for axis {axis} of shape {p.shape}, got values in "
            f"[{idx.min()}, {idx.max()}]")
    key = _gather_key(p.shape, idx, axis, batch_dims)
    return output(_gather, p[key], (params,), {"key": key})


def _gather_key(shape, idx, axis, batch_dims):
    """An advanced-indexing key equal to tf.gather(params, idx, axis, batch_dims)."""
    if batch_dims == 0:
        return (builtins.slice(None),) * axis + (idx,)
    # Batch axes index themselves; they broadcast against idx's leading axes.
    key = []
    extra = idx.ndim - batch_dims
    for b in builtins.range(batch_dims):
        ar = np.arange(shape[b]).reshape((-1,) + (1,) * (batch_dims - 1 - b + extra))
        key.append(ar)
    key += [builtins.slice(None)] * (axis - batch_dims)
    key.append(idx)
    if axis > batch_dims:
        raise InvalidArgumentError("gather with batch_dims > 0 supports axis == batch_dims only")
    return tuple(key)


def _scatter_add_value(g, shape, key):
    gv = value(g)
    out = np.zeros(shape, dtype=gv.dtype)
    np.add.at(out, key, gv)
    return output(_scatter_add, out, (g,), {"shape": shape, "key": key})


defgrad(_gather, lambda g, ans, p, key: _scatter_add_value(g, p._value.shape, key))
defgrad(_scatter_add, lambda g, ans, x, shape, key: _gather_by_key(g, key))


def _gather_by_key(x, key):
    return output(_gather, value(x)[key], (x,), {"key": key})


def gather_nd(params, indices, batch_dims=0, name=None):
    """Slices of `params` at the index tuples in the last axis of `indices`."""
    p = value(params)
    idx = value(indices).astype(np.int64)
    if batch_dims:
        # Fold the batch axes into one and prepend each row's batch position to its index tuples.
        b = int(np.prod(p.shape[:batch_dims]))
        flat_i = idx.reshape((b,) + idx.shape[batch_dims:])
        lead = np.broadcast_to(np.arange(b).reshape((b,) + (1,) * (flat_i.ndim - 1)), flat_i.shape[:-1] + (1,))
        out = gather_nd(reshape(params, (b,) + p.shape[batch_dims:]), np.concatenate([lead, flat_i], axis=-1))
        return reshape(out, idx.shape[:-1] + p.shape[batch_dims + idx.shape[-1]:])
    depth = idx.shape[-1]
    if depth > p.ndim:
        raise InvalidArgumentError(f"gather_nd: index depth {depth} exceeds the rank {p.ndim} of params")
    for d in builtins.range(depth):
        col = idx[..., d]
        if col.size and (col.max() >= p.shape[d] or col.min() < 0):
            raise InvalidArgumentError(f"gather_nd: index out of range for axis {d} of size {p.shape[d]}")
    key = tuple(idx[..., d] for d in builtins.range(depth))
    return output(_gather, p[key], (params,), {"key": key})


def boolean_mask(tensor, mask, axis=None, name=None):
    """The elements (or slices along `axis`) of `tensor` where `mask` is true."""
    m = value(mask).astype(bool)
    t = value(tensor)
    axis = 0 if axis is None else normalize_axis(axis, t.ndim)[0]
    if t.shape[axis:axis + m.ndim] != m.shape:
        raise InvalidArgumentError(
            f"boolean_mask: mask shape {m.shape} does not match tensor shape {t.shape} at axis {axis}")
    key = (builtins.slice(None),) * axis + (m,)
    return output(_gather, t[key], (tensor,), {"key": key})


def scatter_nd(indices, updates, shape, name=None):
    idx = value(indices).astype(np.int64)
    key = tuple(idx[..., d] for d in builtins.range(idx.shape[-1]))
    return _scatter_add_value(updates, _ints(shape), key)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    idx = value(indices).astype(np.int64)
    key = tuple(idx[..., d] for d in builtins.range(idx.shape[-1]))
    mask = np.ones(value(tensor).shape, dtype=value(tensor).dtype)
    mask[key] = 0
    return M.add(M.multiply(tensor, mask), _scatter_add_value(updates, value(tensor).shape, key))


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """`tensor` with `updates` subtracted at `indices` (repeated indices subtract each time)."""
    return tensor_scatter_nd_add(tensor, indices, M.negative(updates))


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    idx = value(indices).astype(np.int64)
    key = tuple(idx[..., d] for d in builtins.range(idx.shape[-1]))
    return M.add(tensor, _scatter_add_value(updates, value(tensor).shape, key))


def _scatter_extreme(prim, ufunc, tensor, indices, updates, what):
    t, u = value(tensor), value(updates)
    idx = value(indices).astype(np.int64)
    depth = idx.shape[-1]
    for d in builtins.range(depth):
        bad = (idx[..., d] < 0) | (idx[..., d] >= t.shape[d])
        if bad.any():
            first = idx[tuple(np.argwhere(bad)[0])].tolist()
            raise InvalidArgumentError(f"{what}: indices {first} do not index into shape {list(t.shape)}")
    key = tuple(idx[..., d] for d in builtins.range(depth))
    out = t.copy()
    ufunc.at(out, key, u.astype(t.dtype, copy=False))
    return output(prim, out, (tensor, updates), {"key": key})


def _scatter_extreme_grads(g, ans, tensor, updates, key):
    # As TensorFlow: each output element's gradient is shared equally by the inputs that reach it (the
    # tensor's own element and every update written there that equals the result).
    from_tensor = M.cast(M.equal(tensor, ans), g.dtype)
    from_updates = M.cast(M.equal(updates, _gather_by_key(ans, key)), g.dtype)
    count = M.add(from_tensor, _scatter_add_value(from_updates, value(ans).shape, key))
    share = M.divide(g, count)
    return M.multiply(share, from_tensor), M.multiply(_gather_by_key(share, key), from_updates)


class _ScatterExtreme(Primitive):
    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        grads = _scatter_extreme_grads(g, ans, *inputs, **params)
        return {i: grads[i] for i in wanted}


_scatter_max = _ScatterExtreme("TensorScatterMax")
_scatter_min = _ScatterExtreme("TensorScatterMin")


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """`tensor` with each element at `indices` raised to the largest of it and the updates written there."""
    return _scatter_extreme(_scatter_max, np.maximum, tensor, indices, updates, "tensor_scatter_nd_max")


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """`tensor` with each element at `indices` lowered to the smallest of it and the updates written there."""
    return _scatter_extreme(_scatter_min, np.minimum, tensor, indices, updates, "tensor_scatter_nd_min")


def invert_permutation(x, name=None):
    """The inverse of the permutation `x` of 0..n-1: y[x[i]] = i."""
    v = value(x)
    if v.dtype.kind not in "iu":
        raise InvalidArgumentError(f"invert_permutation: x must be int32 or int64, got dtype {v.dtype}")
    if v.ndim != 1:
        raise InvalidArgumentError(f"invert_permutation expects a 1D vector, got shape {v.shape}")
    n = v.size
    outside = (v < 0) | (v >= n)
    if outside.any():
        raise InvalidArgumentError(f"{v[outside][0]} is not between 0 and {n}")
    repeated = np.ones(n, dtype=bool)
    repeated[np.unique(v, return_index=True)[1]] = False
    if repeated.any():
        raise InvalidArgumentError(f"{v[np.argmax(repeated)]} is duplicated in the input.")
    out = np.empty_like(v)
    out[v] = np.arange(n, dtype=v.dtype)
    return Tensor(out)


# -------------------------------------------------------------------------------------------- pad
_pad = Primitive("PadV2")


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad with `paddings` [[before, after], ...]; modes CONSTANT, REFLECT and SYMMETRIC."""
    v = value(tensor)
    pads = np.asarray(value(paddings), dtype=np.int64).reshape(-1, 2)
    if pads.shape[0] != v.ndim:
        raise InvalidArgumentError(f"pad: paddings has {pads.shape[0]} rows for a tensor of rank {v.ndim}")
    mode = mode.upper()
    pairs = [tuple(int(a) for a in p) for p in pads]
    if mode == "CONSTANT":
        out = np.pad(v, pairs, mode="constant", constant_values=value(constant_values).item()
                     if isinstance(constant_values, Tensor) else constant_values)
        key = tuple(builtins.slice(a, a + d) for (a, _), d in zip(pairs, v.shape))
        return output(_pad, out, (tensor,), {"key": key})
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: unknown mode {mode!r}; expected 'CONSTANT', 'REFLECT' or 'SYMMETRIC'")
    # Reflections are gathers of the original elements, which keeps them differentiable.
    result = tensor
    for axis, p in enumerate(pairs):
        if p == (0, 0):
            continue
        idx = np.pad(np.arange(v.shape[axis]), p, mode=mode.lower() if mode == "SYMMETRIC" else "reflect")
        result = gather(result, idx, axis=axis)
    return result if isinstance(result, Tensor) else Tensor(value(result))


defgrad(_pad, lambda g, ans, x, key: getitem(g, key))


# ------------------------------------------------------------------------------------- creation
def _dtype(dtype):
    return np_dtype(dtype) if dtype is not None else np.dtype(floatx())


def zeros(shape, dtype=None, name=None):
    return Tensor(np.zeros(_ints(shape), dtype=_dtype(dtype)))


def ones(shape, dtype=None, name=None):
    return Tensor(np.ones(_ints(shape), dtype=_dtype(dtype)))


def zeros_like(input, dtype=None, name=None):
    v = value(input)
    return Tensor(np.zeros(v.shape, dtype=np_dtype(dtype) if dtype is not None else v.dtype))


def ones_like(input, dtype=None, name=None):
    v = value(input)
    return Tensor(np.ones(v.shape, dtype=np_dtype(dtype) if dtype is not None else v.dtype))


def fill(dims, value_, name=None):
    v = to_array(value(value_) if isinstance(value_, Tensor) else value_)
    return Tensor(np.full(_ints(dims), v, dtype=v.dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None):
    m = np.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=_dtype(dtype))
    if batch_shape is not None:
        m = np.broadcast_to(m, _ints(batch_shape) + m.shape).copy()
    return Tensor(m)


def range(start, limit=None, delta=1, dtype=None, name=None):
    """Like Python's range; the dtype follows the arguments (int32 or float32) unless given."""
    if limit is None:
        start, limit = 0, start
    args = [value(a).item() if isinstance(a, Tensor) else a for a in (start, limit, delta)]
    if dtype is None:
        wide = any(isinstance(a, Tensor) and a._value.dtype == np.int64 for a in (start, limit, delta))
        dtype = floatx() if any(isinstance(a, float) for a in args) else ("int64" if wide else "int32")
    return Tensor(np.arange(*args, dtype=np_dtype(dtype)))


def linspace(start, stop, num, name=None, axis=0):
    return Tensor(np.linspace(value(start), value(stop), int(num), axis=axis).astype(
        value(start).dtype if value(start).dtype.kind == "f" else floatx()))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """indices as one-hot vectors of length `depth`; out-of-range indices give all-off rows."""
    idx = value(indices).astype(np.int64)
    depth = int(value(depth)) if isinstance(depth, Tensor) else int(depth)
    if depth < 0:
        raise InvalidArgumentError(f"one_hot: depth must be non-negative, got {depth}")
    dt = _dtype(dtype) if dtype is not None else (
        value(on_value).dtype if on_value is not None else np.dtype(floatx()))
    on = 1 if on_value is None else value(on_value).item() if isinstance(on_value, Tensor) else on_value
    off = 0 if off_value is None else value(off_value).item() if isinstance(off_value, Tensor) else off_value
    out = np.equal(idx[..., None], np.arange(depth)).astype(dt)
    if on != 1 or off != 0:
        out = np.where(out.astype(bool), np.asarray(on, dt), np.asarray(off, dt))
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


def sequence_mask(lengths, maxlen=None, dtype="bool", name=None):
    lv = value(lengths)
    maxlen = int(lv.max()) if maxlen is None else int(value(maxlen)) if isinstance(maxlen, Tensor) else int(maxlen)
    return Tensor((np.arange(maxlen) < lv[..., None]).astype(np_dtype(dtype)))


def meshgrid(*args, indexing="xy", name=None):
    return [Tensor(g) for g in np.meshgrid(*[value(a) for a in args], indexing=indexing)]


def sort(values, axis=-1, direction="ASCENDING", name=None):
    v = value(values)
    idx = argsort(values, axis=axis, direction=direction)
    return gather(values, idx._value, axis=normalize_axis(axis, v.ndim)[0], batch_dims=v.ndim - 1) if v.ndim > 1 \
        else gather(values, idx._value)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    v = value(values)
    if direction == "DESCENDING":
        idx = np.argsort(-v, axis=axis, kind="stable")
    elif direction == "ASCENDING":
        idx = np.argsort(v, axis=axis, kind="stable")
    else:
        raise ValueError(f"direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")
    return Tensor(idx.astype(np.int32))


Unique = collections.namedtuple("Unique", ["y", "idx"])


def unique(x, out_idx="int32", name=None):
    """The distinct values of a 1-D tensor in order of first appearance, and each entry's index among them."""
    v = value(x)
    if v.ndim != 1:
        raise InvalidArgumentError(f"unique expects a 1D vector, got shape {v.shape}")
    uniq, first, inverse = np.unique(v, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return Unique(Tensor(uniq[order]), Tensor(rank[inverse].astype(np_dtype(out_idx))))


UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def unique_with_counts(x, out_idx="int32", name=None):
    """`unique`, and how many times each distinct value occurs."""
    y, idx = unique(x, out_idx)
    return UniqueWithCounts(y, idx, Tensor(np.bincount(idx._value, minlength=y._value.shape[0]).astype(idx._value.dtype)))


def searchsorted(sorted_sequence, values, side="left", out_type="int32", name=None):
    """Where each of `values` would go in `sorted_sequence` (along the last axis; leading axes pair up)."""
    seq, vals = np.asarray(value(sorted_sequence)), np.asarray(value(values))
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if seq.ndim == 0 or seq.shape[:-1] != vals.shape[:-1]:
        raise InvalidArgumentError(f"searchsorted: sorted_sequence shape {seq.shape} and values shape {vals.shape} "
                                   "must agree on all but the last axis")
    rows_seq, rows_val = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1] if vals.ndim else 1)
    out = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(rows_seq, rows_val)]) if rows_seq.shape[0] else \
        np.zeros(rows_val.shape, np.int64)
    return Tensor(out.reshape(vals.shape).astype(np_dtype(out_type)))


# ----------------------------------------------------------------------------------- shape queries
def shape(input, out_type="int32", name=None):
    return Tensor(np.asarray(value(input).shape, dtype=np_dtype(out_type)))


def size(input, out_type="int32", name=None):
    return Tensor(np.asarray(value(input).size, dtype=np_dtype(out_type)))


def rank(input, name=None):
    return Tensor(np.asarray(value(input).ndim, dtype=np.int32))


def shape_n(input, out_type="int32", name=None):
    return [shape(x, out_type) for x in input]


def broadcast_static_shape(shape_x, shape_y):
    from ..tensor import TensorShape

    return TensorShape(np.broadcast_shapes(tuple(shape_x), tuple(shape_y)))


def broadcast_dynamic_shape(shape_x, shape_y):
    return Tensor(np.asarray(np.broadcast_shapes(_ints(shape_x), _ints(shape_y)), dtype=np.int32))

"""Ops steered by integer indices: `tf.dynamic_partition`, `tf.dynamic_stitch`, `tf.unravel_index`.

The partition and stitch ops are gathers and scatters of the data, so gradients flow through them.
"""
import numpy as np

from ..backend import np_dtype
from ..tensor import Tensor, convert_to_tensor
from .core import InvalidArgumentError, value
from . import array as A


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def dynamic_partition(data, partitions, num_partitions, name=None):
    """`num_partitions` tensors: output i holds the slices of `data` whose entry in `partitions` is i, in
    order. `partitions` has the shape of a prefix of `data`'s shape."""
    d = value(data)
    p = value(partitions)
    if p.dtype.kind not in "iu":
        raise InvalidArgumentError(f"partitions must be int32, got dtype {p.dtype}")
    n = int(num_partitions)
    if n < 1:
        raise InvalidArgumentError(f"num_partitions must be at least 1, got {n}")
    if d.shape[:p.ndim] != p.shape:
        raise InvalidArgumentError(f"data.shape must start with partitions.shape, got data.shape = "
                                   f"{_shape_text(d.shape)}, partitions.shape = {_shape_text(p.shape)}")
    flat = p.reshape(-1)
    bad = np.nonzero((flat < 0) | (flat >= n))[0]
    if bad.size:
        raise InvalidArgumentError(f"partitions[{bad[0]}] = {flat[bad[0]]} is not in [0, {n})")
    rows = A.reshape(data, (-1,) + d.shape[p.ndim:]) if p.ndim != 1 else data
    return [A.gather(rows, np.nonzero(flat == i)[0]) for i in range(n)]


def dynamic_stitch(indices, data, name=None):
    """One tensor with `merged[indices[m][i, ...]] = data[m][i, ...]`; where an index repeats, the value
    written last (in order of m, then i) wins, and positions no index names are zero.

    The gradient goes only to the values that appear in the result (TensorFlow also sends it to values
    overwritten by a later duplicate index)."""
    if len(indices) != len(data):
        raise InvalidArgumentError(f"dynamic_stitch needs as many data tensors as index tensors, got "
                                   f"{len(data)} and {len(indices)}")
    if not indices:
        raise InvalidArgumentError("dynamic_stitch needs at least one index tensor")
    dtype = next((x._value.dtype for x in data if isinstance(x, Tensor)), None)
    data = [x if isinstance(x, Tensor) else convert_to_tensor(x, dtype=dtype) for x in data]
    dtypes = {x._value.dtype for x in data}
    if len(dtypes) > 1:
        raise InvalidArgumentError(f"dynamic_stitch: data tensors have different dtypes {sorted(map(str, dtypes))}")
    idx = [np.asarray(value(i)) for i in indices]
    rest = None
    rows = []
    for m, (i, x) in enumerate(zip(idx, data)):
        if i.dtype.kind not in "iu":
            raise InvalidArgumentError(f"indices[{m}] must be int32, got dtype {i.dtype}")
        shape = x._value.shape
        if shape[:i.ndim] != i.shape:
            raise InvalidArgumentError(f"data[{m}].shape = {_shape_text(shape)} does not start with "
                                       f"indices[{m}].shape = {_shape_text(i.shape)}")
        if rest is None:
            rest = shape[i.ndim:]
        elif shape[i.ndim:] != rest:
            raise InvalidArgumentError(f"Need data[0].shape[{idx[0].ndim}:] = data[{m}].shape[{i.ndim}:], got "
                                       f"data[0].shape = {_shape_text(data[0]._value.shape)}, data[{m}].shape = "
                                       f"{_shape_text(shape)}, indices[0].shape = {_shape_text(idx[0].shape)}, "
                                       f"indices[{m}].shape = {_shape_text(i.shape)}")
        rows.append(A.reshape(x, (-1,) + rest))
    flat = np.concatenate([i.reshape(-1) for i in idx]).astype(np.int64)
    if flat.size and flat.min() < 0:
        raise InvalidArgumentError(f"dynamic_stitch: indices must be non-negative, got {flat.min()}")
    size = int(flat.max()) + 1 if flat.size else 0
    # Each written position takes the last value sent to it.
    positions, first_from_end = np.unique(flat[::-1], return_index=True)
    winners = flat.size - 1 - first_from_end
    values = A.gather(A.concat(rows, 0) if len(rows) > 1 else rows[0], winners)
    return A.scatter_nd(positions[:, None], values, (size,) + rest)


def unravel_index(indices, dims, name=None):
    """The coordinates of flat `indices` in an array of shape `dims`: shape [len(dims)] for a scalar index,
    [len(dims), n] for n indices."""
    i = value(indices)
    d = value(dims)
    for what, v in (("indices", i), ("dims", d)):
        if v.dtype not in (np.int32, np.int64):
            kind = "float" if v.dtype.kind == "f" else v.dtype.name
            raise InvalidArgumentError(f"Value for attr 'Tidx' of {kind} is not in the list of allowed values: "
                                       f"int32, int64 (unravel_index {what})")
    if d.ndim != 1:
        raise InvalidArgumentError(f"The dims argument must be a vector, got shape {d.shape}")
    if i.ndim > 1:
        raise InvalidArgumentError(f"The indices argument must be a scalar or vector, got shape {i.shape}")
    if (d <= 0).any():
        raise InvalidArgumentError("All dimensions of dims must be positive")
    if i.size and (i >= np.prod(d, dtype=np.int64)).any():
        raise InvalidArgumentError("index is out of bound as with dims")
    out_dtype = np_dtype(i.dtype)
    coords = []
    rem = i.astype(np.int64)
    for size in d[::-1].astype(np.int64):
        # C's truncating division and remainder, as TensorFlow's kernel (a negative index stays negative).
        coords.append(np.fmod(rem, size))
        rem = (rem - coords[-1]) // size
    return Tensor(np.stack(coords[::-1]).astype(out_dtype))

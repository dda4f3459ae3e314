"""Ops that move elements between axes: `tf.reverse_sequence`, `tf.space_to_batch_nd`, `tf.batch_to_space`.

The block ops are compositions of pad, reshape, transpose and slicing, so their gradients (of any
order) are those ops' gradients.
"""
import builtins

import numpy as np

from .core import InvalidArgumentError, Primitive, defgrad, output, value
from . import array as A


# ---------------------------------------------------------------------------------- reverse_sequence
_reverse_sequence = Primitive("ReverseSequence")


def _sequence_order(shape, lengths, seq_axis, batch_axis):
    """Indices along `seq_axis` (broadcastable to `shape`) that reverse the first lengths[b] of batch b."""
    n = shape[seq_axis]
    positions = np.arange(n)
    order = np.where(positions[None, :] < lengths[:, None], lengths[:, None] - 1 - positions[None, :],
                     positions[None, :])  # (batch, n)
    if batch_axis > seq_axis:
        order = order.T
    view = [1] * len(shape)
    view[batch_axis] = shape[batch_axis]
    view[seq_axis] = n
    return order.reshape(view)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):
    """For each b along `batch_axis`, reverses the first `seq_lengths[b]` slices along `seq_axis`."""
    v = value(input)
    if seq_axis is None:
        raise TypeError("Expected int for argument 'seq_dim' not None.")
    seq_axis = int(seq_axis)
    batch_axis = 0 if batch_axis is None else int(batch_axis)
    seq_axis = seq_axis % v.ndim if -v.ndim <= seq_axis < v.ndim else seq_axis
    batch_axis = batch_axis % v.ndim if -v.ndim <= batch_axis < v.ndim else batch_axis
    if not (0 <= seq_axis < v.ndim and 0 <= batch_axis < v.ndim):
        raise InvalidArgumentError(f"Invalid seq_dim {seq_axis} or batch_dim {batch_axis} for a tensor of rank "
                                   f"{v.ndim}")
    if seq_axis == batch_axis:
        raise InvalidArgumentError(f"batch_dim == seq_dim == {seq_axis}")
    lengths = value(seq_lengths)
    if lengths.dtype.kind not in "iu" or lengths.ndim != 1:
        raise InvalidArgumentError(f"seq_lengths must be a vector of integers, got shape {lengths.shape} and dtype "
                                   f"{lengths.dtype}")
    if lengths.shape[0] != v.shape[batch_axis]:
        raise InvalidArgumentError(f"Length of seq_lengths != input.dims({batch_axis}), ({lengths.shape[0]} vs. "
                                   f"{v.shape[batch_axis]})")
    for b, length in enumerate(lengths.tolist()):
        if length > v.shape[seq_axis]:
            raise InvalidArgumentError(f"seq_lens({b}) > input.dims({seq_axis})")
        if length < 0:
            raise InvalidArgumentError(f"seq_lens({b}) < 0")
    order = _sequence_order(v.shape, lengths.astype(np.int64), seq_axis, batch_axis)
    out = np.take_along_axis(v, np.broadcast_to(order, v.shape), axis=seq_axis)
    return output(_reverse_sequence, out, (input,),
                  {"seq_lengths": lengths, "seq_axis": seq_axis, "batch_axis": batch_axis})


# Reversing the same prefixes again undoes it, so the gradient is the same reversal of the gradient.
defgrad(_reverse_sequence, lambda g, ans, x, seq_lengths, seq_axis, batch_axis:
        reverse_sequence(g, seq_lengths, seq_axis, batch_axis))


# ------------------------------------------------------------------------------------ space <-> batch
def _block_arguments(v, block_shape, pairs, what):
    block = [int(b) for b in np.asarray(value(block_shape)).reshape(-1)]
    pairs = np.asarray(value(pairs), dtype=np.int64)
    m = len(block)
    if m < 1:
        raise InvalidArgumentError("block_shape must have at least one element")
    if pairs.shape != (m, 2):
        raise InvalidArgumentError(f"{what} should have shape [{m}, 2] instead of {list(pairs.shape)}")
    if v.ndim < m + 1:
        raise InvalidArgumentError(f"input rank should be >= {m + 1} instead of {v.ndim}")
    if any(b < 1 for b in block):
        raise InvalidArgumentError(f"All values in block_shape must be positive, got value, {min(block)}")
    if (pairs < 0).any():
        raise InvalidArgumentError(f"{what.capitalize()} must be non-negative")
    return block, [tuple(int(a) for a in p) for p in pairs]


def space_to_batch_nd(input, block_shape, paddings, name=None):
    """Pads the M spatial axes after the batch axis, cuts them into `block_shape` blocks and moves the
    position within the block into the batch axis (block offsets vary slowest)."""
    v = value(input)
    block, pads = _block_arguments(v, block_shape, paddings, "paddings")
    m = len(block)
    padded = [v.shape[1 + i] + a + b for i, (a, b) in enumerate(pads)]
    for i, (size, b) in enumerate(zip(padded, block)):
        if size % b:
            raise InvalidArgumentError(f"padded_shape[{i}]={size} is not divisible by block_shape[{i}]={b}")
    batch, rest = v.shape[0], list(v.shape[1 + m:])
    x = A.pad(input, [(0, 0)] + pads + [(0, 0)] * len(rest))
    split = [batch]
    for size, b in zip(padded, block):
        split += [size // b, b]
    x = A.reshape(x, split + rest)
    # (batch, s1, b1, ..., sM, bM, rest) -> (b1, ..., bM, batch, s1, ..., sM, rest)
    perm = [2 + 2 * i for i in builtins.range(m)] + [0] + [1 + 2 * i for i in builtins.range(m)]
    perm += list(builtins.range(1 + 2 * m, 1 + 2 * m + len(rest)))
    x = A.transpose(x, perm)
    return A.reshape(x, [batch * int(np.prod(block))] + [size // b for size, b in zip(padded, block)] + rest)


def space_to_batch(input, block_shape, paddings, name=None):
    """`space_to_batch_nd` (TensorFlow 2's `tf.space_to_batch`)."""
    return space_to_batch_nd(input, block_shape, paddings)


def batch_to_space(input, block_shape, crops, name=None):
    """The inverse of `space_to_batch_nd`: moves blocks from the batch axis back into the M spatial axes,
    then removes `crops` [[start, end], ...] from each of them."""
    v = value(input)
    block, crop = _block_arguments(v, block_shape, crops, "crops")
    m = len(block)
    blocks = int(np.prod(block))
    if v.shape[0] % blocks:
        raise InvalidArgumentError(f"Input batch dimension ({v.shape[0]}) is not divisible by product of block "
                                   f"sizes ({blocks})")
    batch, spatial, rest = v.shape[0] // blocks, list(v.shape[1:1 + m]), list(v.shape[1 + m:])
    for i, ((a, b), size, k) in enumerate(zip(crop, spatial, block)):
        if a + b > size * k:
            raise InvalidArgumentError(f"Total cropping of dimension {i + 1} ({a + b}) exceeds its size "
                                       f"({size * k})")
    x = A.reshape(input, block + [batch] + spatial + rest)
    # (b1, ..., bM, batch, s1, ..., sM, rest) -> (batch, s1, b1, ..., sM, bM, rest)
    perm = [m]
    for i in builtins.range(m):
        perm += [m + 1 + i, i]
    perm += list(builtins.range(1 + 2 * m, 1 + 2 * m + len(rest)))
    x = A.transpose(x, perm)
    x = A.reshape(x, [batch] + [size * k for size, k in zip(spatial, block)] + rest)
    key = (builtins.slice(None),) + tuple(builtins.slice(a, size * k - b)
                                          for (a, b), size, k in zip(crop, spatial, block))
    return x[key] if any(a or b for a, b in crop) else x


batch_to_space_nd = batch_to_space

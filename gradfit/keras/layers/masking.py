"""Keras masks: a boolean tensor riding on a layer's output (`tensor._keras_mask`) marking valid steps.

Reading a mask off every tensor of every call costs time, so layers skip it until some mask has been
attached in this process (`in_use`); from then on every call reads and propagates masks.
"""
from ... import nest
from ...tensor import Tensor

in_use = False


def set_mask(tensor, mask):
    """Attach `mask` to `tensor` (a None mask attaches nothing)."""
    global in_use
    if mask is None:
        return
    in_use = True
    tensor._keras_mask = mask


def mask_of(x):
    """The mask riding on a tensor (None when there is none), or the masks of nested tensors."""
    if isinstance(x, Tensor):
        return getattr(x, "_keras_mask", None)
    if isinstance(x, (list, tuple, dict)):
        masks = nest.map_structure(lambda t: getattr(t, "_keras_mask", None), x)
        return None if all(m is None for m in nest.flatten(masks)) else masks
    return None

"""Clipping by norm (`tf.clip_by_norm`, `tf.clip_by_global_norm`, `tf.linalg.global_norm`)."""
import numpy as np

from .core import Tensor, value
from . import math as M
from . import reduction as R


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t scaled so its L2 norm (over `axes`) is at most clip_norm."""
    l2sum = R.reduce_sum(M.square(t), axis=axes, keepdims=True)
    positive = value(l2sum) > 0
    safe = M.where(positive, l2sum, np.ones_like(value(l2sum)))
    norm = M.where(positive, M.sqrt(safe), l2sum)
    scale = M.divide(clip_norm, M.maximum(norm, clip_norm))
    return M.multiply(t, scale)


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor); None entries are skipped."""
    squares = [R.reduce_sum(M.square(t)) for t in t_list if t is not None]
    if not squares:
        return Tensor(np.zeros((), dtype=np.float32))
    return M.sqrt(M.add_n(squares))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """The tensors scaled together so their global norm is at most clip_norm; also returns that norm."""
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else use_norm
    scale = M.divide(clip_norm, M.maximum(norm, clip_norm))
    if not np.isfinite(value(norm)).all():
        scale = Tensor(np.full((), np.nan, dtype=value(norm).dtype))
    return [None if t is None else M.multiply(t, M.cast(scale, value(t).dtype)) for t in t_list], norm

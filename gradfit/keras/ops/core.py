"""keras.ops' core functions: conversion, control flow, slicing and scatter (Keras 3 names)."""
import builtins

import numpy as np

from ... import backend
from ...autodiff.tape import custom_gradient, stop_gradient
from ...ops import array as A
from ...ops import math as M
from ...ops.core import value
from ...tensor import Tensor, Variable, convert_to_tensor as _convert, is_tensor


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if isinstance(x, Tensor) and dtype is not None and x.dtype != dtype:
        return M.cast(x, dtype)
    return _convert(x, dtype=dtype)


def convert_to_numpy(x):
    if isinstance(x, Variable):
        return x.numpy()
    if isinstance(x, Tensor):
        return np.array(x._value)
    return np.asarray(x)


def cast(x, dtype):
    return M.cast(x, dtype)


def dtype(x):
    return str(value(x).dtype)


def shape(x):
    """The shape as a tuple (None for the unknown dimensions of a symbolic tensor)."""
    if x.__class__.__name__ == "KerasTensor":
        return tuple(x.shape)
    return tuple(value(x).shape)


def slice(inputs, start_indices, shape):
    """The block of `inputs` of size `shape` starting at `start_indices`."""
    starts = [int(v) for v in np.asarray(value(start_indices)).reshape(-1)]
    return A.getitem(inputs, tuple(builtins.slice(s, s + int(n)) for s, n in zip(starts, shape)))


def slice_update(inputs, start_indices, updates):
    """inputs with the block at start_indices replaced by updates (differentiable in both)."""
    x = value(inputs)
    u = value(updates)
    starts = [int(v) for v in np.asarray(value(start_indices)).reshape(-1)]
    key = tuple(builtins.slice(s, s + n) for s, n in zip(starts, u.shape))
    mask = np.ones(x.shape, dtype=x.dtype)
    mask[key] = 0
    pads = [(s, d - s - n) for s, n, d in zip(starts, u.shape, x.shape)]
    return M.add(M.multiply(inputs, mask), A.pad(updates, pads))


def scatter(indices, values, shape):
    return A.scatter_nd(indices, values, shape)


def scatter_update(inputs, indices, updates):
    return A.tensor_scatter_nd_update(inputs, indices, updates)


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(value(pred)) else false_fn()


def switch(index, branches, *operands):
    i = int(np.clip(int(value(index)), 0, len(branches) - 1))
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    i = 0
    while bool(value(cond(*state))) and (maximum_iterations is None or i < maximum_iterations):
        out = body(*state)
        state = tuple(out) if isinstance(out, (list, tuple)) else (out,)
        i += 1
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(value(lower)), int(value(upper))):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    n = length if xs is None else value(xs[0] if isinstance(xs, (list, tuple)) else xs).shape[0]
    carry, ys = init, []
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if xs is None else (type(xs)(t[i] for t in xs) if isinstance(xs, (list, tuple)) else xs[i])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, (A.stack(ys) if ys and ys[0] is not None else None)


def map(f, xs):
    return A.stack([f(x) for x in A.unstack(_convert(xs) if not isinstance(xs, Tensor) else xs)])


def vectorized_map(function, elements):
    if isinstance(elements, (list, tuple)):
        n = value(elements[0]).shape[0]
        return A.stack([function(type(elements)(e[i] for e in elements)) for i in range(n)])
    return map(function, elements)


def is_float_dtype(dtype):
    return backend.np_dtype(dtype).kind == "f"


__all__ = ["convert_to_tensor", "convert_to_numpy", "cast", "dtype", "shape", "slice", "slice_update", "scatter",
           "scatter_update", "cond", "switch", "while_loop", "fori_loop", "scan", "map", "vectorized_map",
           "stop_gradient", "custom_gradient", "is_tensor"]

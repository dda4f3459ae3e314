"""Checking and clipping the gradients an optimizer is given, before any state changes."""
import warnings

import numpy as np

from ...tensor import Tensor, Variable


def checked_gradients(optimizer_name, grads, variables, index=None):
    """(gradient arrays in their variables' dtypes, those variables), None gradients left out (with a warning).

    Raises, naming the variable, if a variable is not a Variable or not among `index` (the variables an
    optimizer was built with), or a gradient does not have its variable's shape or a numeric dtype.
    """
    arrays, kept, missing = [], [], []
    for g, v in zip(grads, variables):
        if not isinstance(v, Variable):
            raise ValueError(f"Optimizer '{optimizer_name}' can only update Variables; received "
                             f"{type(v).__name__} {v!r:.60} in the place of a variable")
        if index is not None and id(v) not in index:
            raise ValueError(f"Unknown variable: '{v.path}'. This optimizer can only be called for the variables it "
                             "was originally built with. When working with a new set of variables, you should "
                             "recreate a new optimizer instance.")
        if g is None:
            missing.append(v.path)
            continue
        a = g._value if isinstance(g, Tensor) else np.asarray(g)
        value = v._value
        if a.shape != value.shape:
            raise ValueError(f"Optimizer '{optimizer_name}': the gradient for variable '{v.path}' has shape "
                             f"{tuple(a.shape)}, but the variable has shape {tuple(value.shape)}")
        if a.dtype is not value.dtype or value.dtype.kind != "f":
            if value.dtype.kind != "f" or a.dtype.kind not in "fiub":
                raise ValueError(f"Optimizer '{optimizer_name}' cannot apply a {a.dtype} gradient to variable "
                                 f"'{v.path}' of dtype {value.dtype}: expected float values")
            a = a.astype(value.dtype, copy=False)
        arrays.append(a)
        kept.append(v)
    if not arrays:
        raise ValueError(f"No gradients provided for any variable: {[v.path for v in variables]}.")
    if missing:
        warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                      "`model.compile()`, did you forget to provide a `loss` argument?", stacklevel=4)
    return arrays, kept


def _squared_norm(g):
    flat = g.ravel()
    return float(np.dot(flat, flat))


def clip_gradients(grads, out, clipnorm=None, global_clipnorm=None, clipvalue=None):
    """The gradients clipped as Keras does: each to L2 norm `clipnorm`, all together to `global_clipnorm`,
    or each element to [-clipvalue, clipvalue]. A clipped gradient is written to `out(k)` (the given
    arrays are never changed); one needing no clipping is returned as it is."""
    if clipnorm and clipnorm > 0:
        clip = float(clipnorm)
        clipped = []
        for k, g in enumerate(grads):
            norm = _squared_norm(g) ** 0.5
            clipped.append(np.multiply(g, clip / norm, out=out(k)) if norm > clip else g)
        return clipped
    if global_clipnorm and global_clipnorm > 0:
        clip = float(global_clipnorm)
        norm = sum(_squared_norm(g) for g in grads) ** 0.5
        if norm <= clip:
            return grads
        # A non-finite norm makes every gradient NaN, as in Keras.
        scale = clip / norm if np.isfinite(norm) else float("nan")
        return [np.multiply(g, scale, out=out(k)) for k, g in enumerate(grads)]
    if clipvalue and clipvalue > 0:
        c = float(clipvalue)
        return [np.clip(g, -c, c, out=out(k)) for k, g in enumerate(grads)]
    return grads

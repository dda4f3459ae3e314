"""A Sequential model's inference shortcut: for a stack of Dense layers (and Dropout, which does nothing at
inference), `model(x)` with no tape recording runs the layers' array computations back to back.

It computes exactly what the layers' calls compute (the same `dense` and softmax kernels, in the same order,
so the outputs are bitwise equal, logits kept for the losses) and skips the per-layer call machinery, which
on a one-sample forward pass costs a third of the time.
"""
from ...ops.nn import dense_value, _softmax_value
from ...tensor import Tensor
from .. import activations
from ..layers.core import Dense
from ..layers.regularization import Dropout

_LINEAR, _RELU, _SOFTMAX = 0, 1, 2


class InferencePlan:
    """The Dense layers of a stack with the activation each applies; `run(array)` gives the output Tensor."""

    __slots__ = ("steps", "dtype")

    def __init__(self, steps, dtype):
        self.steps, self.dtype = steps, dtype

    def run(self, v):
        logits = None
        for layer, activation in self.steps:
            if activation == _RELU:
                v = dense_value(v, layer.kernel._value, layer.bias, "relu")
            else:
                v = dense_value(v, layer.kernel._value, layer.bias, None)
                if activation == _SOFTMAX:
                    logits = v
                    v = _softmax_value(v, -1)
        out = Tensor(v)
        if logits is not None and activation == _SOFTMAX:
            out._keras_logits = Tensor(logits)  # as the Dense layer's softmax leaves it, for the losses
        return out


def plan_for(layers):
    """An InferencePlan for `layers`, or None when one of them needs its own call."""
    steps, dtype = [], None
    for layer in layers:
        cls = type(layer)
        if cls is Dropout:
            continue
        if cls is not Dense or not layer.built or layer.activity_regularizer is not None:
            return None
        kernel_dtype = layer.kernel._value.dtype
        if kernel_dtype is not layer._compute_np_dtype or (dtype is not None and kernel_dtype is not dtype):
            return None
        dtype = kernel_dtype
        if layer._fused_relu:
            activation = _RELU
        elif layer.activation is activations.linear:
            activation = _LINEAR
        elif layer.activation is activations.softmax:
            activation = _SOFTMAX
        else:
            return None
        steps.append((layer, activation))
    return InferencePlan(tuple(steps), dtype) if steps else None

"""Activation layers with arguments or weights: ReLU, LeakyReLU, PReLU, ELU, Softmax."""
from ...ops import array as A
from ...ops import math as M
from ...ops import nn as N
from .. import activations
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings, weight_settings


class _ElementwiseActivation(Layer):
    """A weightless activation layer: same output shape as input, masks pass through."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._build_at_init()

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(_ElementwiseActivation):
    """max(x, 0), with optional `max_value`, `negative_slope` below `threshold`, and `threshold`."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"ReLU: `max_value` must be >= 0, got max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"ReLU: `negative_slope` must be >= 0, got negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"ReLU: `threshold` must be >= 0, got threshold={threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu.raw(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                    threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(_ElementwiseActivation):
    """x for x >= 0, `negative_slope * x` below (Keras 3's default slope is 0.3)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: `negative_slope` must be a non-negative float, got "
                             f"negative_slope={negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu.raw(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_ElementwiseActivation):
    """x for x > 0, alpha * (exp(x) - 1) below."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu.raw(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(_ElementwiseActivation):
    """Softmax along `axis`; masked positions (mask False) get probability 0."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if mask.dtype.name != "bool":
                mask = M.greater(mask, 0.5)
            # Masked logits become a large negative number, so they get (almost) no probability.
            inputs = M.where(mask, inputs, M.add(A.zeros_like(inputs), _large_negative(inputs.dtype.name)))
        outputs = activations.softmax.raw(inputs, axis=self.axis)
        if mask is not None:
            # A fully masked row would otherwise come out uniform.
            outputs = M.where(mask, outputs, A.zeros_like(outputs))
        return outputs

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _large_negative(dtype):
    return -3e4 if dtype == "float16" else -1e9


class PReLU(Layer):
    """x for x >= 0, `alpha * x` below, with a learned `alpha` per input position (shared along
    `shared_axes`)."""

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        take_weight_settings(self, alpha=(alpha_initializer, alpha_regularizer, alpha_constraint))
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"PReLU '{self.name}' needs every non-shared dimension of its input to be known, got "
                             f"shape {tuple(input_shape)}")
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in (self.shared_axes or ())}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        if inputs._value.dtype.kind != "f":
            inputs = M.cast(inputs, self.compute_dtype)
        return M.subtract(N.relu(inputs), M.multiply(self.alpha, N.relu(M.negative(inputs))))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), **weight_settings(self, "alpha"), "shared_axes": self.shared_axes}

"""Per-example normalizations: LayerNormalization, GroupNormalization, RMSNormalization and
UnitNormalization, as Keras 3 computes them (weights gamma then beta; RMSNormalization's is 'scale')."""
import warnings

from ...ops import array as A
from ...ops import math as M
from ...ops import nn as N
from ...ops import reduction as R
from .batch_normalization import normalize
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings, weight_settings


def _axes(axis, ndim, layer):
    """`axis` (an int or a list of ints) as sorted non-negative axes of a rank-`ndim` input."""
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, int) or not -ndim <= a < ndim:
            raise ValueError(f"{type(layer).__name__} '{layer.name}': axis {a} is out of bounds for an input of "
                             f"rank {ndim}. Received: axis={axis}")
    return sorted(a % ndim for a in axes)


def _check_axis_argument(axis, layer):
    if isinstance(axis, (list, tuple)):
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(f"{layer}: expected an int or a list/tuple of ints for the argument 'axis', "
                    f"but received: {axis!r}")


def _broadcastable(weight, axes, shape):
    """A weight over `axes` reshaped to broadcast against an input of `shape` (as is when those are the
    trailing axes)."""
    if weight is None or axes == list(range(len(shape) - len(axes), len(shape))):
        return weight
    return A.reshape(weight, [shape[i] if i in axes else 1 for i in range(len(shape))])


def _weight_shape(layer, input_shape):
    """The shape of a weight over the layer's `axis`; the input spec then checks those dimensions."""
    axes = _axes(layer.axis, len(input_shape), layer)
    shape = tuple(input_shape[a] for a in axes)
    if any(d is None for d in shape):
        raise ValueError(f"{type(layer).__name__} '{layer.name}' needs the normalized axes {layer.axis} of its "
                         f"input to be known, got shape {tuple(input_shape)}")
    layer.input_spec = InputSpec(min_ndim=max(a + 1 if a >= 0 else -a for a in layer.axis),
                                 axes={a: input_shape[a] for a in layer.axis})
    return shape


class _AxisNormalization(Layer):
    """Checks of the output shape that layer, RMS and unit normalization share."""

    def compute_output_shape(self, input_shape):
        _axes(self.axis, len(input_shape), self)
        return input_shape


class LayerNormalization(_AxisNormalization):
    """Normalizes each example over `axis` (the last by default) to mean 0 and variance 1, then scales
    by gamma and shifts by beta. `epsilon` defaults to 1e-3, as in Keras 3."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the "
                          "input by the variance, not the root mean square. To correctly use RMS Normalization, "
                          "please use `keras.layers.RMSNormalization` instead.", stacklevel=2)
        super().__init__(**kwargs)
        self.axis = _check_axis_argument(axis, "LayerNormalization")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        take_weight_settings(self, beta=(beta_initializer, beta_regularizer, beta_constraint),
                             gamma=(gamma_initializer, gamma_regularizer, gamma_constraint))
        self.supports_masking = True
        self.autocast = False

    def build(self, input_shape):
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = _weight_shape(self, input_shape)
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     autocast=False) if self.scale or self.rms_scaling else None
        self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    autocast=False) if self.center and not self.rms_scaling else None

    def call(self, inputs):
        shape = inputs.shape
        axes = _axes(self.axis, len(shape), self)
        gamma = _broadcastable(self.gamma, axes, shape)
        if self.rms_scaling:
            # Keras's deprecated rms_scaling divides by the standard deviation, not the root mean square.
            outputs = M.multiply(inputs, M.rsqrt(M.add(R.reduce_variance(inputs, axis=axes, keepdims=True),
                                                       self.epsilon)))
            outputs = outputs if gamma is None else M.multiply(outputs, gamma)
        else:
            mean, variance = N.moments(inputs, axes=axes, keepdims=True)
            outputs = normalize(inputs, mean, variance, gamma, _broadcastable(self.beta, axes, shape), self.epsilon)
        return M.cast(outputs, self.compute_dtype) if outputs.dtype != self.compute_dtype else outputs

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling,
                **weight_settings(self, "beta", "gamma")}


class GroupNormalization(Layer):
    """Splits the channels along `axis` into `groups` and normalizes each example over each group (and
    the other non-batch axes); groups=-1 is instance normalization. `epsilon` defaults to 1e-3."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError("GroupNormalization: received an invalid value for argument `groups`, expected a "
                             f"positive integer (or `-1` for instance normalization). Received: groups={groups!r}")
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        take_weight_settings(self, beta=(beta_initializer, beta_regularizer, beta_constraint),
                             gamma=(gamma_initializer, gamma_regularizer, gamma_constraint))

    def build(self, input_shape):
        ndim = len(input_shape)
        axis = _axes(self.axis, ndim, self)[0]
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"GroupNormalization '{self.name}': axis {self.axis} of the input should have a defined "
                             f"dimension, but the layer received an input with shape {tuple(input_shape)}")
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(f"GroupNormalization '{self.name}': the number of groups ({self.groups}) cannot be more "
                             f"than the number of channels ({channels})")
        if channels % self.groups:
            raise ValueError(f"GroupNormalization '{self.name}': the number of channels ({channels}) must be a "
                             f"multiple of the number of groups ({self.groups})")
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: channels})
        self.gamma = self.add_weight(name="gamma", shape=(channels,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     autocast=False) if self.scale else None
        self.beta = self.add_weight(name="beta", shape=(channels,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    autocast=False) if self.center else None
        self._channel_axis = axis

    def call(self, inputs):
        shape = tuple(inputs.shape)
        axis, groups = self._channel_axis, self.groups
        # (..., C, ...) -> (..., groups, C // groups, ...): statistics over everything but batch and group.
        grouped_shape = shape[:axis] + (groups, shape[axis] // groups) + shape[axis + 1:]
        grouped = A.reshape(inputs, grouped_shape)
        reduce_axes = [i for i in range(1, len(grouped_shape)) if i != axis]
        mean, variance = N.moments(grouped, axes=reduce_axes, keepdims=True)
        weight_shape = [1] * len(grouped_shape)
        weight_shape[axis], weight_shape[axis + 1] = groups, shape[axis] // groups
        gamma = None if self.gamma is None else A.reshape(self.gamma, weight_shape)
        beta = None if self.beta is None else A.reshape(self.beta, weight_shape)
        outputs = A.reshape(normalize(grouped, mean, variance, gamma, beta, self.epsilon), shape)
        return M.cast(outputs, self.compute_dtype) if outputs.dtype != self.compute_dtype else outputs

    def compute_output_shape(self, input_shape):
        _axes(self.axis, len(input_shape), self)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                **weight_settings(self, "beta", "gamma")}


class RMSNormalization(_AxisNormalization):
    """x / sqrt(mean(x**2) + epsilon) * scale over `axis` (weight 'scale', epsilon 1e-6 by default)."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis_argument(axis, "RMSNormalization")
        self.epsilon = epsilon

    def build(self, input_shape):
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        self.scale = self.add_weight(name="scale", shape=_weight_shape(self, input_shape), initializer="ones")

    def call(self, x):
        axes = _axes(self.axis, len(x.shape), self)
        rrms = M.rsqrt(M.add(R.reduce_mean(M.square(x), axis=axes, keepdims=True), self.epsilon))
        return M.multiply(M.multiply(x, rrms), _broadcastable(self.scale, axes, x.shape))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


class UnitNormalization(_AxisNormalization):
    """Scales each example to unit L2 norm over `axis`."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(f"UnitNormalization: invalid value for `axis` argument: expected an int or a list/tuple "
                            f"of ints. Received: axis={axis!r}")
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs):
        axes = _axes(self.axis, len(inputs.shape), self)
        # Keras's min(rsqrt(sum), 1 / 1e-12), written as rsqrt(max(sum, 1e-24)) so a zero vector makes no inf.
        return M.multiply(inputs, M.rsqrt(M.maximum(R.reduce_sum(M.square(inputs), axis=axes, keepdims=True), 1e-24)))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}

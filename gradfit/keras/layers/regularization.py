"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
ActivityRegularization.

The random ones act only when called with training=True (as inside `fit` or `model(x, training=True)`);
in inference they return their input. Their noise comes from `gradfit.backend.rng(seed)`: the global
generator (repeatable under `keras.utils.set_random_seed`) or, with `seed=`, the layer's own stream.
"""
import math

from ... import backend
from ...ops import math as M
from ...ops import nn as N
from ...ops import random as R
from .. import regularizers
from .conv_arguments import standardize_data_format
from .input_spec import InputSpec
from .layer import Layer


def _rate(rate, layer):
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(f"{layer}: `rate` must be a float between 0 and 1, got rate={rate!r}")
    return rate


class Dropout(Layer):
    """In training, zeroes each input element with probability `rate` and scales the rest by 1/(1-rate)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, "Dropout")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return M.multiply(inputs, 0.0)
        return N.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs), seed=self.seed)

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        return [d if n is None else n for n, d in zip(self.noise_shape, inputs.shape)]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


class SpatialDropout1D(Dropout):
    """Dropout of whole channels of (batch, steps, channels) inputs."""

    _RANK = 3

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.input_spec = InputSpec(ndim=self._RANK)

    def _noise_shape(self, inputs):
        shape = inputs.shape
        return (shape[0], 1, shape[2])

    def get_config(self):
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": Layer.get_config(self)["dtype"]}


class SpatialDropout2D(SpatialDropout1D):
    """Dropout of whole feature maps of (batch, rows, cols, channels) inputs (channels first with
    data_format='channels_first')."""

    _RANK = 4

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = data_format or backend.image_data_format()

    def _noise_shape(self, inputs):
        shape, spatial = inputs.shape, (1,) * (self._RANK - 2)
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + spatial
        return (shape[0],) + spatial + (shape[-1],)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(SpatialDropout2D):
    """Dropout of whole feature volumes of (batch, depth, rows, cols, channels) inputs (channels first with
    data_format='channels_first')."""

    _RANK = 5

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, data_format=standardize_data_format(data_format), seed=seed, name=name, dtype=dtype,
                         **kwargs)


class GaussianNoise(Layer):
    """In training, adds zero-mean normal noise of standard deviation `stddev`."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(f"GaussianNoise: `stddev` must be a float between 0 and 1, got stddev={stddev}")
        self.stddev = stddev
        self.seed = seed
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = R.normal(inputs.shape, stddev=self.stddev, dtype=inputs.dtype, seed=self.seed)
        return M.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """In training, multiplies inputs by normal noise of mean 1 and stddev sqrt(rate / (1 - rate))."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, "GaussianDropout")
        self.seed = seed
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = R.normal(inputs.shape, mean=1.0, stddev=stddev, dtype=inputs.dtype, seed=self.seed)
        return M.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout for SELU networks: in training, dropped inputs take SELU's negative saturation value and an
    affine correction keeps the mean and variance of the inputs (Klambauer et al., 2017)."""

    _ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _rate(rate, "AlphaDropout")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        shape = tuple(inputs.shape) if self.noise_shape is None else tuple(
            d if n is None else n for n, d in zip(self.noise_shape, inputs.shape))
        kept = M.cast(M.greater_equal(R.uniform(shape, dtype=inputs.dtype, seed=self.seed), self.rate), inputs.dtype)
        alpha_p, rate = self._ALPHA_P, self.rate
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        x = M.add(M.multiply(inputs, kept), M.multiply(M.subtract(1.0, kept), alpha_p))
        return M.add(M.multiply(x, a), b)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


class ActivityRegularization(Layer):
    """Passes its input through and adds an L1/L2 penalty on it to `losses`."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self._build_at_init()

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}

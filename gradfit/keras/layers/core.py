"""Core layers: Dense, Activation, Embedding, Masking, Identity."""
from ...ops import array as A
from ...ops import math as M
from ...ops import nn as N
from ...ops import reduction as R
from .. import activations
from . import masking
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings, weight_settings


def _positive_int(value, name, layer):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{layer} expects `{name}` to be a positive integer, got {name}={value!r}")
    return value


def _unsupported(layer, **options):
    """Keras options this backend does not implement (quantization, LoRA) must be left at None."""
    for name, value in options.items():
        if value is not None:
            raise ValueError(f"{layer}: `{name}` is not supported by gradfit, got {name}={value!r}")


class Dense(Layer):
    """`activation(inputs @ kernel + bias)` over the last axis of the inputs."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = _positive_int(units, "units", "Dense")
        _unsupported("Dense", lora_rank=lora_rank, quantization_config=quantization_config)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        take_weight_settings(self, kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        # The activation is called directly (no symbolic-input check), and a linear one not at all; ReLU
        # is fused into the one `dense` op with the matrix product and the bias.
        self._fused_relu = self.activation is activations.relu
        self._activation_fn = None if self.activation is activations.linear or self._fused_relu else getattr(
            self.activation, "raw", self.activation)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense '{self.name}' needs the last dimension of its input to be known, got shape "
                             f"{tuple(input_shape)}")
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        if inputs._value.dtype.kind != "f":
            # Integer or boolean features are computed with in the layer's float dtype, as Keras does.
            inputs = M.cast(inputs, self.compute_dtype)
        x = N.dense(inputs, self.kernel, self.bias, activation="relu" if self._fused_relu else None)
        return x if self._activation_fn is None else self._activation_fn(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **weight_settings(self, "kernel", "bias"), "quantization_config": None}


class Activation(Layer):
    """Applies an activation function (a name such as 'relu', or a callable) to its input."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self._build_at_init()

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Identity(Layer):
    """Returns its input unchanged (masks included)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._build_at_init()

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class Masking(Layer):
    """Masks timesteps whose features all equal `mask_value`: they are zeroed and marked invalid in the
    output's mask, which downstream layers (RNNs, pooling, losses) skip."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self._build_at_init()

    def compute_mask(self, inputs, mask=None):
        return R.reduce_any(M.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = self.compute_mask(inputs)
        outputs = M.multiply(inputs, M.cast(A.expand_dims(keep, -1), inputs.dtype))
        masking.set_mask(outputs, keep)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}


class Embedding(Layer):
    """Looks up rows of an (input_dim, output_dim) table for integer indices; with `mask_zero=True`,
    index 0 is padding and the output carries a mask that is False there."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        input_length = kwargs.pop("input_length", None)
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        self.input_dim = _positive_int(input_dim, "input_dim", "Embedding")
        self.output_dim = _positive_int(output_dim, "output_dim", "Embedding")
        _unsupported("Embedding", lora_rank=lora_rank, quantization_config=quantization_config)
        take_weight_settings(self, embeddings=(embeddings_initializer, embeddings_regularizer, embeddings_constraint))
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        if weights is not None:
            self.build()
            if not isinstance(weights, (list, tuple)):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        if inputs.dtype.name not in ("int32", "int64"):
            inputs = M.cast(inputs, "int32")
        outputs = A.gather(self.embeddings, inputs, axis=0)
        if outputs.dtype != self.compute_dtype:
            outputs = M.cast(outputs, self.compute_dtype)
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return M.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                **weight_settings(self, "embeddings", activity=True),
                "mask_zero": self.mask_zero, "quantization_config": None}

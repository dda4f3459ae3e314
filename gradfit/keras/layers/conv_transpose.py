"""Transposed convolutions: Conv1DTranspose and Conv2DTranspose, with Keras 3's kernel layout
(*kernel_size, filters, in_channels) and `output_padding`."""
from ...ops import array as A
from ...ops import conv as C
from .. import activations
from . import conv_arguments as args
from .convolutional import add_bias, apply_activation
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings, weight_settings


class BaseConvTranspose(Layer):
    """The gradient of a convolution with respect to its input, as a layer (often called deconvolution)."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name, rank = type(self).__name__, self.rank
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{name}: invalid value for argument `filters`. Expected a strictly positive integer. "
                             f"Received filters={filters!r}")
        self.filters = filters
        args.take_geometry(self, kernel_size, strides, padding, data_format, dilation_rate, strided_dilation=True)
        self.output_padding = None if output_padding is None else args.standardize_tuple(
            output_padding, rank, "output_padding", allow_zero=True)
        if self.output_padding is not None:
            for i, (pad, stride) in enumerate(zip(self.output_padding, self.strides)):
                if pad >= stride:
                    raise ValueError(f"{name}: `output_padding` must be strictly less than `strides` for all "
                                     f"dimensions. At dimension {i}, `output_padding` is {pad} but `strides` is "
                                     f"{stride}. Received: output_padding={self.output_padding}, "
                                     f"strides={self.strides}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        take_weight_settings(self, kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape):
        axis = args.channel_axis(self.data_format)
        channels = args.input_channels(self, input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})

    def _output_spatial(self, spatial):
        pads = self.output_padding or (None,) * self.rank
        return [args.conv_transpose_output_length(d, k, s, self.padding, p, r)
                for d, k, s, r, p in zip(spatial, self.kernel_size, self.strides, self.dilation_rate, pads)]

    def call(self, inputs):
        channels_first = self.data_format == "channels_first"
        # The op runs channels-last; channels-first inputs are transposed on the way in and out.
        x = A.transpose(inputs, [0] + list(range(2, self.rank + 2)) + [1]) if channels_first else inputs
        shape = tuple(x.shape)
        spatial = self._output_spatial(shape[1:-1])
        if self.rank == 1:
            outputs = C.conv1d_transpose(x, self.kernel, (shape[0], spatial[0], self.filters), self.strides,
                                         self.padding.upper(), dilations=self.dilation_rate)
        else:
            outputs = C.conv2d_transpose(x, self.kernel, (shape[0], *spatial, self.filters), self.strides,
                                         self.padding.upper(), dilations=self.dilation_rate)
        if self.bias is not None:
            outputs = add_bias(outputs, self.bias, "channels_last", self.rank)
        if channels_first:
            outputs = A.transpose(outputs, [0, self.rank + 1] + list(range(1, self.rank + 1)))
        return apply_activation(self.activation, outputs)

    def compute_output_shape(self, input_shape):
        spatial = self._output_spatial(args.spatial_dims(input_shape, self.data_format))
        return args.with_spatial(input_shape, spatial, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "output_padding": self.output_padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                **weight_settings(self, "kernel", "bias", activity=True)}


class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1-D convolution: (batch, steps, channels) to (batch, new_steps, filters)."""

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2-D convolution: (batch, rows, cols, channels) to (batch, new_rows, new_cols, filters)."""

    rank = 2


Convolution2DTranspose = Conv2DTranspose

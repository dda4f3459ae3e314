"""Depthwise and separable convolutions: DepthwiseConv1D/2D (each input channel convolved with its own
`depth_multiplier` filters; weight 'kernel' shaped (*kernel_size, in_channels, depth_multiplier)) and
SeparableConv1D/2D (a depthwise convolution, then a 1x1 one; weights 'depthwise_kernel',
'pointwise_kernel' (1.., in_channels * depth_multiplier, filters) and 'bias')."""
from ...ops import array as A
from ...ops import conv as C
from .. import activations
from . import conv_arguments as args
from .convolutional import add_bias, apply_activation, convolve
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings, weight_settings


def _depthwise(x, kernel, strides, padding, dilation_rate, data_format):
    """A depthwise convolution of rank 1 or 2 (rank 1 runs as rank 2 over a single row)."""
    fmt = "NHWC" if data_format == "channels_last" else "NCHW"
    if len(strides) == 2:
        return C.depthwise_conv2d(x, kernel, strides, padding.upper(), fmt, dilation_rate)
    row_axis = 1 if data_format == "channels_last" else 2
    y = C.depthwise_conv2d(A.expand_dims(x, row_axis), A.expand_dims(kernel, 0), (1, strides[0]), padding.upper(),
                           fmt, (1, dilation_rate[0]))
    return A.squeeze(y, axis=row_axis)


class _DepthwiseBase(Layer):
    """What depthwise and separable convolutions share: window arguments, the depthwise weight, the bias."""

    rank = None

    def __init__(self, kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                 use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                 activity_regularizer, depthwise_constraint, bias_constraint, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        rank = self.rank
        if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(f"{type(self).__name__}: invalid value for argument `depth_multiplier`. Expected a "
                             f"strictly positive integer. Received depth_multiplier={depth_multiplier!r}")
        self.depth_multiplier = depth_multiplier
        args.take_geometry(self, kernel_size, strides, padding, data_format, dilation_rate)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        take_weight_settings(self, depthwise=(depthwise_initializer, depthwise_regularizer, depthwise_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        self.input_spec = InputSpec(ndim=rank + 2)

    def _input_channels(self, input_shape):
        axis = args.channel_axis(self.data_format)
        channels = args.input_channels(self, input_shape)
        self.compute_output_shape(input_shape)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        return channels

    def _depthwise_weight(self, name, channels):
        return self.add_weight(name=name, shape=self.kernel_size + (channels, self.depth_multiplier),
                               initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                               constraint=self.depthwise_constraint)

    def _bias_weight(self, size):
        if not self.use_bias:
            return None
        return self.add_weight(name="bias", shape=(size,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _finish(self, outputs):
        if self.bias is not None:
            outputs = add_bias(outputs, self.bias, self.data_format, self.rank)
        return apply_activation(self.activation, outputs)

    def _output_shape(self, input_shape, channels):
        spatial = [args.conv_output_length(d, k, s, self.padding, r) for d, k, s, r in
                   zip(args.spatial_dims(input_shape, self.data_format), self.kernel_size, self.strides,
                       self.dilation_rate)]
        args.check_output_size(self, input_shape, spatial, f"kernel_size={self.kernel_size}, strides={self.strides}, "
                               f"dilation_rate={self.dilation_rate}, padding={self.padding!r}")
        return args.with_spatial(input_shape, spatial, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "depth_multiplier": self.depth_multiplier,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                **weight_settings(self, "depthwise", "bias", activity=True)}


class DepthwiseConv(_DepthwiseBase):
    """Each input channel convolved with its own `depth_multiplier` filters (no mixing across channels)."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self._depthwise_weight("kernel", channels)
        self.bias = self._bias_weight(channels * self.depth_multiplier)

    def call(self, inputs):
        outputs = _depthwise(inputs, self.kernel, self.strides, self.padding, self.dilation_rate, self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        channels = input_shape[args.channel_axis(self.data_format)]
        return self._output_shape(input_shape, None if channels is None else channels * self.depth_multiplier)


class DepthwiseConv1D(DepthwiseConv):
    """Depthwise convolution over (batch, steps, channels) inputs."""

    rank = 1


class DepthwiseConv2D(DepthwiseConv):
    """Depthwise convolution over (batch, rows, cols, channels) images."""

    rank = 2


class SeparableConv(_DepthwiseBase):
    """A depthwise convolution followed by a pointwise (1x1) convolution mixing channels into `filters`."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{type(self).__name__}: invalid value for argument `filters`. Expected a strictly "
                             f"positive integer. Received filters={filters!r}")
        self.filters = filters
        take_weight_settings(self, pointwise=(pointwise_initializer, pointwise_regularizer, pointwise_constraint))

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self._depthwise_weight("depthwise_kernel", channels)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self._bias_weight(self.filters)

    def call(self, inputs):
        y = _depthwise(inputs, self.depthwise_kernel, self.strides, self.padding, self.dilation_rate,
                       self.data_format)
        outputs = convolve(y, self.pointwise_kernel, (1,) * self.rank, "valid", (1,) * self.rank, self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                **weight_settings(self, "pointwise")}


class SeparableConv1D(SeparableConv):
    """Separable convolution over (batch, steps, channels) inputs."""

    rank = 1


class SeparableConv2D(SeparableConv):
    """Separable convolution over (batch, rows, cols, channels) images."""

    rank = 2


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D

"""Convolution layers: Conv1D, Conv2D and Conv3D (strides, dilation, 'valid'/'same'/'causal' padding, groups,
channels_last or channels_first), with Keras 3's kernel layout (*kernel_size, in_channels // groups, filters)."""
from ...ops import array as A
from ...ops import conv as C
from ...ops import math as M
from ...ops import volumetric as V
from .. import activations
from . import conv_arguments as args
from .input_spec import InputSpec
from .layer import Layer, take_weight_settings, weight_settings


def _positive_filters(filters, layer):
    if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
        raise ValueError(f"{layer}: invalid value for argument `filters`. Expected a strictly positive integer. "
                         f"Received filters={filters!r}")
    return filters


def add_bias(outputs, bias, data_format, rank):
    """outputs + bias along the channel axis."""
    if data_format == "channels_first":
        bias = A.reshape(bias, (-1,) + (1,) * rank)
    return M.add(outputs, bias)


def apply_activation(activation, outputs):
    """activation(outputs); a linear activation is skipped rather than called (one op less)."""
    return outputs if activation is activations.linear else activation(outputs)


def convolve(x, kernel, strides, padding, dilation_rate, data_format):
    """A 1-D, 2-D or 3-D convolution of `x` by `kernel` (*kernel_size, in, out), as `keras.ops.conv`."""
    rank = len(strides)
    fmt = ("NWC", "NHWC", "NDHWC") if data_format == "channels_last" else ("NCW", "NCHW", "NCDHW")
    if rank == 1:
        return C.conv1d(x, kernel, strides[0], padding.upper(), fmt[0], dilation_rate)
    if rank == 3:
        return V.conv3d(x, kernel, strides, padding.upper(), fmt[2], dilation_rate)
    return C.conv2d(x, kernel, strides, padding.upper(), fmt[1], dilation_rate)


class BaseConv(Layer):
    """The N-D convolution layer: `activation(conv(inputs, kernel) + bias)`."""

    rank = None
    _fusable = False
    _fused_activation = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        if lora_rank is not None:
            raise ValueError(f"{name}: `lora_rank` is not supported by gradfit, got lora_rank={lora_rank!r}")
        rank = self.rank
        self.filters = _positive_filters(filters, name)
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{name}: the number of groups must be a positive integer. Received: groups={groups!r}")
        if filters % groups:
            raise ValueError(f"{name}: the number of filters must be evenly divisible by the number of groups. "
                             f"Received: groups={groups}, filters={filters}")
        self.groups = groups
        args.take_geometry(self, kernel_size, strides, padding, data_format, dilation_rate, allow_causal=rank == 1)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        take_weight_settings(self, kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                             bias=(bias_initializer, bias_regularizer, bias_constraint))
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape):
        axis = args.channel_axis(self.data_format)
        channels = args.input_channels(self, input_shape)
        if channels % self.groups:
            raise ValueError(f"{type(self).__name__} '{self.name}': the number of input channels must be evenly "
                             f"divisible by the number of groups. Received groups={self.groups}, but the input has "
                             f"{channels} channels (full input shape is {tuple(input_shape)})")
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self._fusable = (self.rank in (2, 3) and self.groups == 1 and self.data_format == "channels_last"
                         and type(self).convolution_op is BaseConv.convolution_op
                         and self.activation in (activations.relu, activations.linear))
        self._fused_activation = "relu" if self.activation is activations.relu else None

    def convolution_op(self, inputs, kernel):
        padding = self.padding
        if padding == "causal":
            # Left padding only: output[t] never depends on inputs after t.
            pad = [[0, 0]] * 3
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pad[1 if self.data_format == "channels_last" else 2] = [left, 0]
            inputs = A.pad(inputs, pad)
            padding = "valid"
        if self.groups == 1:
            return convolve(inputs, kernel, self.strides, padding, self.dilation_rate, self.data_format)
        # Each group of input channels is convolved with its own filters; outputs are concatenated.
        axis = args.channel_axis(self.data_format)
        parts = zip(A.split(inputs, self.groups, axis=axis), A.split(kernel, self.groups, axis=-1))
        return A.concat([convolve(x, k, self.strides, padding, self.dilation_rate, self.data_format) for x, k in parts],
                        axis=axis)

    def call(self, inputs):
        if self._fusable:
            # The common case (2-D or 3-D, channels_last, one group, ReLU or linear): one fused op.
            conv_dense = C.conv2d_dense if self.rank == 2 else V.conv3d_dense
            return conv_dense(inputs, self.kernel, self.bias, self.strides, self.padding.upper(),
                              self.dilation_rate, activation=self._fused_activation)
        outputs = self.convolution_op(inputs, self.kernel)
        if self.bias is not None:
            outputs = add_bias(outputs, self.bias, self.data_format, self.rank)
        return apply_activation(self.activation, outputs)

    def compute_output_shape(self, input_shape):
        spatial = [args.conv_output_length(d, k, s, self.padding, r) for d, k, s, r in
                   zip(args.spatial_dims(input_shape, self.data_format), self.kernel_size, self.strides,
                       self.dilation_rate)]
        args.check_output_size(self, input_shape, spatial, f"kernel_size={self.kernel_size}, strides={self.strides}, "
                               f"dilation_rate={self.dilation_rate}, padding={self.padding!r}")
        return args.with_spatial(input_shape, spatial, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                **weight_settings(self, "kernel", "bias", activity=True)}


class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels) inputs; padding='causal' pads on the left only."""

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


class Conv2D(BaseConv):
    """2-D convolution over (batch, rows, cols, channels) images (channels first with
    data_format='channels_first')."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, rows, cols, channels) volumes (channels first with
    data_format='channels_first')."""

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D

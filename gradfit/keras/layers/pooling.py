"""Pooling layers: MaxPooling1D/2D/3D and AveragePooling1D/2D/3D over windows ('same' averaging counts only
the in-bounds values, as Keras), and the global poolings (keepdims; GlobalAveragePooling1D skips masked
steps)."""
from ...ops import array as A
from ...ops import conv as C
from ...ops import math as M
from ...ops import reduction as R
from ...ops import volumetric as V
from . import conv_arguments as args
from .input_spec import InputSpec
from .layer import Layer


# rank -> ((max, average) pooling op, (channels_last, channels_first) TensorFlow data format)
_POOL_OPS = {1: ((C.max_pool1d, C.avg_pool1d), ("NWC", "NCW")),
             2: ((C.max_pool2d, C.avg_pool2d), ("NHWC", "NCHW")),
             3: ((V.max_pool3d, V.avg_pool3d), ("NDHWC", "NCDHW"))}


class BasePooling(Layer):
    """Max or average over sliding windows of `pool_size`, moved by `strides` (default: `pool_size`)."""

    rank = None
    pool_mode = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = args.standardize_tuple(pool_size, self.rank, "pool_size")
        self.strides = args.standardize_tuple(pool_size if strides is None else strides, self.rank, "strides")
        if 0 in self.strides:
            raise ValueError(f"{type(self).__name__}: the `strides` argument cannot contain 0. "
                             f"Received strides={strides!r}")
        self.padding = args.standardize_padding(padding)
        self.data_format = args.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._build_at_init()

    def call(self, inputs):
        ops, formats = _POOL_OPS[self.rank]
        pool = ops[0] if self.pool_mode == "max" else ops[1]
        self.compute_output_shape(inputs.shape)
        return pool(inputs, self.pool_size, self.strides, self.padding.upper(),
                    formats[self.data_format == "channels_first"])

    def compute_output_shape(self, input_shape):
        spatial = [args.conv_output_length(d, k, s, self.padding) for d, k, s in
                   zip(args.spatial_dims(input_shape, self.data_format), self.pool_size, self.strides)]
        args.check_output_size(self, input_shape, spatial,
                               f"pool_size={self.pool_size}, strides={self.strides}, padding={self.padding!r}")
        channels = input_shape[args.channel_axis(self.data_format)]
        return args.with_spatial(input_shape, spatial, channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(BasePooling):
    """The largest value of each window of steps of (batch, steps, features) inputs."""

    rank, pool_mode = 1, "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, name=name, **kwargs)


class MaxPooling2D(BasePooling):
    """The largest value of each window of (batch, rows, cols, channels) images."""

    rank, pool_mode = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, name=name, **kwargs)


class MaxPooling3D(BasePooling):
    """The largest value of each window of (batch, depth, rows, cols, channels) volumes."""

    rank, pool_mode = 3, "max"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling1D(BasePooling):
    """The mean of each window of steps; with padding='same', of the window's in-bounds steps only."""

    rank, pool_mode = 1, "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling2D(BasePooling):
    """The mean of each window of pixels; with padding='same', of the window's in-bounds pixels only."""

    rank, pool_mode = 2, "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling3D(BasePooling):
    """The mean of each window of voxels; with padding='same', of the window's in-bounds voxels only."""

    rank, pool_mode = 3, "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides=strides, padding=padding, data_format=data_format, name=name, **kwargs)


class BaseGlobalPooling(Layer):
    """A reduction over all spatial axes: (batch, ..., channels) to (batch, channels), or with keepdims to
    (batch, 1, ..., channels)."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = args.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._build_at_init()

    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = input_shape[args.channel_axis(self.data_format)]
        if self.keepdims:
            return args.with_spatial(input_shape, (1,) * self.rank, channels, self.data_format)
        return (input_shape[0], channels)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over steps; masked steps (from Masking or Embedding(mask_zero=True)) are left out."""

    rank = 1

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._spatial_axes()[0]
        if mask is None:
            return R.reduce_mean(inputs, axis=axis, keepdims=self.keepdims)
        keep = A.expand_dims(M.cast(mask, "bool"), 2 if self.data_format == "channels_last" else 1)
        total = R.reduce_sum(M.where(keep, inputs, 0.0), axis=axis, keepdims=self.keepdims)
        return M.divide(total, R.reduce_sum(M.cast(keep, inputs.dtype), axis=axis, keepdims=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(BaseGlobalPooling):
    """The mean over rows and columns of each channel."""

    rank = 2

    def call(self, inputs):
        return R.reduce_mean(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The largest value over steps of each feature."""

    rank = 1

    def call(self, inputs):
        return R.reduce_max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """The largest value over rows and columns of each channel."""

    rank = 2

    def call(self, inputs):
        return R.reduce_max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


class GlobalAveragePooling3D(BaseGlobalPooling):
    """The mean over depth, rows and columns of each channel."""

    rank = 3

    def call(self, inputs):
        return R.reduce_mean(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


class GlobalMaxPooling3D(BaseGlobalPooling):
    """The largest value over depth, rows and columns of each channel."""

    rank = 3

    def call(self, inputs):
        return R.reduce_max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D

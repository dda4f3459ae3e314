"""2D image reshaping: ZeroPadding2D, Cropping2D, UpSampling2D (nearest and bilinear)."""
from ...ops import array as A
from ...ops import math as M
from .conv_arguments import standardize_data_format
from .input_spec import InputSpec
from .layer import Layer


def _pairs(value, name, layer):
    """An int, a pair of ints, or a pair of pairs as ((top, bottom), (left, right))."""
    if isinstance(value, int):
        return ((value, value), (value, value))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        if all(isinstance(v, int) for v in value):
            return ((value[0], value[0]), (value[1], value[1]))
        if all(isinstance(v, (list, tuple)) and len(v) == 2 for v in value):
            return (tuple(int(v) for v in value[0]), tuple(int(v) for v in value[1]))
    raise ValueError(f"{layer}: `{name}` must be an int, a tuple of 2 ints or a tuple of 2 tuples of 2 ints, "
                     f"got {name}={value!r}")


class _Image2D(Layer):
    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)
        self._build_at_init()

    @property
    def _spatial_axes(self):
        return (1, 2) if self.data_format == "channels_last" else (2, 3)


class ZeroPadding2D(_Image2D):
    """Pads rows and columns of images with zeros: `padding=((top, bottom), (left, right))`."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _pairs(padding, "padding", "ZeroPadding2D")

    def call(self, inputs):
        paddings = [[0, 0]] * 4
        for axis, pad in zip(self._spatial_axes, self.padding):
            paddings[axis] = list(pad)
        return A.pad(inputs, paddings)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(self._spatial_axes, self.padding):
            shape[axis] = None if shape[axis] is None else shape[axis] + a + b
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class Cropping2D(_Image2D):
    """Crops rows and columns off images: `cropping=((top, bottom), (left, right))`."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.cropping = _pairs(cropping, "cropping", "Cropping2D")

    def call(self, inputs):
        key = [slice(None)] * 4
        for axis, (a, b) in zip(self._spatial_axes, self.cropping):
            size = inputs.shape[axis]
            if a + b >= size:
                raise ValueError(f"Cropping2D '{self.name}': cropping {self.cropping} leaves nothing of input shape "
                                 f"{tuple(inputs.shape)}")
            key[axis] = slice(a, size - b)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(self._spatial_axes, self.cropping):
            if shape[axis] is not None:
                if a + b >= shape[axis]:
                    raise ValueError(f"Cropping2D '{self.name}': cropping {self.cropping} leaves nothing of input "
                                     f"shape {tuple(input_shape)}")
                shape[axis] -= a + b
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class UpSampling2D(_Image2D):
    """Repeats rows and columns `size` times ('nearest') or interpolates between them ('bilinear',
    half-pixel centers as TensorFlow's image resize)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(int(s) for s in size)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: `interpolation` must be 'nearest' or 'bilinear', got "
                             f"{interpolation!r}")
        self.interpolation = interpolation

    def call(self, inputs):
        x = inputs
        for axis, factor in zip(self._spatial_axes, self.size):
            if self.interpolation == "nearest":
                x = A.repeat(x, factor, axis=axis)
            else:
                x = _linear_resize(x, axis, factor)
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip(self._spatial_axes, self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


def _linear_resize(x, axis, factor):
    """Linear interpolation along one axis to `factor` times its size, sampling at half-pixel centers."""
    size = x.shape[axis]
    lower, upper, weights = [], [], []
    for out in range(size * factor):
        source = min(max((out + 0.5) / factor - 0.5, 0.0), size - 1.0)
        low = int(source)
        lower.append(low)
        upper.append(min(low + 1, size - 1))
        weights.append(source - low)
    shape = [1] * len(x.shape)
    shape[axis] = len(weights)
    w = A.reshape(M.cast(weights, x.dtype), shape)
    below, above = A.gather(x, lower, axis=axis), A.gather(x, upper, axis=axis)
    return M.add(below, M.multiply(M.subtract(above, below), w))

"""Spatial reshaping layers for sequences, images and volumes: ZeroPadding1D/2D/3D, Cropping1D/2D/3D and
UpSampling1D/2D/3D (nearest, and bilinear for images)."""
from ...ops import array as A
from ...ops import math as M
from .conv_arguments import standardize_data_format, standardize_tuple
from .input_spec import InputSpec
from .layer import Layer

_ORDINALS = ("1st", "2nd", "3rd")


def _checked(layer, check, *args, **kwargs):
    """check(*args, **kwargs), its ValueError prefixed with the layer's class name."""
    try:
        return check(*args, **kwargs)
    except ValueError as error:
        raise ValueError(f"{layer}: {error}") from None


def _per_axis_pairs(value, rank, name, layer):
    """An int, `rank` ints, or `rank` pairs of ints (mixed as Keras allows) as `rank` (before, after) pairs."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * rank
    if not isinstance(value, (list, tuple)) or len(value) != rank:
        raise ValueError(f"{layer}: `{name}` should be an int, a tuple of {rank} ints or a tuple of {rank} tuples "
                         f"of 2 ints. Received: {name}={value!r}")
    return tuple(_checked(layer, standardize_tuple, v, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
                 for i, v in enumerate(value))


class _Spatial(Layer):
    """A weightless layer over the `rank` spatial axes of (batch, *spatial, channels) inputs, or of
    (batch, channels, *spatial) ones with data_format='channels_first'."""

    rank = None

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._build_at_init()

    @property
    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def _describe(self):
        return f"{type(self).__name__} '{self.name}'"


class _ZeroPadding(_Spatial):
    """Zeros added before and after each spatial axis."""

    def _pads(self):
        return (self.padding,) if self.rank == 1 else self.padding

    def call(self, inputs):
        paddings = [[0, 0]] * (self.rank + 2)
        for axis, pad in zip(self._spatial_axes, self._pads()):
            paddings[axis] = list(pad)
        return A.pad(inputs, paddings)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(self._spatial_axes, self._pads()):
            shape[axis] = None if shape[axis] is None else shape[axis] + a + b
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Pads the steps of (batch, steps, features) inputs with zeros: `padding=(before, after)` or an int."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _checked("ZeroPadding1D", standardize_tuple, padding, 2, "padding", allow_zero=True)


class ZeroPadding2D(_ZeroPadding):
    """Pads rows and columns of images with zeros: `padding=((top, bottom), (left, right))`."""

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _per_axis_pairs(padding, 2, "padding", "ZeroPadding2D")


class ZeroPadding3D(_ZeroPadding):
    """Pads depth, rows and columns of volumes with zeros: `padding=((d0, d1), (h0, h1), (w0, w1))`."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _per_axis_pairs(padding, 3, "padding", "ZeroPadding3D")


class _Cropping(_Spatial):
    """Values cut off the start and end of each spatial axis."""

    def _crops(self):
        return (self.cropping,) if self.rank == 1 else self.cropping

    def _cropped(self, shape):
        """`shape` with its spatial axes cropped; an error when a crop leaves nothing of an axis."""
        cropped = list(shape)
        for axis, (a, b) in zip(self._spatial_axes, self._crops()):
            if cropped[axis] is not None:
                if a + b >= cropped[axis]:
                    raise ValueError(f"{self._describe()}: cropping {self.cropping} must leave something of each "
                                     f"cropped axis, but the input has shape {tuple(shape)}")
                cropped[axis] -= a + b
        return tuple(cropped)

    def call(self, inputs):
        self._cropped(inputs.shape)
        key = [slice(None)] * (self.rank + 2)
        for axis, (a, b) in zip(self._spatial_axes, self._crops()):
            key[axis] = slice(a, inputs.shape[axis] - b)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        return self._cropped(input_shape)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Crops steps off (batch, steps, features) inputs: `cropping=(start, end)` or an int."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(data_format="channels_last", **kwargs)
        self.cropping = _checked("Cropping1D", standardize_tuple, cropping, 2, "cropping", allow_zero=True)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]  # Keras's Cropping1D always crops axis 1
        return config


class Cropping2D(_Cropping):
    """Crops rows and columns off images: `cropping=((top, bottom), (left, right))`."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.cropping = _per_axis_pairs(cropping, 2, "cropping", "Cropping2D")


class Cropping3D(_Cropping):
    """Crops depth, rows and columns off volumes: `cropping=((d0, d1), (h0, h1), (w0, w1))`."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.cropping = _per_axis_pairs(cropping, 3, "cropping", "Cropping3D")


class _UpSampling(_Spatial):
    """Each spatial axis repeated (or interpolated) to `size` times its length."""

    interpolation = "nearest"

    def _factors(self):
        return (self.size,) if self.rank == 1 else self.size

    def call(self, inputs):
        x = inputs
        for axis, factor in zip(self._spatial_axes, self._factors()):
            if self.interpolation == "nearest":
                x = A.repeat(x, factor, axis=axis)
            else:
                x = _linear_resize(x, axis, factor)
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip(self._spatial_axes, self._factors()):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class UpSampling1D(_UpSampling):
    """Repeats each step of (batch, steps, features) inputs `size` times."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"UpSampling1D: expected an integer value for `size`, got {type(size)}")
        if size <= 0:
            raise ValueError(f"UpSampling1D: argument `size` should be a positive integer. Received: size={size}")
        super().__init__(data_format="channels_last", **kwargs)
        self.size = size

    def get_config(self):
        config = super().get_config()
        del config["data_format"]  # Keras's UpSampling1D always repeats axis 1
        return config


class UpSampling2D(_UpSampling):
    """Repeats rows and columns `size` times ('nearest') or interpolates between them ('bilinear',
    half-pixel centers as TensorFlow's image resize)."""

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.size = _checked("UpSampling2D", standardize_tuple, size, 2, "size")
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: `interpolation` must be 'nearest' or 'bilinear', got "
                             f"{interpolation!r}")
        self.interpolation = interpolation

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeats depth, rows and columns of volumes `size` times."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.size = _checked("UpSampling3D", standardize_tuple, size, 3, "size")


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

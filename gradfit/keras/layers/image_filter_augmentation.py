"""Image augmentation layers that filter or re-map pixel values: RandomSharpness, RandomGaussianBlur,
AutoContrast and Equalization."""
import numpy as np

from ...ops import math as M
from ...ops import reduction as R
from ...ops.conv import depthwise_conv2d
from ...tensor import Tensor
from .image_augmentation import _Augmentation, rescale
from .image_preprocessing import _factor_pair, _value_range


def _smoothed(images, kernel):
    """Each channel of a channels-last batch convolved with the 2-D `kernel`, zero-padded to keep its size."""
    channels = images.shape[-1]
    filters = np.tile(np.asarray(kernel, images.dtype.as_numpy_dtype)[:, :, None, None], (1, 1, channels, 1))
    return depthwise_conv2d(images, filters, strides=[1, 1, 1, 1], padding="SAME")


class RandomSharpness(_Augmentation):
    """In training, each image blended with its 3x3-smoothed self: image + (1 - 2f) * (smoothed - image),
    f drawn from `factor` (f = 0.5 keeps it, more sharpens), clipped to `value_range`."""

    _CAST_ALWAYS = True
    _SMOOTHING = np.array([[1 / 13, 1 / 13, 1 / 13], [1 / 13, 5 / 13, 1 / 13], [1 / 13, 1 / 13, 1 / 13]], np.float32)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))
        self.value_range = _value_range(value_range)

    def _draw(self, images):
        return self._per_image(images.shape[0], *self.factor)

    def _apply(self, images, factor):
        blend = M.subtract(1.0, M.multiply(factor, 2.0))
        out = M.add(images, M.multiply(blend, M.subtract(_smoothed(images, self._SMOOTHING), images)))
        return M.clip_by_value(out, float(self.value_range[0]), float(self.value_range[1]))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


def _kernel_size(kernel_size):
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError("The `kernel_size` argument should be a number (or a list of two numbers) Received: "
                             f"kernel_size={kernel_size}")
        sizes = tuple(kernel_size)
    elif isinstance(kernel_size, (int, float)):
        sizes = (kernel_size, kernel_size)
    else:
        raise ValueError(f"kernel_size must be an odd number. Received: kernel_size={kernel_size}")
    if any(size % 2 == 0 for size in sizes):
        raise ValueError(f"kernel_size must be an odd number. Received: kernel_size={kernel_size}")
    return sizes


def gaussian_kernel(kernel_size, sigma):
    """Keras's 2-D Gaussian window: normalized 1-D windows along x (kernel_size[0], sigma[0]) and y
    (kernel_size[1], sigma[1]), their outer product laid out as (kernel_size[0], kernel_size[1])."""
    f32 = np.float32

    def window(size, s):
        x = np.arange(size, dtype=f32) - f32(size - 1) / f32(2)
        w = np.exp(f32(-0.5) * np.square(x / f32(s)))
        return w / w.sum()

    along_x, along_y = window(int(kernel_size[0]), sigma[0]), window(int(kernel_size[1]), sigma[1])
    return np.outer(along_y, along_x).reshape(int(kernel_size[0]), int(kernel_size[1]))


class RandomGaussianBlur(_Augmentation):
    """In training, each image (with a probability drawn from `factor`) blurred by a Gaussian of
    `kernel_size` whose x and y sigmas are drawn (once per batch) from `sigma`; clipped to `value_range`."""

    _CAST_ALWAYS = True

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))
        self.kernel_size = _kernel_size(kernel_size)
        self.sigma = _factor_pair(sigma, (0, 1), name="sigma")
        self.value_range = value_range

    def _draw(self, images):
        applied = self._chance(images.shape[0], self.factor)
        return applied, self._uniform((2,), *self.sigma) + np.float32(1e-6)

    def _apply(self, images, parameters):
        applied, sigma = parameters
        blurred = _smoothed(images, gaussian_kernel(self.kernel_size, sigma))
        out = M.where(np.asarray(applied).reshape(-1, 1, 1, 1), blurred, images)
        return M.clip_by_value(out, float(self.value_range[0]), float(self.value_range[1]))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                "value_range": self.value_range}


class AutoContrast(_Augmentation):
    """Each channel of each image stretched so its darkest pixel maps to value_range[0] and its brightest
    to value_range[1]; constant channels stay. Applied in inference too, as in Keras."""

    _CAST_ALWAYS = True

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = _value_range(value_range)

    def call(self, inputs, training=True):
        return super().call(inputs, training=True)

    def _apply(self, images, parameters):
        dtype = self.compute_dtype
        x = rescale(images, self.value_range, (0, 255), dtype)
        low, high = R.reduce_min(x, axis=[1, 2], keepdims=True), R.reduce_max(x, axis=[1, 2], keepdims=True)
        spread = M.subtract(high, low)
        stretched = M.greater(spread, 0.0)
        scale = M.divide(255.0, M.where(stretched, spread, 1.0))
        out = M.clip_by_value(M.add(M.multiply(x, scale), M.multiply(M.negative(low), scale)), 0.0, 255.0)
        out = rescale(out, (0, 255), self.value_range, dtype)
        return M.where(M.logical_and(stretched, M.logical_not(M.is_nan(out))), out, images)

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return {**config, "value_range": self.value_range}


class Equalization(_Augmentation):
    """In training, each channel's histogram equalized over `bins` bins, its levels read as 0..255 from
    `value_range`. As in Keras, a channel's histogram is taken over the whole batch."""

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = _value_range(value_range)

    def _apply(self, images, parameters):
        low, high = self.value_range
        to_levels = 255.0 / (high - low)
        levels = images.numpy() * to_levels + (0 - low * to_levels)
        out = np.stack([self._equalized(levels[..., c]) for c in range(levels.shape[-1])], axis=-1)
        from_levels = (high - low) / 255.0
        return Tensor((out * from_levels + low).astype(self.compute_dtype))

    def _equalized(self, channel):
        bins = self.bins
        f32 = np.float32
        index = (channel.astype(f32) * f32(bins - 1) / f32(255)).astype(np.int64)
        histogram = np.bincount(np.clip(index, 0, bins - 1).reshape(-1), minlength=bins)
        if np.count_nonzero(histogram) <= 1:
            return channel
        cdf = np.cumsum(histogram)
        first = cdf[np.nonzero(cdf)[0][0]]
        denominator = (cdf[-1] - first) or 1
        lookup = np.clip(np.round((cdf - first) * 255 / denominator), 0, 255)
        positions = np.clip(channel / f32(255) * f32(bins - 1), 0, bins - 1).astype(np.int64)
        return lookup[positions]

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return {**config, "bins": self.bins, "value_range": self.value_range}

"""Image augmentation layers that change colours: RandomColorJitter, RandomColorDegeneration, RandomHue,
RandomSaturation, RandomGrayscale, RandomInvert, RandomPosterization and Solarization. Each draws its
parameters per image in training and returns its inputs unchanged otherwise (Solarization casts them to
the compute dtype, as Keras does)."""
import numpy as np

from ... import backend
from ... import image
from ...ops import array as A
from ...ops import math as M
from ..random import randint
from .image_augmentation import _Augmentation, rescale
from .image_preprocessing import RandomBrightness, RandomContrast, _factor_pair, _range_factor, _value_range
from .keras_tensor import KerasTensor

_LUMA = (0.2989, 0.5870, 0.1140)


def luma(images):
    """Keras's grayscale of a channels-last batch: (..., 1) in the images' own dtype (integer results
    truncated); one-channel images come back as they are."""
    channels = images.shape[-1]
    if channels == 1:
        return images
    if channels != 3:
        raise ValueError(f"Invalid channel size: expected 3 (RGB) or 1 (Grayscale). Received input with shape: "
                         f"images.shape={tuple(images.shape)}")
    dtype = images.dtype
    x = images if dtype.is_floating else M.cast(images, "float32")
    f = x.dtype.as_numpy_dtype
    gray = M.add(M.add(M.multiply(x[..., 0:1], f(_LUMA[0])), M.multiply(x[..., 1:2], f(_LUMA[1]))),
                 M.multiply(x[..., 2:3], f(_LUMA[2])))
    return gray if gray.dtype == dtype else M.cast(gray, dtype)


class RandomColorDegeneration(_Augmentation):
    """In training, each image moved towards (a draw f > 0) or away from (f < 0) its grayscale: image +
    f * (gray - image), f from `factor`, clipped to `value_range`."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (-1, 1))
        self.value_range = _value_range(value_range)

    def _draw(self, images):
        return self._per_image(images.shape[0], *self.factor)

    def _apply(self, images, factor):
        out = M.add(images, M.multiply(factor, M.subtract(luma(images), images)))
        return M.clip_by_value(out, float(self.value_range[0]), float(self.value_range[1]))

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(f"Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                             f"Received: input_shape={input_shape}")
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(f"Input images must have 3 channels, but received images with {channels} channels.")
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomHue(_Augmentation):
    """In training, each image's hue rotated by +-f/2 of the colour circle, f drawn from `factor` and
    the sign on a coin flip; pixels are read in `value_range`."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))
        self.value_range = value_range

    def _draw(self, images):
        n = images.shape[0]
        sign = np.where(self._uniform((n,)) > 0.5, -1.0, 1.0)
        return (sign * self._uniform((n,), *self.factor) * 0.5).astype(self.compute_dtype)

    def _apply(self, images, shift):
        dtype = self.compute_dtype
        hsv = image.rgb_to_hsv(rescale(images, self.value_range, (0, 1), dtype))
        hue = M.add(hsv[..., 0], np.asarray(shift, dtype).reshape(-1, 1, 1))
        hue = M.where(M.greater(hue, 1.0), M.subtract(hue, 1.0), hue)  # one turn at most: |shift| <= 1/2
        hue = M.where(M.less(hue, 0.0), M.add(hue, 1.0), hue)
        rgb = image.hsv_to_rgb(A.stack([hue, hsv[..., 1], hsv[..., 2]], axis=-1))
        return rescale(M.clip_by_value(rgb, 0.0, 1.0), (0, 1), self.value_range, dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomSaturation(_Augmentation):
    """In training, each image's HSV saturation multiplied by f / (1 - f), f drawn from `factor` (f = 0.5
    keeps it, 0 or less removes colour), then clipped to `value_range` as Keras does."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (-1, 1))
        self.value_range = _value_range(value_range)

    def call(self, inputs, training=True):
        images = inputs["images"] if isinstance(inputs, dict) else inputs
        if training and not images.dtype.is_floating:
            raise ValueError(f"{type(self).__name__} '{self.name}' expected float images (the HSV conversion "
                             f"needs them). Received: images.dtype={images.dtype.name}")
        return super().call(inputs, training=training)

    def _draw(self, images):
        f = self._uniform((images.shape[0],), *self.factor)
        return (f / (1 - f + np.asarray(backend.epsilon(), f.dtype))).astype(self.compute_dtype)

    def _apply(self, images, scale):
        hsv = image.rgb_to_hsv(images)
        saturation = M.multiply(hsv[..., 1], np.asarray(scale, self.compute_dtype).reshape(-1, 1, 1))
        saturation = M.clip_by_value(saturation, float(self.value_range[0]), float(self.value_range[1]))
        return image.hsv_to_rgb(A.stack([hsv[..., 0], saturation, hsv[..., 2]], axis=-1))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomColorJitter(_Augmentation):
    """In training, RandomBrightness, RandomContrast, RandomSaturation and RandomHue in that order, each
    with its factor where one is given (and `value_range`)."""

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor, self.contrast_factor = brightness_factor, contrast_factor
        self.saturation_factor, self.hue_factor = saturation_factor, hue_factor
        steps = [(RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
                 (RandomSaturation, saturation_factor), (RandomHue, hue_factor)]
        self._steps = [kind(factor=factor, value_range=value_range, seed=seed)
                       for kind, factor in steps if factor is not None]

    def _apply(self, images, parameters):
        for step in self._steps:
            step.generator = self.generator  # one stream of draws for the whole layer
            images = step._augment(images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "brightness_factor": self.brightness_factor,
                "contrast_factor": self.contrast_factor, "saturation_factor": self.saturation_factor,
                "hue_factor": self.hue_factor}


class RandomGrayscale(_Augmentation):
    """In training, each image turned to grayscale (kept in 3 channels) with probability `factor`; the
    images keep their dtype."""

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor

    def call(self, inputs, training=True):
        if isinstance(inputs, dict) or not training:
            return super().call(inputs, training=training)
        x, batched = self._as_batch(inputs)  # as Keras: not cast to the compute dtype
        return self._from_batch(self._augment(x), batched)

    def compute_output_spec(self, inputs, **kwargs):
        return KerasTensor(inputs.shape, dtype=inputs.dtype)

    def _draw(self, images):
        return self._uniform((images.shape[0],)) < self.factor

    def _apply(self, images, chosen):
        return M.where(np.asarray(chosen).reshape(-1, 1, 1, 1), luma(images), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomInvert(_Augmentation):
    """In training, each image (with a probability drawn from `factor`) replaced by value_range[1] - image."""

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))
        self.value_range = value_range

    def _draw(self, images):
        return self._chance(images.shape[0], self.factor)

    def _apply(self, images, chosen):
        top = np.asarray(self.value_range[1], self.compute_dtype)
        return M.where(np.asarray(chosen).reshape(-1, 1, 1, 1), M.subtract(top, images), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomPosterization(_Augmentation):
    """In training, each image's pixels (read as 0..255 from `value_range`) kept to their top b bits, b
    drawn per image from [lower, upper) of `factor` (in 1..8; one value when they are equal)."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (1, 8))
        self.value_range = _value_range(value_range)

    def _draw(self, images):
        n = images.shape[0]
        if self.factor[0] == self.factor[1]:
            bits = np.full(n, self.factor[0])
        else:
            bits = randint((n,), self.factor[0], self.factor[1], seed=self.generator).numpy()
        return (8 - np.asarray(bits)).astype(np.uint8)

    def _apply(self, images, shifts):
        dtype = self.compute_dtype
        levels = M.cast(M.clip_by_value(rescale(images, self.value_range, (0, 255), dtype), 0.0, 255.0), "uint8")
        shifts = shifts.reshape(-1, 1, 1, 1)
        kept = np.left_shift(np.right_shift(levels.numpy(), shifts), shifts)
        return rescale(M.cast(kept, dtype), (0, 255), self.value_range, dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


_SOLARIZATION_FACTOR_MESSAGE = ("The `addition_factor` and `threshold_factor` arguments should be a number (or a "
                                "list of two numbers) in the range [0, 1]. ")


class Solarization(_Augmentation):
    """In training, each image (read as 0..255 from `value_range`) shifted up by a drawn addition, then
    inverted (255 - x) where it is at least a drawn threshold. Keras's draws: addition in [lower,
    upper * 255) of `addition_factor`, threshold likewise from `threshold_factor`."""

    _CAST_ALWAYS = True

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _range_factor(addition_factor, "addition_factor", _SOLARIZATION_FACTOR_MESSAGE,
                                             low=0.0, one_sided=True)
        self.threshold_factor = _range_factor(threshold_factor, "threshold_factor", _SOLARIZATION_FACTOR_MESSAGE,
                                              low=0.0, one_sided=True)
        self.value_range = _value_range(value_range)

    def _draw(self, images):
        n = images.shape[0]
        additions = self._per_image(n, self.addition_factor[0], self.addition_factor[1] * 255)
        return additions, self._per_image(n, self.threshold_factor[0], self.threshold_factor[1] * 255)

    def _apply(self, images, parameters):
        additions, thresholds = parameters
        dtype = self.compute_dtype
        shifted = M.clip_by_value(M.add(rescale(images, self.value_range, (0, 255), dtype), additions), 0.0, 255.0)
        out = M.where(M.less(shifted, thresholds), shifted, M.subtract(np.asarray(255, dtype), shifted))
        return rescale(out, (0, 255), self.value_range, dtype)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor}

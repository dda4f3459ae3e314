"""Image preprocessing layers: Resizing, CenterCrop, RandomFlip, RandomCrop, RandomContrast, RandomBrightness
(batched or single images)."""
import numpy as np

from ... import image
from ...ops import array as A
from ...ops import math as M
from ...ops import reduction as R
from ..random import SeedGenerator, uniform
from .conv_arguments import standardize_data_format
from .layer import Layer


class _ImageLayer(Layer):
    """A layer on images of rank 3 or 4, channels last or first (computed channels last)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self._build_at_init()

    def _channels_last(self, images):
        rank = len(images.shape)
        if rank not in (3, 4):
            raise ValueError(f"{type(self).__name__} '{self.name}' expected images of rank 3 or 4, got shape "
                             f"{tuple(images.shape)}")
        if self.data_format == "channels_first":
            images = A.transpose(images, (0, 2, 3, 1) if rank == 4 else (1, 2, 0))
        return images

    def _restore_layout(self, images):
        if self.data_format == "channels_first":
            images = A.transpose(images, (0, 3, 1, 2) if len(images.shape) == 4 else (2, 0, 1))
        return images

    def _as_batch(self, images):
        """`images` as a channels-last batch, and whether they came batched."""
        x = self._channels_last(images)
        batched = len(x.shape) == 4
        return (x if batched else A.expand_dims(x, 0)), batched

    def _from_batch(self, x, batched):
        return self._restore_layout(x if batched else A.squeeze(x, axis=0))

    def _size_axes(self, rank):
        if self.data_format == "channels_last":
            return (rank - 3, rank - 2)
        return (rank - 2, rank - 1)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._size_axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _aspect_box(height, width, target_height, target_width, pad):
    """Keras's crop (or pad) to the target's aspect ratio: the box's height and width, computed in
    float32 as Keras computes them."""
    f32 = np.float32
    box_h = int(f32(width * target_height) / f32(target_width))
    box_w = int(f32(height * target_width) / f32(target_height))
    if pad:
        return max(height, box_h), max(width, box_w)
    return max(min(height, box_h), 1), max(min(width, box_w), 1)


def _crop_to_aspect(images, size):
    height, width = images.shape[-3], images.shape[-2]
    box_h, box_w = _aspect_box(height, width, size[0], size[1], pad=False)
    top, left = int(np.float32(height - box_h) / 2), int(np.float32(width - box_w) / 2)
    return images[..., top:top + box_h, left:left + box_w, :]


def _pad_to_aspect(images, size, fill_value):
    height, width = images.shape[-3], images.shape[-2]
    box_h, box_w = _aspect_box(height, width, size[0], size[1], pad=True)
    top, left = int(np.float32(box_h - height) / 2), int(np.float32(box_w - width) / 2)
    # As Keras: the same margin on both sides.
    paddings = [[0, 0]] * (len(images.shape) - 3) + [[top, top], [left, left], [0, 0]]
    return A.pad(images, paddings, constant_values=fill_value)


class Resizing(_ImageLayer):
    """Images resized to (height, width); optionally first cropped or padded to that aspect ratio.
    Integer images come back rounded, in their own dtype."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                 fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.")
        if fill_mode != "constant":
            raise ValueError(f"Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: "
                             f"fill_mode={fill_mode}")
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def call(self, inputs):
        dtype = inputs.dtype
        x = self._channels_last(inputs)
        size = (self.height, self.width)
        if self.crop_to_aspect_ratio:
            x = _crop_to_aspect(x, size)
        elif self.pad_to_aspect_ratio:
            x = _pad_to_aspect(x, size, self.fill_value)
        out = self._restore_layout(image.resize(x, size, method=self.interpolation, antialias=self.antialias))
        if out.dtype == dtype:
            return out
        if dtype.is_integer:
            info = np.iinfo(dtype.as_numpy_dtype)
            return M.cast(M.clip_by_value(M.round(out), float(info.min), float(info.max)), dtype)
        return M.cast(out, dtype)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio, "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode, "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(_ImageLayer):
    """The central (height, width) crop of each image; images smaller than that are first cropped to
    its aspect ratio and resized (Keras's smart resize)."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, inputs):
        if inputs.dtype != self.compute_dtype:
            inputs = M.cast(inputs, self.compute_dtype)
        x = self._channels_last(inputs)
        height, width = x.shape[-3], x.shape[-2]
        if height >= self.height and width >= self.width:
            top, left = (height - self.height) // 2, (width - self.width) // 2
            x = x[..., top:top + self.height, left:left + self.width, :]
        else:
            size = (self.height, self.width)
            x = M.cast(image.resize(_crop_to_aspect(x, size), size), self.compute_dtype)
        return self._restore_layout(x)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomFlip(_ImageLayer):
    """In training, each image flipped left-right and/or up-down with probability 1/2 (per image);
    otherwise unchanged. As in Keras, calling the layer on its own trains by default."""

    _MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in self._MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode argument {mode}")
        self.mode = mode
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def call(self, inputs, training=True):
        if inputs.dtype != self.compute_dtype:
            inputs = M.cast(inputs, self.compute_dtype)
        if not training:
            return inputs
        x = self._channels_last(inputs)
        batched = len(x.shape) == 4
        if not batched:
            x = A.expand_dims(x, 0)
        for axis, wanted in ((2, "horizontal"), (1, "vertical")):
            if wanted in self.mode:
                flip = M.less_equal(uniform((x.shape[0], 1, 1, 1), seed=self.generator), 0.5)
                x = M.where(flip, A.reverse(x, [axis]), x)
        if not batched:
            x = A.squeeze(x, axis=0)
        return self._restore_layout(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}


def _factor_pair(factor, bounds, name="factor"):
    """Keras's `factor` argument (or another named like it) as (lower, upper): a number f means
    (max(-f, bounds[0]), f)."""
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the range "
               f"[{bounds[0]}, {bounds[1]}]. Received: factor={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if not bounds[0] <= factor <= bounds[1]:
            raise ValueError(message)
        factor = abs(factor)
        return (max(-factor, bounds[0]), factor)
    raise ValueError(message)


def _value_range(value_range):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"The `value_range` argument should be a list of two numbers. Received: "
                         f"value_range={value_range}")
    return sorted(value_range)


class _RandomImageLayer(_ImageLayer):
    """A layer that changes images only in training; calling it alone trains, as in Keras. Images are cast
    to the compute dtype when changed, and also when returned unchanged if `_CAST_ALWAYS`."""

    _CAST_ALWAYS = False

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def call(self, inputs, training=True):
        if not training and not self._CAST_ALWAYS:
            return inputs
        if inputs.dtype != self.compute_dtype:
            inputs = M.cast(inputs, self.compute_dtype)
        if not training:
            return inputs
        x, batched = self._as_batch(inputs)
        return self._from_batch(self._augment(x), batched)

    def _per_image(self, batch, low, high):
        """One uniform draw in [low, high) per image, shaped (batch, 1, 1, 1)."""
        return uniform((batch, 1, 1, 1), low, high, dtype=self.compute_dtype, seed=self.generator)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class RandomContrast(_RandomImageLayer):
    """In training, each image's contrast scaled by a factor drawn from [1 - lower, 1 + upper] around its
    per-channel mean, then clipped to `value_range`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_pair(factor, (0, 1))
        self.value_range = value_range

    def _augment(self, x):
        factor = self._per_image(x.shape[0], 1.0 - self.factor[0], 1.0 + self.factor[1])
        mean = R.reduce_mean(x, axis=[1, 2], keepdims=True)
        out = M.add(M.multiply(M.subtract(x, mean), factor), mean)
        return M.clip_by_value(out, float(self.value_range[0]), float(self.value_range[1]))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomBrightness(_RandomImageLayer):
    """In training, each image shifted by a delta drawn from [lower, upper] times the width of
    `value_range`, then clipped to `value_range`."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_pair(factor, (-1, 1))
        self.value_range = _value_range(value_range)

    def _augment(self, x):
        span = self.value_range[1] - self.value_range[0]
        delta = self._per_image(x.shape[0], self.factor[0] * span, self.factor[1] * span)
        return M.clip_by_value(M.add(x, delta), float(self.value_range[0]), float(self.value_range[1]))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomCrop(_RandomImageLayer):
    """In training, a (height, width) crop of each image at a random place (an image no larger than
    that is cropped to the aspect ratio and resized); otherwise the images are returned unchanged,
    as in Keras."""

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = int(height), int(width)

    def _augment(self, x):
        n, height, width = x.shape[0], x.shape[1], x.shape[2]
        if height > self.height and width > self.width:
            tops = self._per_image(n, 0.0, float(height - self.height + 1)).numpy().reshape(-1).astype(int)
            lefts = self._per_image(n, 0.0, float(width - self.width + 1)).numpy().reshape(-1).astype(int)
            return A.stack([x[i, t:t + self.height, l:l + self.width, :] for i, (t, l) in enumerate(zip(tops, lefts))])
        # As Keras: from the offset of the centered crop to the target's aspect ratio, take (height, width)
        # (as much of it as there is), and resize what that gives.
        box_h, box_w = _aspect_box(height, width, self.height, self.width, pad=False)
        top, left = int(np.float32(height - box_h) / 2), int(np.float32(width - box_w) / 2)
        cropped = x[:, top:top + self.height, left:left + self.width, :]
        size = (self.height, self.width)
        if tuple(cropped.shape[1:3]) == size:
            return cropped
        return M.cast(image.resize(cropped, size), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return _ImageLayer.compute_output_shape(self, input_shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


_AFFINE_FILL_MODES = ("reflect", "wrap", "constant", "nearest")


class _AffineImageLayer(_RandomImageLayer):
    """A random affine transform of each image in training (TensorFlow's projective-transform kernel);
    images cast to the compute dtype, unchanged otherwise."""

    _CAST_ALWAYS = True

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if fill_mode not in _AFFINE_FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {_AFFINE_FILL_MODES}.")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one "
                                      "('nearest', 'bilinear').")
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _augment(self, x):
        transforms = self._transforms(x.shape[0], x.shape[1], x.shape[2])
        return image.projective_transform(x, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "interpolation": self.interpolation}


def _affine_matrices(angle_degrees, height, width):
    """Keras's rotation about the image center, as projective-transform rows (one per angle)."""
    angle = np.asarray(angle_degrees, np.float32) * np.float32(np.pi / 180.0)
    cx, cy = np.float32(0.5) * np.float32(width - 1), np.float32(0.5) * np.float32(height - 1)
    cos, sin = np.cos(angle), np.sin(angle)
    a0, a1, b0, b1 = cos, -sin, sin, cos
    zeros = np.zeros_like(angle)
    return np.stack([a0, a1, cx - cx * a0 - cy * a1, b0, b1, cy - cx * b0 - cy * b1, zeros, zeros], axis=1)


class RandomRotation(_AffineImageLayer):
    """In training, each image rotated about its center by an angle drawn from `factor` x 360 degrees
    (a number f means [-f, f])."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.factor = _factor_pair(factor, (-1, 1))

    def _transforms(self, batch, height, width):
        angles = self._per_image(batch, self.factor[0] * 360.0, self.factor[1] * 360.0).numpy().reshape(-1)
        return _affine_matrices(angles, height, width)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomTranslation(_AffineImageLayer):
    """In training, each image shifted by fractions of its height and width drawn from `height_factor`
    and `width_factor` (a number f means [-f, f])."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        message = _TRANSLATION_FACTOR_MESSAGE
        self.height_lower, self.height_upper = _range_factor(height_factor, "height_factor", message)
        self.width_lower, self.width_upper = _range_factor(width_factor, "width_factor", message)

    def _transforms(self, batch, height, width):
        dy = self._per_image(batch, self.height_lower, self.height_upper).numpy().reshape(-1) * np.float32(height)
        dx = self._per_image(batch, self.width_lower, self.width_upper).numpy().reshape(-1) * np.float32(width)
        ones, zeros = np.ones(batch, np.float32), np.zeros(batch, np.float32)
        return np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor}


_TRANSLATION_FACTOR_MESSAGE = ("The `factor` argument should be a number (or a list of two numbers) in the range "
                               "[-1.0, 1.0]. ")


def _range_factor(factor, name, message, low=-1.0, high=1.0, open_low=False, one_sided=False):
    """A factor argument as (lower, upper), each given value checked to lie in [low, high] ((low, high]
    with `open_low`); a number f means (-f, f), or (0, f) when `one_sided`. `message` states the range,
    as Keras's layers word it."""
    if isinstance(factor, (tuple, list)) and len(factor) == 2:
        values = list(factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [factor]
    else:
        raise ValueError(message + f"Received: {name}={factor}")
    for v in values:
        if v > high or v < low or (open_low and v == low):
            raise ValueError(message + f"Received: input_number={v}")
    if len(values) == 2:
        return tuple(sorted(values))
    return (0, factor) if one_sided else (-abs(factor), abs(factor))

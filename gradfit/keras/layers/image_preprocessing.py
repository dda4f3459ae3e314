"""Image preprocessing layers: Resizing, CenterCrop, RandomFlip (batched or single images)."""
import numpy as np

from ... import image
from ...ops import array as A
from ...ops import math as M
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

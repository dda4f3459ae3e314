"""keras.utils.load_img, img_to_array, array_to_img and save_img: images as Pillow images and NumPy arrays.

As in Keras, these need Pillow (`pip install pillow`); without it they raise ImportError saying so.
`img_to_array` takes anything NumPy can read as an array and needs no Pillow.
"""
import io
import os
import pathlib
import warnings

import numpy as np

from ... import backend

# load_img's `interpolation` names, as Pillow's resampling filters.
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image(function):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"Could not import PIL.Image. The use of `{function}` requires PIL (Pillow: "
                          "pip install pillow).") from None
    return Image


def _data_format(data_format):
    from ..layers.conv_arguments import standardize_data_format

    return standardize_data_format(data_format)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A Pillow image from a rank-3 array (1, 3 or 4 channels: "L" or "I", "RGB", "RGBA").

    With `scale`, values are shifted and scaled to span [0, 255] first.
    """
    data_format = _data_format(data_format)
    dtype = backend.floatx() if dtype is None else dtype
    image_module = _pil_image("array_to_img")
    x = np.array(x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x /= peak
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image_module.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image_module.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # beyond 8 bits: a 32-bit integer image
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A rank-3 array (height, width, channels), or (channels, height, width) for channels_first, of floatx()."""
    data_format = _data_format(data_format)
    dtype = backend.floatx() if dtype is None else dtype
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Writes the image array `x` to `path` (a path or a file object) with Pillow.

    The format comes from the file extension unless `file_format` is given (it must be, for a file
    object); RGBA images saved as JPEG lose their alpha channel, with a warning. `kwargs` go to
    `PIL.Image.save`.
    """
    data_format = _data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """The image file at `path` (a path or an io.BytesIO) as a Pillow image.

    Args:
        color_mode: "rgb", "rgba" or "grayscale" (16- and 32-bit grayscale images keep their mode).
        target_size: None (the file's size) or (height, width) to resize to.
        interpolation: Pillow's filter for resizing: "nearest", "bilinear", "bicubic", "hamming", "box" or
            "lanczos".
        keep_aspect_ratio: resize the largest centered crop with the target's aspect ratio, not the whole
            image.
    """
    image_module = _pil_image("load_img")
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        path = str(path.resolve()) if isinstance(path, pathlib.Path) else path
        with open(os.fsdecode(path) if isinstance(path, bytes) else path, "rb") as f:
            img = image_module.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    wanted = {"grayscale": ("L", "I;16", "I"), "rgba": ("RGBA",), "rgb": ("RGB",)}.get(color_mode)
    if wanted is None:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if img.mode not in wanted:
        img = img.convert(wanted[0])
    if target_size is None:
        return img
    size = (target_size[1], target_size[0])  # Pillow's (width, height)
    if img.size == size:
        return img
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods are "
                         f"{', '.join(INTERPOLATIONS)}")
    resample = getattr(getattr(image_module, "Resampling", image_module), interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(size, resample)
    width, height = img.size
    crop_width = min(width, (height * size[0]) // size[1])
    crop_height = min(height, (width * size[1]) // size[0])
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return img.resize(size, resample, box=[left, top, left + crop_width, top + crop_height])

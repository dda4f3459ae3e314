"""`tf.image`: resizing, flips, crops and pixel adjustments of (batch,) height, width, channels images.

Written with gradfit ops, so each is differentiable where TensorFlow's is; resizing uses the same
per-axis weights as `image_dataset_from_directory` (TensorFlow's kernels: half-pixel centers, no
antialiasing), applied as two matrix products.
"""
import numpy as np

from .ops import array as A
from .ops import math as M
from .ops import reduction as R
from .ops.core import InvalidArgumentError, value
from .ops.linalg import einsum
from .tensor import Tensor, convert_to_tensor


class ResizeMethod:
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _batched(images, what):
    """`images` as a 4-D tensor, and whether it came without a batch axis."""
    images = images if isinstance(images, Tensor) else convert_to_tensor(images)
    ndim = images._value.ndim
    if ndim not in (3, 4):
        raise ValueError(f"{what}: 'images' must have either 3 or 4 dimensions, got shape {images._value.shape}")
    return (A.expand_dims(images, 0), True) if ndim == 3 else (images, False)


def _unbatched(images, single):
    return A.squeeze(images, axis=0) if single else images


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False, antialias=False, name=None):
    """Images resized to `size` (new_height, new_width): float32, or the input dtype for 'nearest'."""
    from .data import images as _kernels

    if method not in _kernels.INTERPOLATIONS:
        raise ValueError(f"resize: unknown method {method!r}; expected one of {list(_kernels.INTERPOLATIONS)}")
    if antialias:
        raise ValueError("resize: antialias=True is not supported; use antialias=False (TensorFlow's default)")
    batch, single = _batched(images, "resize")
    size = [int(s) for s in np.asarray(value(size)).reshape(-1)]
    if len(size) != 2:
        raise ValueError(f"resize: 'size' must be a 1-D Tensor of 2 elements: new_height, new_width, got {size}")
    _, height, width, _ = batch._value.shape
    if preserve_aspect_ratio:
        f32 = np.float32
        scale = min(f32(size[0]) / f32(height), f32(size[1]) / f32(width))
        size = [int(np.round(scale * f32(height))), int(np.round(scale * f32(width)))]
    dtype = batch._value.dtype
    x = batch if dtype == np.float32 else M.cast(batch, np.float32)
    wy = _kernels._weights(height, size[0], method).astype(np.float32)
    wx = _kernels._weights(width, size[1], method).astype(np.float32)
    out = einsum("yh,bhwc,xw->byxc", wy, x, wx)
    if method == ResizeMethod.NEAREST_NEIGHBOR and dtype != np.float32:
        out = M.cast(out, dtype)
    return _unbatched(out, single)


def flip_left_right(image):
    batch, single = _batched(image, "flip_left_right")
    return _unbatched(A.reverse(batch, [2]), single)


def flip_up_down(image):
    batch, single = _batched(image, "flip_up_down")
    return _unbatched(A.reverse(batch, [1]), single)


def rot90(image, k=1, name=None):
    """Rotated counter-clockwise by k quarter turns."""
    batch, single = _batched(image, "rot90")
    k = int(value(k)) % 4
    if k == 1:
        batch = A.reverse(A.transpose(batch, (0, 2, 1, 3)), [1])
    elif k == 2:
        batch = A.reverse(batch, [1, 2])
    elif k == 3:
        batch = A.transpose(A.reverse(batch, [1]), (0, 2, 1, 3))
    return _unbatched(batch, single)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    batch, single = _batched(image, "crop_to_bounding_box")
    _, height, width, _ = batch._value.shape
    top, left, h, w = (int(value(v)) for v in (offset_height, offset_width, target_height, target_width))
    if top < 0 or left < 0 or h <= 0 or w <= 0 or top + h > height or left + w > width:
        raise ValueError(f"crop_to_bounding_box: the box (offset {top}, {left}, size {h}, {w}) does not fit in an "
                         f"image of height {height} and width {width}")
    return _unbatched(batch[:, top:top + h, left:left + w, :], single)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    batch, single = _batched(image, "pad_to_bounding_box")
    _, height, width, _ = batch._value.shape
    top, left, h, w = (int(value(v)) for v in (offset_height, offset_width, target_height, target_width))
    if top < 0 or left < 0 or top + height > h or left + width > w:
        raise ValueError(f"pad_to_bounding_box: an image of height {height} and width {width} at offset ({top}, "
                         f"{left}) does not fit in ({h}, {w})")
    return _unbatched(A.pad(batch, [[0, 0], [top, h - height - top], [left, w - width - left], [0, 0]]), single)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centrally cropped and/or zero-padded to (target_height, target_width)."""
    batch, single = _batched(image, "resize_with_crop_or_pad")
    _, height, width, _ = batch._value.shape
    target_height, target_width = int(value(target_height)), int(value(target_width))
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"resize_with_crop_or_pad: target_height and target_width must be > 0, got "
                         f"({target_height}, {target_width})")
    top, left = max((height - target_height) // 2, 0), max((width - target_width) // 2, 0)
    cropped = batch[:, top:top + min(height, target_height), left:left + min(width, target_width), :]
    pad_top, pad_left = max((target_height - height) // 2, 0), max((target_width - width) // 2, 0)
    return _unbatched(pad_to_bounding_box(cropped, pad_top, pad_left, target_height, target_width), single)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False):
    """Resized to fit (target_height, target_width) with its aspect ratio kept, then zero-padded around."""
    batch, single = _batched(image, "resize_with_pad")
    _, height, width, _ = batch._value.shape
    target_height, target_width = int(value(target_height)), int(value(target_width))
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"resize_with_pad: target_height and target_width must be > 0, got "
                         f"({target_height}, {target_width})")
    f32 = np.float32
    ratio = max(f32(width) / f32(target_width), f32(height) / f32(target_height))
    new_height, new_width = f32(height) / ratio, f32(width) / ratio
    top = max(0, int(np.floor((f32(target_height) - new_height) / f32(2))))
    left = max(0, int(np.floor((f32(target_width) - new_width) / f32(2))))
    resized = resize(batch, (int(np.floor(new_height)), int(np.floor(new_width))), method, antialias=antialias)
    return _unbatched(pad_to_bounding_box(resized, top, left, target_height, target_width), single)


def central_crop(image, central_fraction):
    """The central `central_fraction` (0, 1] of the image's height and width."""
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"central_crop: central_fraction must be within (0, 1], got {central_fraction}")
    batch, single = _batched(image, "central_crop")
    if central_fraction == 1.0:
        return image if isinstance(image, Tensor) else convert_to_tensor(image)
    _, height, width, _ = batch._value.shape
    top = int((height - height * central_fraction) / 2)
    left = int((width - width * central_fraction) / 2)
    return _unbatched(batch[:, top:height - top, left:width - left, :], single)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Between integer images (0..max) and float images (0..1), scaling as TensorFlow does."""
    image = image if isinstance(image, Tensor) else convert_to_tensor(image)
    src, dst = image._value.dtype, np.dtype(A._dtype(dtype))
    if src == dst:
        return image
    if src.kind in "iu" and dst.kind == "f":
        return M.multiply(M.cast(image, dst), np.asarray(1.0 / np.iinfo(src).max, dst))
    if src.kind == "f" and dst.kind in "iu":
        scaled = M.multiply(image, np.asarray(np.iinfo(dst).max + 0.5, src))
        if saturate:
            scaled = M.clip_by_value(scaled, float(np.iinfo(dst).min), float(np.iinfo(dst).max))
        return M.cast(scaled, dst)
    if src.kind in "iu" and dst.kind in "iu":
        v = image._value.astype(np.int64)
        src_top, dst_top = int(np.iinfo(src).max) + 1, int(np.iinfo(dst).max) + 1
        out = v // (src_top // dst_top) if src_top > dst_top else v * (dst_top // src_top)
        return Tensor(out.astype(dst))
    return M.cast(image, dst)


def _as_float(image):
    image = image if isinstance(image, Tensor) else convert_to_tensor(image)
    dtype = image._value.dtype
    return (image if dtype.kind == "f" else convert_image_dtype(image, np.float32)), dtype


def _restore(image, dtype):
    return image if image._value.dtype == dtype else convert_image_dtype(image, dtype, saturate=True)


def rgb_to_grayscale(images, name=None):
    """(..., 3) RGB -> (..., 1) luma: 0.2989 R + 0.5870 G + 0.1140 B."""
    _check_channels(images, "rgb_to_grayscale")
    x, dtype = _as_float(images)
    weights = np.asarray([0.2989, 0.5870, 0.1140], dtype=x._value.dtype)
    return _restore(A.expand_dims(R.reduce_sum(M.multiply(x, weights), axis=-1), -1), dtype)


def adjust_brightness(image, delta):
    x, dtype = _as_float(image)
    return _restore(M.add(x, np.asarray(delta, x._value.dtype)), dtype)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * contrast_factor + mean, with the mean over each image's height and width per channel."""
    x, dtype = _as_float(images)
    mean = R.reduce_mean(x, axis=[-3, -2], keepdims=True)
    return _restore(M.add(M.multiply(M.subtract(x, mean), np.asarray(contrast_factor, x._value.dtype)), mean), dtype)


def per_image_standardization(image):
    """Each image scaled to mean 0 and variance 1: (x - mean) / max(stddev, 1 / sqrt(pixels))."""
    x = image if isinstance(image, Tensor) else convert_to_tensor(image)
    if x._value.dtype.kind != "f":
        x = M.cast(x, np.float32)
    axes = [-3, -2, -1]
    pixels = int(np.prod(x._value.shape[-3:]))
    mean = R.reduce_mean(x, axis=axes, keepdims=True)
    std = R.reduce_std(x, axis=axes, keepdims=True)
    floor = np.asarray(1.0 / np.sqrt(pixels), x._value.dtype)
    return M.divide(M.subtract(x, mean), M.maximum(std, floor))


def _check_channels(image, what):
    if value(image).shape[-1] != 3:
        raise InvalidArgumentError(f"{what}: images must have 3 channels (RGB), got shape {value(image).shape}")


# -------------------------------------------------------------------------------- projective transforms
_FILL_MODES = ("constant", "nearest", "wrap", "reflect")


def _map_coordinate(coord, size, mode):
    """Input coordinates outside [0, size - 1] mapped back in as TensorFlow's projective transform does."""
    if mode == "constant":
        return coord
    if mode == "nearest" or size <= 1:
        return np.clip(coord, 0, size - 1)
    c = coord.copy()
    low, high = coord < 0, coord > size - 1  # one branch or the other, decided on the input coordinate
    if mode == "reflect":
        span = 2 * size
        neg = c[low]
        neg = np.where(neg < span, span * np.trunc(-neg / span) + neg, neg)
        c[low] = np.where(neg < -size, neg + span, -neg - 1)
        pos = c[high] - span * np.trunc(c[high] / span)
        c[high] = np.where(pos >= size, span - pos - 1, pos)
    else:  # wrap
        period = size - 1
        c[low] += size * (np.trunc(-c[low] / period) + 1)
        c[high] -= size * np.trunc(c[high] / period)
    return np.clip(c, 0, size - 1)


def projective_transform(images, transforms, interpolation="bilinear", fill_mode="constant", fill_value=0.0):
    """Each output pixel (x, y) of image i read at input ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    k = c0 x + c1 y + 1, for transforms[i] = [a0, a1, a2, b0, b1, b2, c0, c1] (TensorFlow's
    ImageProjectiveTransform), with 'nearest' or 'bilinear' reads; differentiable in `images`."""
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Invalid value for argument `interpolation`. Expected of one ('nearest', 'bilinear'). "
                         f"Received: interpolation={interpolation}")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"Invalid value for argument `fill_mode`. Expected of one {_FILL_MODES}. Received: "
                         f"fill_mode={fill_mode}")
    batch, single = _batched(images, "projective_transform")
    n, height, width, channels = batch._value.shape
    t = np.asarray(value(transforms), dtype=np.float32)
    t = np.broadcast_to(t.reshape(-1, 8), (n, 8)) if t.ndim == 1 or t.shape[0] == 1 else t.reshape(n, 8)
    ys, xs = np.meshgrid(np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32), indexing="ij")
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, i, None, None] for i in range(8))
    k = c0 * xs + c1 * ys + np.float32(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        in_x = _map_coordinate((a0 * xs + a1 * ys + a2) / k, width, fill_mode)
        in_y = _map_coordinate((b0 * xs + b1 * ys + b2) / k, height, fill_mode)
    if interpolation == "nearest":
        # Rounded half away from zero, as std::round.
        taps = [(np.copysign(np.floor(np.abs(in_y) + 0.5), in_y), np.copysign(np.floor(np.abs(in_x) + 0.5), in_x),
                 np.ones_like(in_x))]
    else:
        y0, x0 = np.floor(in_y), np.floor(in_x)
        y1, x1 = y0 + 1, x0 + 1
        taps = [(y0, x0, (y1 - in_y) * (x1 - in_x)), (y0, x1, (y1 - in_y) * (in_x - x0)),
                (y1, x0, (in_y - y0) * (x1 - in_x)), (y1, x1, (in_y - y0) * (in_x - x0))]
    valid_k = k != 0
    flat = A.reshape(batch, (n * height * width, channels))
    out, fill_weight = None, np.zeros((n, height, width), np.float32)
    for ty, tx, w in taps:
        inside = (ty >= 0) & (ty <= height - 1) & (tx >= 0) & (tx <= width - 1) & valid_k
        w = np.where(np.isfinite(w), w, 0).astype(np.float32)
        fill_weight += np.where(inside, 0, w)
        index = (np.arange(n)[:, None, None] * height + np.where(inside, ty, 0).astype(np.int64)) * width + \
            np.where(inside, tx, 0).astype(np.int64)
        term = M.multiply(A.gather(flat, index.reshape(-1)), np.where(inside, w, 0).reshape(-1, 1))
        out = term if out is None else M.add(out, term)
    fill_weight = np.where(valid_k, fill_weight, 1.0)
    out = M.add(out, (fill_weight.reshape(-1, 1) * np.float32(fill_value)).astype(np.float32))
    out = A.reshape(out, (n, height, width, channels))
    dtype = batch._value.dtype
    return _unbatched(out if out._value.dtype == dtype else M.cast(out, dtype), single)


# Colour adjustments and measurements live in their own modules; `tf.image` holds them all.
from .image_color import (adjust_gamma, adjust_hue, adjust_saturation, grayscale_to_rgb, hsv_to_rgb,  # noqa: E402,F401
                          random_brightness, random_contrast, random_flip_left_right, random_flip_up_down, random_hue,
                          random_saturation, rgb_to_hsv)
from .image_analysis import image_gradients, psnr, sobel_edges, ssim, total_variation  # noqa: E402,F401

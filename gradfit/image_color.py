"""`tf.image` colour functions: HSV conversions, hue, saturation and gamma adjustments, grayscale to RGB,
and the `random_*` adjustments (one draw per call, as TensorFlow's stateful versions make).

Written with gradfit ops, so each is differentiable in its pixels; the HSV formulas are TensorFlow's
kernels' (hue in [0, 1), saturation = range / max, value = max).
"""
from . import backend
from .image import _as_float, _batched, _check_channels, _restore, _unbatched, adjust_brightness, adjust_contrast, \
    flip_left_right, flip_up_down
from .ops import array as A
from .ops import math as M
from .ops import reduction as R
from .ops.core import value
from .tensor import Tensor, convert_to_tensor


def _float_rgb(images, what):
    if not isinstance(images, Tensor):  # as TensorFlow converts an array or list: to float32 if not float
        images = convert_to_tensor(images)
        if images._value.dtype.kind != "f":
            images = M.cast(images, "float32")
    if images._value.dtype.kind != "f":
        raise ValueError(f"{what}: images must be floating point, got dtype {images._value.dtype}")
    _check_channels(images, what)
    return images


def _hsv(x):
    """TensorFlow's RGB -> (hue, saturation, value) of a float (..., 3) tensor, as three (...) tensors."""
    dtype = x._value.dtype.type
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = R.reduce_max(x, axis=-1)
    spread = M.subtract(v, R.reduce_min(x, axis=-1))
    # Safe denominators: the masked-out branches must not produce NaN (nor NaN gradients).
    s = M.where(M.greater(v, 0), M.divide(spread, M.where(M.greater(v, 0), v, dtype(1))), dtype(0))
    has_hue = M.greater(spread, 0)
    norm = M.divide(dtype(1), M.multiply(dtype(6), M.where(has_hue, spread, dtype(1))))
    h = M.where(M.equal(r, v), M.multiply(norm, M.subtract(g, b)),
                M.where(M.equal(g, v), M.add(M.multiply(norm, M.subtract(b, r)), dtype(2 / 6)),
                        M.add(M.multiply(norm, M.subtract(r, g)), dtype(4 / 6))))
    h = M.where(has_hue, h, dtype(0))
    return M.where(M.less(h, 0), M.add(h, dtype(1)), h), s, v


def _rgb(h, s, v):
    """TensorFlow's (hue, saturation, value) -> RGB, stacked on a last axis of 3."""
    dtype = v._value.dtype.type
    six_h = M.multiply(h, dtype(6))

    def ramp(center, sign):  # each channel's share: a clipped tent over the hue circle
        tent = M.subtract(M.abs(M.subtract(six_h, dtype(center))), dtype(1))
        return M.clip_by_value(tent if sign > 0 else M.add(M.negative(tent), dtype(1)), dtype(0), dtype(1))

    grey = M.subtract(dtype(1), s)
    return A.stack([M.multiply(M.add(grey, M.multiply(s, ramp(c, sign))), v)
                    for c, sign in ((3, 1), (2, -1), (4, -1))], axis=-1)


def rgb_to_hsv(images, name=None):
    """RGB images (float, last axis 3) as hue, saturation, value, each in [0, 1] for images in [0, 1]."""
    return A.stack(_hsv(_float_rgb(images, "rgb_to_hsv")), axis=-1)


def hsv_to_rgb(images, name=None):
    """HSV images (float, last axis 3) back to RGB."""
    x = _float_rgb(images, "hsv_to_rgb")
    return _rgb(x[..., 0], x[..., 1], x[..., 2])


def adjust_hue(image, delta, name=None):
    """Hue rotated by `delta`, a fraction of the colour circle (wrapped into [0, 1)); integer images are
    adjusted as floats in [0, 1] and converted back."""
    _check_channels(image, "adjust_hue")
    x, dtype = _as_float(image)
    h, s, v = _hsv(x)
    h = M.add(h, x._value.dtype.type(value(delta)))
    h = M.subtract(h, M.floor(h))
    return _restore(_rgb(h, s, v), dtype)


def adjust_saturation(image, saturation_factor, name=None):
    """Saturation multiplied by `saturation_factor` (then clipped to [0, 1]); integer images are adjusted
    as floats in [0, 1] and converted back."""
    _check_channels(image, "adjust_saturation")
    x, dtype = _as_float(image)
    h, s, v = _hsv(x)
    f = x._value.dtype.type
    s = M.clip_by_value(M.multiply(s, f(value(saturation_factor))), f(0), f(1))
    return _restore(_rgb(h, s, v), dtype)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma (integer images as floats in [0, 1], converted back with saturation)."""
    if float(value(gamma)) < 0:
        raise ValueError("adjust_gamma: gamma should be a non-negative real number, got "
                         f"{float(value(gamma))}")
    x, dtype = _as_float(image)
    f = x._value.dtype.type
    out = M.multiply(f(value(gain)), M.pow(x, f(value(gamma))))
    return _restore(out, dtype)


def grayscale_to_rgb(images, name=None):
    """(..., 1) images repeated into 3 channels."""
    images = images if isinstance(images, Tensor) else convert_to_tensor(images)
    if images._value.ndim < 2 or images._value.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb: the last dimension of a grayscale image should be size 1, got "
                         f"shape {images._value.shape}")
    return A.tile(images, [1] * (images._value.ndim - 1) + [3])


# ------------------------------------------------------------------------------------- random_*
def _uniform(low, high, seed, size=None):
    return backend.rng(seed).uniform(low, high, size)


def _random_flip(image, seed, flip, what):
    batch, single = _batched(image, what)
    n = batch._value.shape[0]
    chosen = _uniform(0.0, 1.0, seed, n) < 0.5
    return _unbatched(M.where(chosen.reshape(n, 1, 1, 1), flip(batch), batch), single)


def random_flip_left_right(image, seed=None):
    """Each image (of a batch, each on its own draw) mirrored left-right with probability 1/2."""
    return _random_flip(image, seed, flip_left_right, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Each image (of a batch, each on its own draw) flipped upside down with probability 1/2."""
    return _random_flip(image, seed, flip_up_down, "random_flip_up_down")


def _check_interval(lower, upper):
    if upper <= lower:
        raise ValueError(f"upper must be > lower, got lower={lower}, upper={upper}")
    if lower < 0:
        raise ValueError(f"lower must be non-negative, got lower={lower}")


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta drawn from [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError(f"max_delta must be non-negative, got {max_delta}")
    return adjust_brightness(image, _uniform(-max_delta, max_delta, seed))


def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by a factor drawn from [lower, upper)."""
    _check_interval(lower, upper)
    return adjust_contrast(image, _uniform(lower, upper, seed))


def random_hue(image, max_delta, seed=None):
    """adjust_hue by a delta drawn from [-max_delta, max_delta), max_delta in [0, 0.5]."""
    if max_delta > 0.5:
        raise ValueError(f"max_delta must be <= 0.5, got {max_delta}")
    if max_delta < 0:
        raise ValueError(f"max_delta must be non-negative, got {max_delta}")
    return adjust_hue(image, _uniform(-max_delta, max_delta, seed))


def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by a factor drawn from [lower, upper)."""
    _check_interval(lower, upper)
    return adjust_saturation(image, _uniform(lower, upper, seed))

"""Image files for `image_dataset_from_directory`: decoding with Pillow, resizing as `tf.image.resize` does.

Pillow is optional: only decoding needs it. Resizing follows TensorFlow's kernels (half-pixel centers,
no antialiasing), so images come out as they do from Keras on TensorFlow. Every method is separable: a
weight matrix per axis, `out = Wy @ image @ Wx.T`. A host-side kernel module, like `host`.
"""
import math

import numpy as np

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Decoding image files needs Pillow, which is not installed: pip install pillow") from None
    return Image


def require_pillow():
    _pil()


def load(path, num_channels):
    """The image at `path` as a (height, width, num_channels) uint8 array (an animation's first frame)."""
    image_module = _pil()
    with image_module.open(path) as img:
        mode = {1: "L", 3: "RGB", 4: "RGBA"}[num_channels]
        if img.mode in ("I;16", "I;16B", "I") and num_channels == 1:
            # 16-bit grayscale: scaled to 8 bits as TensorFlow's decoder does.
            arr = np.asarray(img, dtype=np.float64)
            return np.round(arr / 257.0).clip(0, 255).astype(np.uint8)[:, :, None]
        if img.mode != mode:
            img = img.convert(mode)
        arr = np.asarray(img, dtype=np.uint8)
    return arr[:, :, None] if arr.ndim == 2 else arr


def resize(image, size, interpolation="bilinear"):
    """A (height, width, channels) image resized to `size` as float32, as `tf.image.resize`."""
    height, width = image.shape[:2]
    out_h, out_w = size
    wy = _weights(height, out_h, interpolation)
    wx = _weights(width, out_w, interpolation)
    out = np.einsum("yh,hwc,xw->yxc", wy, image.astype(np.float64), wx, optimize=True)
    return out.astype(np.float32)


def crop_to_aspect_ratio(image, size):
    """The largest centered crop with the aspect ratio of `size` (Keras's smart_resize crop)."""
    height, width = image.shape[:2]
    target_h, target_w = size
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    top = int(float(height - crop_h) / 2)
    left = int(float(width - crop_w) / 2)
    return image[top:top + crop_h, left:left + crop_w]


def resize_with_pad(image, size, interpolation="bilinear"):
    """Resized keeping its aspect ratio, then zero-padded to `size` (tf.image.resize_with_pad)."""
    height, width = image.shape[:2]
    target_h, target_w = size
    f32 = np.float32
    ratio = max(f32(width) / f32(target_w), f32(height) / f32(target_h))
    new_h, new_w = f32(height) / ratio, f32(width) / ratio
    top = max(0, int(math.floor((f32(target_h) - new_h) / f32(2))))
    left = max(0, int(math.floor((f32(target_w) - new_w) / f32(2))))
    resized = resize(image, (int(math.floor(new_h)), int(math.floor(new_w))), interpolation)
    out = np.zeros((target_h, target_w, image.shape[2]), dtype=np.float32)
    out[top:top + resized.shape[0], left:left + resized.shape[1]] = resized
    return out


# ------------------------------------------------------------------------------------ resize weights
def _weights(in_size, out_size, method):
    """The (out_size, in_size) matrix mapping an input axis to the resized axis."""
    w = np.zeros((out_size, in_size), dtype=np.float64)
    scale = np.float32(in_size) / np.float32(out_size)
    if method == "bilinear":
        for o in range(out_size):
            center = np.float32(o + 0.5) * scale - np.float32(0.5)  # float32, as TensorFlow computes it
            low = math.floor(center)
            lerp = float(center - np.float32(low))
            w[o, min(max(low, 0), in_size - 1)] += 1 - lerp
            w[o, min(max(math.ceil(center), 0), in_size - 1)] += lerp
    elif method == "nearest":
        for o in range(out_size):
            w[o, min(max(math.floor(np.float32((o + 0.5) * scale)), 0), in_size - 1)] = 1.0
    elif method == "bicubic":
        _bicubic_weights(w, in_size, out_size, scale)
    elif method == "area":
        for o in range(out_size):
            start, end = o * scale, (o + 1) * scale
            for i in range(math.floor(start), math.ceil(end)):
                overlap = min(i + 1, end) - max(i, start)
                w[o, min(i, in_size - 1)] += overlap / scale
    else:
        _scale_and_translate_weights(w, in_size, out_size, _KERNELS[method])
    return w


_TABLE_SIZE = 1024


def _keys_cubic_table(a=-0.5):
    """TensorFlow's tabulated cubic coefficients: [i*2] for |x| < 1, [i*2+1] for 1 <= |x| < 2."""
    table = np.empty((_TABLE_SIZE + 1) * 2, dtype=np.float32)
    for i in range(_TABLE_SIZE + 1):
        x = np.float32(i * 1.0 / _TABLE_SIZE)
        table[i * 2] = ((a + 2) * x - (a + 3)) * x * x + 1
        x = x + np.float32(1.0)
        table[i * 2 + 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return table


def _bicubic_weights(w, in_size, out_size, scale):
    table = _keys_cubic_table()
    for o in range(out_size):
        center = np.float32((o + 0.5) * scale - 0.5)
        base = math.floor(center)
        offset = int(np.rint(np.float32(center - base) * _TABLE_SIZE))
        taps = ((base - 1, table[offset * 2 + 1]), (base, table[offset * 2]),
                (base + 1, table[(_TABLE_SIZE - offset) * 2]), (base + 2, table[(_TABLE_SIZE - offset) * 2 + 1]))
        # Taps outside the image get no weight and the rest are renormalized (half-pixel-center mode).
        kept = [(i, float(c)) for i, c in taps if 0 <= i < in_size]
        total = sum(c for _, c in kept)
        for i, c in kept:
            w[o, i] += c / total if abs(total) >= 1000 * np.finfo(np.float32).tiny else c


def _lanczos(radius):
    def kernel(x):
        if x > radius:
            return 0.0
        if x <= 1e-3:
            return 1.0
        return radius * math.sin(math.pi * x) * math.sin(math.pi * x / radius) / (math.pi * math.pi * x * x)

    return radius, kernel


def _gaussian(radius=1.5):
    sigma = radius / 3.0

    def kernel(x):
        return 0.0 if x >= radius else math.exp(-x * x / (2.0 * sigma * sigma))

    return radius, kernel


def _mitchell_cubic(x):
    if x >= 2.0:
        return 0.0
    if x >= 1.0:
        return (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return (((7.0 / 6.0) * x - 2.0) * x) * x + 8.0 / 9.0


_KERNELS = {"lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0), "gaussian": _gaussian(),
            "mitchellcubic": (2.0, _mitchell_cubic)}


def _scale_and_translate_weights(w, in_size, out_size, kernel):
    """TensorFlow's ScaleAndTranslate spans without antialiasing (the kernel keeps its width)."""
    radius, fn = kernel
    inv_scale = 1.0 / (out_size / in_size)
    for o in range(out_size):
        sample = (o + 0.5) * inv_scale
        if sample < 0 or sample > in_size:
            continue
        start = min(max(math.ceil(sample - radius - 0.5), 0), in_size - 1)
        end = min(max(math.floor(sample + radius - 0.5), 0), in_size - 1) + 1
        weights = [fn(abs(i + 0.5 - sample)) for i in range(start, end)]
        total = sum(weights)
        for i, value in zip(range(start, end), weights):
            w[o, i] = value / total if abs(total) >= 1000 * np.finfo(np.float32).tiny else value

"""`tf.image` measurements of images: finite-difference gradients, Sobel edges, total variation, and the
PSNR and SSIM similarity of two images. Written with gradfit ops, so each is differentiable."""
import numpy as np

from .image import convert_image_dtype
from .ops import array as A
from .ops import math as M
from .ops import reduction as R
from .ops.conv import depthwise_conv2d
from .tensor import Tensor, convert_to_tensor


def _tensor(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _four_dimensional(image, what):
    image = _tensor(image)
    if image._value.ndim != 4:
        raise ValueError(f"{what} expects a 4D tensor [batch_size, h, w, d], got shape {image._value.shape}")
    return image


def image_gradients(image):
    """(dy, dx): each pixel's difference with the next one down and to the right, 0 on the last row and
    column; `image` is (batch, height, width, depth)."""
    image = _four_dimensional(image, "image_gradients")
    dy = M.subtract(image[:, 1:], image[:, :-1])
    dx = M.subtract(image[:, :, 1:], image[:, :, :-1])
    return (A.pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]]), A.pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]]))


_SOBEL = (np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]), np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]))


def sobel_edges(image):
    """(batch, height, width, depth, 2): the vertical and horizontal Sobel responses of each channel,
    the image extended by reflection at its borders."""
    image = _four_dimensional(image, "sobel_edges")
    height, width = image._value.shape[1:3]
    padded = A.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    dtype = image._value.dtype.type
    edges = []
    for kernel in _SOBEL:
        total = None
        for (i, j), weight in np.ndenumerate(kernel):
            if weight:
                term = M.multiply(padded[:, i:i + height, j:j + width], dtype(weight))
                total = term if total is None else M.add(total, term)
        edges.append(total)
    return A.stack(edges, axis=-1)


def total_variation(images, name=None):
    """The sum of absolute differences between neighbouring pixels: a number for one image, one per image
    for a batch."""
    images = _tensor(images)
    ndim = images._value.ndim
    if ndim not in (3, 4):
        raise ValueError(f"total_variation: 'images' must be either 3 or 4-dimensional, got shape "
                         f"{images._value.shape}")
    lead = ndim - 3
    batch = (slice(None),) * lead
    down = M.subtract(images[batch + (slice(1, None),)], images[batch + (slice(None, -1),)])
    right = M.subtract(images[batch + (slice(None), slice(1, None))], images[batch + (slice(None), slice(None, -1))])
    axes = None if ndim == 3 else [1, 2, 3]
    return M.add(R.reduce_sum(M.abs(down), axis=axes), R.reduce_sum(M.abs(right), axis=axes))


def _as_float_pair(a, b, max_val, what):
    a, b = _tensor(a), _tensor(b)
    if a._value.shape[-3:] != b._value.shape[-3:] or a._value.ndim < 3:
        raise ValueError(f"{what}: the images must have the same (height, width, depth), got shapes "
                         f"{a._value.shape} and {b._value.shape}")
    max_val = convert_image_dtype(np.asarray(max_val, a._value.dtype), np.float32)
    return convert_image_dtype(a, np.float32), convert_image_dtype(b, np.float32), max_val


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB, one per image: 20 log10(max_val) - 10 log10(mean squared error).
    Integer images (and max_val) are compared as floats in [0, 1]."""
    a, b, max_val = _as_float_pair(a, b, max_val, "psnr")
    mse = R.reduce_mean(M.squared_difference(a, b), axis=[-3, -2, -1])
    peak = np.float32(20.0 * np.log(np.float32(max_val.numpy()))) / np.float32(np.log(10.0))
    return M.subtract(peak, M.multiply(np.float32(10 / np.log(10)), M.log(mse)))


def _gaussian_window(size, sigma):
    """The (size, size) Gaussian window, normalized to sum 1 (a softmax of -r^2 / (2 sigma^2))."""
    f32 = np.float32
    coords = np.arange(size, dtype=f32) - f32(size - 1) / f32(2)
    g = np.square(coords) * (f32(-0.5) / np.square(f32(sigma)))
    logits = (g[None, :] + g[:, None]).reshape(-1)
    e = np.exp(logits - logits.max())
    return (e / e.sum()).reshape(size, size).astype(f32)


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """Structural similarity of two images (or batches), averaged over space and channels; with
    `return_index_map=True` the per-position map (averaged over channels)."""
    x, y, max_val = _as_float_pair(img1, img2, max_val, "ssim")
    height, width, channels = x._value.shape[-3:]
    if height < filter_size or width < filter_size:
        raise ValueError(f"ssim: the images ({height}x{width}) must be at least filter_size={filter_size} in height "
                         "and width")
    window = np.tile(_gaussian_window(filter_size, filter_sigma)[:, :, None, None], (1, 1, channels, 1))
    lead = x._value.shape[:-3]

    def local_mean(t):
        flat = A.reshape(t, (-1, height, width, channels))
        out = depthwise_conv2d(flat, window, strides=[1, 1, 1, 1], padding="VALID")
        return A.reshape(out, lead + tuple(out._value.shape[1:]))

    peak = float(max_val.numpy())
    c1, c2 = np.float32((k1 * peak) ** 2), np.float32((k2 * peak) ** 2)
    mean_x, mean_y = local_mean(x), local_mean(y)
    mean_product = M.multiply(M.multiply(mean_x, mean_y), np.float32(2))
    mean_squares = M.add(M.square(mean_x), M.square(mean_y))
    luminance = M.divide(M.add(mean_product, c1), M.add(mean_squares, c1))
    cross = M.multiply(local_mean(M.multiply(x, y)), np.float32(2))
    squares = local_mean(M.add(M.square(x), M.square(y)))
    structure = M.divide(M.add(M.subtract(cross, mean_product), c2), M.add(M.subtract(squares, mean_squares), c2))
    index = M.multiply(luminance, structure)
    if not return_index_map:
        index = R.reduce_mean(index, axis=[-3, -2])
    return R.reduce_mean(index, axis=[-1])

"""`tf.summary.scalar`, `histogram`, `image` and `text`: the tensors TensorBoard's plugins read.

Each writes one Summary.Value whose metadata names the plugin ("scalars", "histograms", "images",
"text"), with the tensor laid out as that plugin expects:
    scalar     float32, shape ()
    histogram  float64, shape (buckets, 3): rows of [left edge, right edge, count]
    image      string, shape (2 + n,): width, height (as decimal strings), then n PNG images
    text       string, the shape of the data
Each returns a bool tensor: True when written, False when there is no default writer or recording is off.
"""
import numpy as np

from .. import errors
from .. import image as image_ops
from .png import COLOR_TYPES, encode_png
from .protos import encode_metadata
from .writer import _as_array, write

DEFAULT_BUCKET_COUNT = 30


def scalar(name, data, step=None, description=None):
    """Writes a real number (stored as float32) under `name` at `step` (default: the default step)."""
    value = _as_array(data)
    if value.shape != ():
        raise ValueError(f"tf.summary.scalar {name!r} expected a scalar, got data of shape {value.shape}")
    if value.dtype.kind not in "biuf":
        raise TypeError(f"tf.summary.scalar {name!r} expected a real number, got {data!r} of dtype {value.dtype}")
    return write(name, value.astype(np.float32), step=step,
                 metadata=encode_metadata("scalars", description=description))


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes a histogram of all elements of `data` (any shape) in `buckets` (default 30) equal-width buckets.

    The buckets span [min, max]; a value on the upper edge of one counts in the next, the maximum in the
    last. All-equal data puts its count in the last bucket, whose edges are both that value; no data
    gives all-zero rows. The data is only read when the summary is recorded.
    """
    if buckets is not None and (isinstance(buckets, bool) or not isinstance(buckets, (int, np.integer))):
        raise TypeError(f"tf.summary.histogram {name!r} expected `buckets` to be an integer, got {buckets!r}")
    return write(name, lambda: histogram_buckets(data, buckets), step=step,
                 metadata=encode_metadata("histograms", description=description))


def histogram_buckets(data, bucket_count=None):
    """The `(bucket_count, 3)` float64 array of [left edge, right edge, count] that `histogram` writes."""
    bucket_count = DEFAULT_BUCKET_COUNT if bucket_count is None else max(0, int(bucket_count))
    values = _as_array(data).astype(np.float64).reshape(-1)
    if values.size == 0 or bucket_count == 0:
        return np.zeros((bucket_count, 3))
    low, high = values.min(), values.max()
    span = high - low
    if span == 0:
        counts = np.zeros(bucket_count)
        counts[-1] = values.size
        edges = np.full(bucket_count, high)
        return np.stack([edges, edges, counts], axis=1)
    with np.errstate(invalid="ignore"):
        indices = np.minimum(np.floor((values - low) / (span / bucket_count)), bucket_count - 1)
    # Indices that are not in range (from NaN) count nowhere, as with a one-hot of an out-of-range index.
    indices = indices[indices >= 0].astype(np.int64)
    counts = np.bincount(indices, minlength=bucket_count).astype(np.float64)
    edges = np.linspace(low, high, bucket_count + 1)
    edges[-1] = high
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def image(name, data, step=None, max_outputs=3, description=None):
    """Writes up to `max_outputs` images from `data`, a `(batch, height, width, channels)` tensor.

    Channels are 1 (grayscale), 2 (grayscale + alpha), 3 (RGB) or 4 (RGBA). Floats are taken to be in
    [0, 1] and scaled to 0..255 (values outside are clipped), as `tf.image.convert_image_dtype` with
    saturation does; uint8 is written as is. Images are encoded as PNG. The data is only read when the
    summary is recorded.
    """
    def tensor():
        images = _as_array(data)
        if images.ndim != 4:
            raise ValueError(f"tf.summary.image {name!r} expected images of rank 4 (batch, height, width, "
                             f"channels), got shape {images.shape}")
        if images.shape[-1] not in COLOR_TYPES:
            raise errors.InvalidArgumentError(f"tf.summary.image {name!r} expected 1, 2, 3 or 4 channels, got "
                                              f"shape {images.shape}")
        if max_outputs < 0:
            raise ValueError(f"tf.summary.image {name!r} expected a non-negative `max_outputs`, got {max_outputs}")
        pixels = image_ops.convert_image_dtype(images[:max_outputs], "uint8", saturate=True).numpy()
        dimensions = [str(images.shape[2]).encode(), str(images.shape[1]).encode()]
        return np.array(dimensions + [encode_png(picture) for picture in pixels], dtype=object)

    return write(name, tensor, step=step, metadata=encode_metadata("images", description=description))


def text(name, data, step=None, description=None):
    """Writes a string, or a tensor of strings of any shape (TensorBoard renders them as Markdown)."""
    strings = _as_array(data)
    if not (strings.dtype.kind in "SU" or (strings.dtype.kind == "O" and strings.size > 0 and all(
            isinstance(item, (str, bytes)) for item in strings.reshape(-1)))):
        raise TypeError(f"tf.summary.text {name!r} expected string data, got {data!r} of dtype {strings.dtype}")
    return write(name, strings, step=step, metadata=encode_metadata("text", description=description))

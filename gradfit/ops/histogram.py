"""`tf.histogram_fixed_width` and `tf.histogram_fixed_width_bins`: counts over equal-width bins.

The two compute a value's bin with different arithmetic, as in TensorFlow, so a value within rounding
of a bin edge can land in different bins: the bins op computes `floor(nbins * ((v - lo) / (hi - lo)))`
in the values' own dtype; the histogram op computes `floor((v - lo) / ((hi - lo) / nbins))` in double
precision. (For float64 values lying exactly on a bin edge, TensorFlow's kernel sometimes picks the
bin below; float32 and integer values bin as TensorFlow bins them.)
"""
import numpy as np

from ..backend import np_dtype
from ..tensor import Tensor
from .core import InvalidArgumentError, value


def _arguments(values, value_range, nbins, dtype):
    v = value(values)
    r = value(value_range)
    if r.shape != (2,):
        raise InvalidArgumentError(f"value_range should be a vector of 2 elements, got shape {r.shape}")
    r = r.astype(v.dtype) if r.dtype != v.dtype and v.dtype.kind == "f" else r
    n = int(value(nbins))
    if n <= 0:
        raise InvalidArgumentError(f"nbins should be a positive number, but got '{n}'")
    out = np_dtype(dtype)
    if out not in (np.int32, np.int64):
        raise TypeError(f"dtype must be int32 or int64, got {out}")
    return v, r, n, out


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype="int32", name=None):
    """The bin (0 ... nbins - 1) of each value for `nbins` equal bins over `value_range`; values below
    the range go to bin 0, values at or above its end to the last bin."""
    v, r, n, out = _arguments(values, value_range, nbins, dtype)
    if v.dtype.kind in "iub":
        v = v.astype(np.float64)
        r = r.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = (v - r[0]) / (r[1] - r[0])
        bins = np.floor(v.dtype.type(n) * scaled)
        bins = np.clip(bins, 0, n - 1)
    return Tensor(bins.astype(np.int32).astype(out))


def histogram_fixed_width(values, value_range, nbins=100, dtype="int32", name=None):
    """How many values fall in each of `nbins` equal bins over `value_range` (values outside the range
    count in the first or last bin)."""
    v, r, n, out = _arguments(values, value_range, nbins, dtype)
    if not r[0] < r[1]:
        low, high = (f"{x:g}" for x in r.tolist())
        raise InvalidArgumentError(f"value_range should satisfy value_range[0] < value_range[1], but got "
                                   f"'[{low}, {high}]'")
    if v.dtype.kind == "f" and np.isnan(v).any():
        raise InvalidArgumentError("Histogram values must not contain NaN")
    low, high = float(r[0]), float(r[1])
    with np.errstate(invalid="ignore"):
        bins = np.clip(np.floor((v.astype(np.float64) - low) / ((high - low) / n)), 0, n - 1).astype(np.int64)
    return Tensor(np.bincount(bins.reshape(-1), minlength=n).astype(out))

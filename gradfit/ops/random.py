"""Random tensors (`tf.random`), drawn from the generator that `set_seed` makes repeatable."""
import numpy as np

from .. import backend
from ..backend import np_dtype
from .core import InvalidArgumentError, Tensor, value
from .array import _ints


def _float(dtype):
    d = np_dtype(dtype) if dtype is not None else np.dtype(backend.floatx())
    if d.kind != "f":
        raise ValueError(f"Expected a float dtype, got {d}")
    return d


def set_seed(seed):
    """Seed the global generator: the same seed gives the same sequence of random values."""
    backend.set_seed(seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    d = _float(dtype)
    g = backend.rng(seed)
    out = g.standard_normal(_ints(shape), dtype=np.float64 if d == np.float64 else np.float32)
    return Tensor((out * value(stddev) + value(mean)).astype(d, copy=False) if (mean != 0.0 or stddev != 1.0)
                  else out.astype(d, copy=False))


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """Floats in [minval, maxval) (maxval defaults to 1); for integer dtypes maxval is required."""
    d = np_dtype(dtype) if dtype is not None else np.dtype(backend.floatx())
    g = backend.rng(seed)
    shape = _ints(shape)
    if d.kind in "iu":
        if maxval is None:
            raise ValueError("uniform with an integer dtype needs maxval")
        return Tensor(g.integers(int(value(minval)), int(value(maxval)), size=shape).astype(d))
    lo = float(value(minval))
    hi = 1.0 if maxval is None else float(value(maxval))
    out = g.random(shape, dtype=np.float64 if d == np.float64 else np.float32)
    return Tensor((out * (hi - lo) + lo).astype(d, copy=False))


def _truncated_standard_normal(g, shape):
    """Standard normal values from generator `g`, each re-drawn until within two of zero."""
    out = g.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = g.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Normal values re-drawn until within two standard deviations of the mean."""
    out = _truncated_standard_normal(backend.rng(seed), _ints(shape))
    return Tensor((out * float(value(stddev)) + float(value(mean))).astype(_float(dtype)))


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """For each row of logits, `num_samples` class indices drawn from softmax(logits)."""
    z = value(logits).astype(np.float64)
    if z.ndim != 2:
        raise InvalidArgumentError(f"categorical needs 2-D logits (batch, classes), got shape {z.shape}")
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    g = backend.rng(seed)
    u = g.random((z.shape[0], int(num_samples)))
    cdf = np.cumsum(p, axis=1)
    idx = np.minimum((u[:, :, None] > cdf[:, None, :]).sum(axis=2), z.shape[1] - 1)
    return Tensor(idx.astype(np_dtype(dtype) if dtype is not None else np.int64))


def shuffle(value_, seed=None, name=None):
    """The tensor with its first axis in random order."""
    v = value(value_)
    return Tensor(v[backend.rng(seed).permutation(v.shape[0])])


def gamma(shape, alpha, beta=None, dtype=None, seed=None, name=None):
    d = _float(dtype)
    a = value(alpha)
    scale = 1.0 if beta is None else 1.0 / value(beta)
    out = backend.rng(seed).gamma(a, scale, size=_ints(shape) + np.shape(a))
    return Tensor(out.astype(d))


def poisson(shape, lam, dtype=None, seed=None, name=None):
    lam_v = value(lam)
    out = backend.rng(seed).poisson(lam_v, size=_ints(shape) + np.shape(lam_v))
    return Tensor(out.astype(np_dtype(dtype) if dtype is not None else np.dtype(backend.floatx())))


def _stateless(seed):
    s = [int(v) for v in np.asarray(value(seed)).reshape(-1)]
    return np.random.default_rng(s)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=None, name=None):
    d = _float(dtype)
    out = _stateless(seed).standard_normal(_ints(shape))
    return Tensor((out * stddev + mean).astype(d))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=None, name=None):
    """truncated_normal whose values depend only on `seed` (a pair of integers)."""
    out = _truncated_standard_normal(_stateless(seed), _ints(shape))
    return Tensor((out * float(value(stddev)) + float(value(mean))).astype(_float(dtype)))


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=None, name=None):
    d = np_dtype(dtype) if dtype is not None else np.dtype(backend.floatx())
    g = _stateless(seed)
    if d.kind in "iu":
        return Tensor(g.integers(int(minval), int(maxval), size=_ints(shape)).astype(d))
    hi = 1.0 if maxval is None else float(maxval)
    return Tensor((g.random(_ints(shape)) * (hi - minval) + minval).astype(d))

"""keras.random: random tensors with Keras 3's seed semantics.

`seed=None` draws from the global generator (repeatable after `keras.utils.set_random_seed`), an int
seed gives the same values at every call, and a `SeedGenerator` advances its own state per call.
"""
import numpy as np

from .. import backend
from ..ops import math as M
from ..ops.core import value
from ..tensor import Tensor


class SeedGenerator:
    """A stateful source of randomness for one layer or training loop (`keras.random.SeedGenerator`)."""

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator seed must be an integer or None, got {seed!r}")
        self.seed = seed
        self.name = name or "seed_generator"
        self._generator = np.random.default_rng(backend.rng().integers(2**63) if seed is None else int(seed))

    def next(self, ordered=True):
        return self._generator

    def get_config(self):
        return {"seed": self.seed}


def _generator(seed):
    if seed is None:
        return backend.rng()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)):
        return np.random.default_rng(int(seed))
    raise ValueError(f"seed must be None, an integer or a keras.random.SeedGenerator, got {type(seed).__name__}")


def _float(dtype):
    d = backend.np_dtype(dtype) if dtype is not None else np.dtype(backend.floatx())
    return d


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    out = _generator(seed).standard_normal(tuple(shape)) * float(stddev) + float(mean)
    return Tensor(out.astype(_float(dtype)))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    out = _generator(seed).uniform(float(minval), float(maxval), tuple(shape))
    return Tensor(out.astype(_float(dtype)))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return Tensor(_generator(seed).integers(int(minval), int(maxval), tuple(shape)).astype(backend.np_dtype(dtype)))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    g = _generator(seed)
    out = g.standard_normal(tuple(shape))
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = g.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return Tensor((out * float(stddev) + float(mean)).astype(_float(dtype)))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each element with probability `rate`, scaling the rest by 1 / (1 - rate)."""
    v = value(inputs)
    shape = v.shape if noise_shape is None else tuple(d if n is None else n for n, d in zip(noise_shape, v.shape))
    keep = _generator(seed).random(shape) >= rate
    return M.multiply(inputs, keep.astype(v.dtype) * v.dtype.type(1.0 / (1.0 - rate)))


def shuffle(x, axis=0, seed=None):
    v = value(x)
    order = _generator(seed).permutation(v.shape[axis])
    return Tensor(np.take(v, order, axis=axis))


def categorical(logits, num_samples, dtype="int32", seed=None):
    z = value(logits).astype(np.float64)
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    u = _generator(seed).random((z.shape[0], int(num_samples)))
    idx = np.minimum((u[:, :, None] > np.cumsum(p, axis=-1)[:, None, :]).sum(-1), z.shape[-1] - 1)
    return Tensor(idx.astype(backend.np_dtype(dtype)))


def gamma(shape, alpha, dtype=None, seed=None):
    return Tensor(_generator(seed).gamma(float(alpha), 1.0, tuple(shape)).astype(_float(dtype)))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return Tensor(_generator(seed).beta(float(alpha), float(beta), tuple(shape)).astype(_float(dtype)))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return Tensor(_generator(seed).binomial(value(counts), value(probabilities), tuple(shape)).astype(_float(dtype)))

"""`tf.random.Generator` and the stateless samplers built on seeds.

A Generator owns a Philox counter-based stream (NumPy's implementation): the same seed gives the same
sequence, `split` gives independent streams, `state` can be read and reset. The values are not bit-equal
to TensorFlow's (its Philox output is mapped to numbers differently); the distributions are the same.
"""
import numpy as np

from . import backend
from .backend import np_dtype
from .ops.array import _ints
from .ops.core import InvalidArgumentError, value
from .tensor import Tensor, Variable

_MASK64 = (1 << 64) - 1


def _seed_key(seed):
    """A 128-bit Philox key from an int, a sequence of ints or a seed tensor."""
    words = [int(v) & _MASK64 for v in np.asarray(value(seed) if isinstance(seed, Tensor) else seed).reshape(-1)]
    return np.random.SeedSequence(words).generate_state(2, np.uint64)


class Generator:
    """A random number generator with its own state (`tf.random.Generator`)."""

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            state = copy_from.state.numpy()
        if state is None:
            raise ValueError("Generator needs `copy_from` or `state`; use Generator.from_seed(seed) or "
                             "Generator.from_non_deterministic_state()")
        self._state = Variable(np.zeros(3, np.int64), trainable=False, name="generator_state")
        self.reset(state)
        self.algorithm = alg if alg is not None else "philox"

    @classmethod
    def from_seed(cls, seed, alg=None):
        key = _seed_key(seed)
        return cls(state=np.array([0, 0, key[0].view(np.int64)], np.int64), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        return cls.from_seed(np.random.SeedSequence().entropy, alg)

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state, alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        counter = np.asarray(value(counter), np.int64).reshape(-1)
        key = np.asarray(value(key), np.int64).reshape(-1)
        return cls(state=np.concatenate([counter[:2], key[:1]]), alg=alg)

    # ------------------------------------------------------------------------------------- state
    @property
    def state(self):
        """The generator's state: a (3,) int64 Variable, [counter low, counter high, key]."""
        self._sync()
        return self._state

    @property
    def key(self):
        return Tensor(self.state.numpy()[2:])

    def reset(self, state):
        state = np.asarray(value(state), np.int64).reshape(-1)
        if state.size != 3:
            raise InvalidArgumentError(f"The Philox state must have 3 elements, got shape {state.shape}")
        self._state.assign(state)
        key = int(state[2]) & _MASK64
        bits = np.random.Philox(key=key)
        bits.state = {"bit_generator": "Philox", "state": {
            "counter": np.array([int(state[0]) & _MASK64, int(state[1]) & _MASK64, 0, 0], np.uint64),
            "key": np.array([key, 0], np.uint64)}, "buffer": np.zeros(4, np.uint64), "buffer_pos": 4,
            "has_uint32": 0, "uinteger": 0}
        self._bits = bits
        self._numpy = np.random.Generator(bits)

    def reset_from_seed(self, seed):
        self.reset(Generator.from_seed(seed).state.numpy())

    def skip(self, delta):
        self._bits.advance(int(delta))

    def _flush(self, result):
        """Drop the bits left over from the last block, so the counter alone says where the stream is."""
        st = self._bits.state
        st["buffer_pos"], st["has_uint32"] = 4, 0
        self._bits.state = st
        return result

    def _sync(self):
        counter = self._bits.state["state"]["counter"]
        self._state.assign(np.array([counter[0], counter[1], self._state.numpy()[2]], np.uint64).view(np.int64))

    # ------------------------------------------------------------------------------------ draws
    def normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", name=None):
        out = self._numpy.standard_normal(_ints(shape)) * float(value(stddev)) + float(value(mean))
        return self._flush(Tensor(out.astype(_float(dtype))))

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", name=None):
        shape = _ints(shape)
        out = self._numpy.standard_normal(shape)
        bad = np.abs(out) > 2
        while bad.any():
            out[bad] = self._numpy.standard_normal(int(bad.sum()))
            bad = np.abs(out) > 2
        return self._flush(Tensor((out * float(value(stddev)) + float(value(mean))).astype(_float(dtype))))

    def uniform(self, shape, minval=0, maxval=None, dtype="float32", name=None):
        d = np_dtype(dtype)
        if d.kind in "iu":
            if maxval is None:
                raise ValueError(f"Must specify maxval for integer dtype {d.name}")
            out = self._numpy.integers(int(value(minval)), int(value(maxval)), _ints(shape)).astype(d)
        else:
            high = 1.0 if maxval is None else float(value(maxval))
            low = float(value(minval))
            out = (self._numpy.random(_ints(shape)) * (high - low) + low).astype(_float(d))
        return self._flush(Tensor(out))

    def uniform_full_int(self, shape, dtype="uint64", name=None):
        d = np_dtype(dtype)
        if d.kind not in "iu":
            raise ValueError(f"uniform_full_int needs an integer dtype, got {d.name}")
        info = np.iinfo(d)
        return self._flush(Tensor(self._numpy.integers(info.min, info.max, _ints(shape), dtype=d, endpoint=True)))

    def binomial(self, shape, counts, probs, dtype="int32", name=None):
        shape = _ints(shape)
        out = self._numpy.binomial(np.broadcast_to(value(counts), shape), np.broadcast_to(value(probs), shape))
        return self._flush(Tensor(out.astype(np_dtype(dtype))))

    def make_seeds(self, count=1):
        """`count` new seeds for stateless ops, as an int64 tensor of shape (2, count)."""
        return self.uniform_full_int((2, int(count)), dtype="int64")

    def split(self, count=1):
        """`count` new Generators on streams independent of this one (and of each other)."""
        seeds = self.make_seeds(count).numpy()
        return [Generator.from_seed(seeds[:, i]) for i in range(int(count))]


def _float(dtype):
    d = np_dtype(dtype)
    if d.kind != "f":
        raise ValueError(f"Expected a float dtype, got {d.name}")
    return d


_GLOBAL = []


def get_global_generator():
    """The global Generator (seeded from the global seed when one is set, else non-deterministically)."""
    if not _GLOBAL:
        seed = backend.rng().integers(2**63)
        _GLOBAL.append(Generator.from_seed(int(seed)))
    return _GLOBAL[0]


def set_global_generator(generator):
    _GLOBAL[:] = [generator]


# ----------------------------------------------------------------------------------- stateless draws
def _stateless(seed):
    seed = np.asarray(value(seed)).reshape(-1)
    if seed.size != 2:
        raise InvalidArgumentError(f"seed must have shape [2], not {list(np.shape(seed))}")
    return np.random.Generator(np.random.Philox(key=_seed_key(seed)))


def stateless_categorical(logits, num_samples, seed, dtype="int64", name=None):
    """`num_samples` class ids per row of `logits`, determined by `seed`."""
    z = np.asarray(value(logits), np.float64)
    if z.ndim != 2:
        raise InvalidArgumentError(f"logits should be a matrix, got shape {list(z.shape)}")
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = _stateless(seed).random((z.shape[0], int(num_samples)))
    idx = np.minimum((u[:, :, None] > np.cumsum(p, axis=1)[:, None, :]).sum(axis=2), z.shape[1] - 1)
    return Tensor(idx.astype(np_dtype(dtype)))


def stateless_poisson(shape, seed, lam, dtype="int32", name=None):
    shape = _ints(shape)
    return Tensor(_stateless(seed).poisson(np.broadcast_to(value(lam), shape)).astype(np_dtype(dtype)))


def stateless_gamma(shape, seed, alpha, beta=None, dtype="float32", name=None):
    shape = _ints(shape)
    scale = 1.0 if beta is None else 1.0 / np.broadcast_to(value(beta), shape)
    return Tensor(_stateless(seed).gamma(np.broadcast_to(value(alpha), shape), scale).astype(_float(dtype)))


def stateless_binomial(shape, seed, counts, probs, output_dtype="int32", name=None):
    shape = _ints(shape)
    out = _stateless(seed).binomial(np.broadcast_to(value(counts), shape), np.broadcast_to(value(probs), shape))
    return Tensor(out.astype(np_dtype(output_dtype)))


def split(seed, num=2, alg="auto_select"):
    """`num` new seeds (shape (num, 2), int64) derived from `seed`."""
    return Tensor(_stateless(seed).integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, (int(num), 2),
                                            dtype=np.int64, endpoint=True))


def fold_in(seed, data, alg="auto_select"):
    """A new seed (shape (2,), int64) from `seed` and the integer `data`."""
    words = [int(v) for v in np.asarray(value(seed)).reshape(-1)] + [int(value(data))]
    g = np.random.Generator(np.random.Philox(key=_seed_key(words)))
    return Tensor(g.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, (2,), dtype=np.int64, endpoint=True))

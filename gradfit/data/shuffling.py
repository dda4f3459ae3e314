"""`shuffle`: TensorFlow's buffer shuffle, repeatable from seeds as tf.data's is.

Seeds follow TensorFlow's global/op seed pair: with neither set the order is random; an op seed alone
is combined with a fixed default global seed; `gradfit.backend.set_seed(n)` alone gives each shuffle
created afterwards its own op seed from a counter that restarts at every set_seed, so rebuilding a
pipeline after set_seed(n) replays its orders exactly. Each pass (each `iter()`) draws from a generator
keyed by the seeds and the pass number: a new order every pass, the same sequence of orders every run.
"""
import sys
import threading

from .. import backend
from ..errors import InvalidArgumentError
from . import host
from .dataset import UNKNOWN, Dataset

# TensorFlow's global seed when only an op seed is given.
DEFAULT_GLOBAL_SEED = 87654321

_op_seeds = {"generator": None, "next": 0}
_op_seeds_lock = threading.Lock()


def seed_key(seed):
    """The seeds a shuffle's generators derive from, fixed when the shuffle is created."""
    global_seed = backend.random_state.seed
    if seed is None and global_seed is None:
        return (host.fresh_seed(),)
    if seed is None:
        with _op_seeds_lock:
            # set_seed installs a new global generator: that is when the op seed counter restarts.
            if _op_seeds["generator"] is not backend.random_state.generator:
                _op_seeds["generator"] = backend.random_state.generator
                _op_seeds["next"] = 0
            seed = _op_seeds["next"]
            _op_seeds["next"] += 1
    return (DEFAULT_GLOBAL_SEED if global_seed is None else global_seed, int(seed))


class SeededPasses:
    """The generators of a random transformation's passes, from seeds fixed when it is created.

    Each pass (each `iter()`) draws from a generator keyed by the seeds and, when `rerandomize`, the
    pass number: a new draw every pass, the same sequence of draws every run. A peek (for element_spec)
    reuses the next pass's generator without using it up. `salt` keeps the streams of different kinds of
    transformations built from the same seed apart.
    """

    def __init__(self, seed, rerandomize, salt=()):
        self.key = seed_key(seed) + tuple(salt)
        self.rerandomize = rerandomize
        self._passes = 0
        self._lock = threading.Lock()

    def generator(self, ctx):
        with self._lock:
            number = self._passes if self.rerandomize else 0
            if not ctx.peeking:
                self._passes += 1
        return host.new_generator(self.key + (number,))


class ShuffleDataset(Dataset):
    def __init__(self, child, buffer_size, seed, reshuffle_each_iteration):
        if buffer_size <= 0 and buffer_size != UNKNOWN:
            raise InvalidArgumentError("buffer_size must be greater than zero or UNKNOWN_CARDINALITY")
        self._child = child
        self._inputs = (child,)
        self._source = child._source
        # UNKNOWN_CARDINALITY as buffer_size means a buffer as large as the dataset: a full shuffle.
        self._buffer_size = sys.maxsize if buffer_size == UNKNOWN else buffer_size
        self._passes = SeededPasses(seed, reshuffle_each_iteration)

    def _elements(self, ctx):
        if self._source is not None:
            return self._source.elements(self._index_chunks(ctx))
        return host.shuffled_elements(iter(self._child._elements(ctx)), self._buffer_size,
                                      self._passes.generator(ctx))

    def _index_chunks(self, ctx):
        reader = host.IndexReader(self._child._index_chunks(ctx))
        return host.shuffled_indices(reader, self._buffer_size, self._passes.generator(ctx))

    def _cardinality(self):
        return self._child._cardinality()

    def _compute_spec(self):
        return self._child.element_spec

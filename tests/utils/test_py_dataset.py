"""keras.utils.PyDataset: batches by index, loaded in order by worker threads or processes."""
import itertools
import math
import os
import random
import threading
import time

import numpy as np
import pytest

from gradfit import keras


class Squares(keras.utils.PyDataset):
    """Batch i is (x, y) with x = [i*bs, ..., i*bs + bs - 1] and y = x**2; the last batch may be short."""

    def __init__(self, n=10, batch_size=3, delay=0.0, fail_at=None, **kwargs):
        super().__init__(**kwargs)
        self.n, self.batch_size, self.delay, self.fail_at = n, batch_size, delay, fail_at
        self.loaded_by = set()

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def __getitem__(self, index):
        if index == self.fail_at:
            raise KeyError(f"sample file for batch {index} is missing")
        if self.delay:
            time.sleep(self.delay * ((7 * index) % 3))  # later batches often finish first
        self.loaded_by.add((os.getpid(), threading.current_thread().name))
        x = np.arange(index * self.batch_size, min((index + 1) * self.batch_size, self.n))
        return x, x**2


def first_values(batches):
    return [int(x[0]) for x, _ in batches]


def test_subclass_is_indexed_and_iterated_like_keras():
    ds = Squares()
    assert len(ds) == 4 and ds.num_batches == 4
    x, y = ds[3]
    np.testing.assert_array_equal(x, [9])
    np.testing.assert_array_equal(y, [81])
    assert first_values(ds) == [0, 3, 6, 9]
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (1, False, 10)
    assert keras.utils.Sequence is keras.utils.PyDataset


def test_threads_load_in_parallel_and_yield_in_index_order():
    ds = Squares(n=30, batch_size=2, delay=0.01, workers=4)
    assert first_values(ds._epoch_batches()) == list(range(0, 30, 2))
    assert len({name for _, name in ds.loaded_by}) > 1  # several worker threads did the loading
    assert all(name.startswith("PyDataset_worker") for _, name in ds.loaded_by)


def test_processes_load_in_order():
    ds = Squares(n=12, batch_size=2, workers=2, use_multiprocessing=True)
    batches = list(ds._epoch_batches())
    assert first_values(batches) == [0, 2, 4, 6, 8, 10]
    np.testing.assert_array_equal(batches[-1][1], [100, 121])
    assert ds.loaded_by == set()  # the batches were loaded in the worker processes, not here


def test_single_worker_loads_in_the_calling_thread():
    ds = Squares(workers=1)
    assert first_values(ds._epoch_batches()) == [0, 3, 6, 9]
    assert {name for _, name in ds.loaded_by} == {threading.current_thread().name}


@pytest.mark.parametrize("use_multiprocessing", [False, True])
def test_worker_exception_reaches_the_caller_unchanged(use_multiprocessing):
    ds = Squares(n=20, batch_size=2, workers=3, use_multiprocessing=use_multiprocessing, fail_at=4)
    seen = []
    with pytest.raises(KeyError, match="sample file for batch 4 is missing"):
        for x, _ in ds._epoch_batches():
            seen.append(int(x[0]))
    assert seen == [0, 2, 4, 6]  # every batch before the failing one arrived, in order


def test_shuffle_visits_every_batch_once_in_a_seeded_order():
    ds = Squares(n=20, batch_size=2, workers=3)
    random.seed(3)
    first = first_values(ds._epoch_batches(shuffle=True))
    random.seed(3)
    assert first_values(ds._epoch_batches(shuffle=True)) == first
    assert sorted(first) == list(range(0, 20, 2)) and first != sorted(first)


def test_closing_early_stops_loading_ahead():
    ds = Squares(n=1000, batch_size=1, workers=2, max_queue_size=3)
    calls = []
    original = ds.__getitem__
    ds.__getitem__ = lambda i: calls.append(i) or original(i)  # noqa: E731 (instance attribute: workers use it)
    batches = ds._epoch_batches()
    assert [int(x[0]) for x, _ in itertools.islice(batches, 5)] == [0, 1, 2, 3, 4]
    batches.close()
    assert len(calls) <= 5 + 3


class Endless(keras.utils.PyDataset):
    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return np.full((2,), index)


def test_endless_dataset():
    ds = Endless(workers=2)
    assert [int(b[0]) for b in itertools.islice(ds._epoch_batches(), 25)] == list(range(25))
    assert [int(b[0]) for b in itertools.islice(iter(ds), 3)] == [0, 1, 2]


class Reshuffled(keras.utils.PyDataset):
    """Changes its order in on_epoch_end, as a user's dataset reshuffling between epochs would."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.order = [0, 1, 2, 3]

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return np.array([self.order[index]])

    def on_epoch_end(self):
        self.order = self.order[::-1]


def test_processes_see_changes_made_between_epochs():
    ds = Reshuffled(workers=2, use_multiprocessing=True)
    assert [int(b[0]) for b in ds._epoch_batches()] == [0, 1, 2, 3]
    ds.on_epoch_end()
    assert [int(b[0]) for b in ds._epoch_batches()] == [3, 2, 1, 0]


def test_missing_super_init_warns_and_uses_defaults():
    class NoSuper(keras.utils.PyDataset):
        def __init__(self):
            self.data = [1, 2]

        def __len__(self):
            return 2

        def __getitem__(self, index):
            return self.data[index]

    ds = NoSuper()
    with pytest.warns(UserWarning, match=r"should call `super\(\).__init__\(\*\*kwargs\)`"):
        assert ds.workers == 1
    assert list(ds._epoch_batches()) == [1, 2]


def test_unfinished_subclass_and_bad_arguments_are_reported():
    class NoLength(keras.utils.PyDataset):
        pass

    with pytest.raises(TypeError, match="must define __getitem__"):
        NoLength()[0]
    with pytest.raises(TypeError, match="must define __len__"):
        NoLength().num_batches
    with pytest.raises(ValueError, match="workers"):
        Squares(workers=-1)
    with pytest.raises(ValueError, match="max_queue_size"):
        Squares(max_queue_size=0)

"""keras.utils.PyDataset (also `keras.utils.Sequence`): a dataset written in Python, one batch per index.

`fit()` reads a PyDataset through `_epoch_batches()`, which loads batches with the dataset's own `workers`
(threads, or processes with `use_multiprocessing=True`) while keeping them in index order.
"""
import collections
import concurrent.futures
import itertools
import random
import warnings


class PyDataset:
    """Base class for a dataset computed in Python: subclasses define `__len__` (the number of batches) and
    `__getitem__(index)` (the complete batch at that index, e.g. a tuple `(x, y)`).

    `on_epoch_begin()` and `on_epoch_end()` may be overridden to change the data between epochs. Instead of
    `__len__`, a subclass may define the property `num_batches`, returning None for an endless dataset.

    Args:
        workers: number of threads (or processes) loading batches in parallel during `fit()`.
        use_multiprocessing: load batches in processes instead of threads, for work that holds Python's lock.
            The dataset is copied into each process at the start of each epoch, so it must be picklable
            where processes are spawned rather than forked.
        max_queue_size: most batches loaded ahead of the one being used.

    Iterating a PyDataset directly (`for batch in dataset`) uses no parallelism, as in Keras.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise ValueError(f"PyDataset expected `workers` to be an integer >= 0, got workers={workers!r}")
        if isinstance(max_queue_size, bool) or not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(f"PyDataset expected `max_queue_size` to be an integer >= 1, "
                             f"got max_queue_size={max_queue_size!r}")
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = [name for name in ("_workers", "_use_multiprocessing", "_max_queue_size") if not hasattr(self, name)]
        if missing:
            self._workers, self._use_multiprocessing, self._max_queue_size = (
                getattr(self, "_workers", 1), getattr(self, "_use_multiprocessing", False),
                getattr(self, "_max_queue_size", 10))
            warnings.warn("Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. "
                          "`**kwargs` can include `workers`, `use_multiprocessing`, `max_queue_size`. Do not pass "
                          "these arguments to `fit()`, as they will be ignored.", stacklevel=3)

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} must define __getitem__(index), returning the batch at `index`: "
                        "a PyDataset subclass defines __getitem__ and __len__")

    @property
    def num_batches(self):
        """The number of batches, `len(self)`; a subclass may return None here for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise TypeError(f"{type(self).__name__} must define __len__ (the number of batches), or a `num_batches` "
                        "property returning it, or None for an endless dataset")

    def __iter__(self):
        for index in self._indices(shuffle=False):
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of every epoch of `fit()`; override to change the data."""

    def on_epoch_end(self):
        """Called at the end of every epoch of `fit()`; override to change the data (e.g. reshuffle it)."""

    def _indices(self, shuffle):
        """The batch indices of one epoch: 0..n-1 (shuffled with Python's `random` when asked), or endless."""
        if not hasattr(self, "__len__") and type(self).num_batches is PyDataset.num_batches:
            return itertools.count()  # neither told: endless, as Keras iterates it
        count = self.num_batches
        if count is None:
            return itertools.count()
        indices = list(range(count))
        if shuffle:
            random.shuffle(indices)
        return indices

    def _epoch_batches(self, shuffle=False):
        """Yields one epoch of batches in index order (or shuffled with `shuffle=True`).

        With `workers > 1`, or `use_multiprocessing` and `workers > 0`, batches are loaded by a pool of threads
        or processes, at most `max_queue_size` ahead; an exception raised while loading a batch is raised here,
        unchanged. Closing the generator early stops the pool.
        """
        indices = self._indices(shuffle)
        workers, use_processes = self.workers, self.use_multiprocessing
        if workers > 1 or (workers > 0 and use_processes):
            yield from _load_in_parallel(self, indices, workers, use_processes, self.max_queue_size)
        else:
            for index in indices:
                yield self[index]


Sequence = PyDataset


def _load_in_parallel(dataset, indices, workers, use_processes, max_queue_size):
    if use_processes:
        # A new pool each epoch, so changes made by on_epoch_end reach the workers' copies.
        pool = concurrent.futures.ProcessPoolExecutor(workers, initializer=_install_worker_dataset,
                                                      initargs=(dataset,))
        load = _load_in_worker
    else:
        pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="PyDataset_worker")
        load = dataset.__getitem__
    indices = iter(indices)
    pending = collections.deque()
    try:
        for index in itertools.islice(indices, max_queue_size):
            pending.append(pool.submit(load, index))
        while pending:
            batch = pending.popleft().result()  # re-raises a worker's exception as it was raised
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(load, index))
            yield batch
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


_worker_dataset = None  # in a worker process: the dataset it loads batches from


def _install_worker_dataset(dataset):
    global _worker_dataset
    _worker_dataset = dataset


def _load_in_worker(index):
    return _worker_dataset[index]

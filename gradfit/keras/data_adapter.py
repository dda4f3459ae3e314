"""Turning what users pass to fit/evaluate/predict into batches, epoch after epoch.

Accepted data, as in Keras 3: NumPy arrays and Tensors (also lists/tuples/dicts of them, with `y` and
`sample_weight` alongside), `gradfit.data.Dataset`, `keras.utils.PyDataset`, and Python generators or
iterators yielding `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`.
"""
import math

import numpy as np

from .. import backend, nest
from ..tensor import Tensor


def unpack_x_y_sample_weight(data):
    """`(x, y, sample_weight)` from `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found: {data}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The data tuple fit() takes: `x` alone (or `(x,)` if x is a tuple), `(x, y)` or `(x, y, sample_weight)`."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight


def _is_array(x):
    return isinstance(x, (np.ndarray, Tensor)) or (
        hasattr(x, "__array__") and hasattr(x, "shape") and hasattr(x, "dtype"))


def _as_array(x):
    """A leaf of user data as a NumPy array (lists of numbers become arrays with TensorFlow's dtypes)."""
    if x is None:
        return None
    if isinstance(x, Tensor):
        return x._value
    if isinstance(x, np.ndarray):
        return x
    return backend.to_array(x)


def is_array_data(x):
    """Whether `x` is in-memory array data (possibly nested in lists/tuples/dicts)."""
    if x is None:
        return False
    if _is_array(x):
        return True
    if isinstance(x, dict):
        return bool(x) and all(v is None or is_array_data(v) or _is_number_list(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        if _is_number_list(x):
            return True
        return bool(x) and all(v is None or is_array_data(v) for v in x)
    return False


def _is_number_list(x):
    if not isinstance(x, (list, tuple)) or not x:
        return False
    first = x[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (int, float, bool, np.number))


def _arrays(structure):
    """The structure with every leaf converted to a NumPy array (lists of numbers count as leaves)."""
    if structure is None:
        return None
    if _is_array(structure) or _is_number_list(structure):
        return _as_array(structure)
    if isinstance(structure, dict):
        return {k: _arrays(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_arrays(v) for v in structure) if not hasattr(structure, "_fields") else \
            type(structure)(*[_arrays(v) for v in structure])
    return _as_array(structure)


def _leaves(structure):
    return [leaf for leaf in nest.flatten(structure) if leaf is not None]


def check_cardinality(x, y, sample_weight):
    """All arrays must have the same number of samples; the error lists the sizes found."""
    if x.__class__ is np.ndarray and y.__class__ is np.ndarray and sample_weight is None and x.ndim and y.ndim \
            and x.shape[0] == y.shape[0]:
        return x.shape[0]  # the common case, checked without walking structures
    sizes = {}
    for name, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        leaves = _leaves(part)
        for leaf in leaves:
            if np.ndim(leaf) == 0:
                raise ValueError(f"Expected '{name}' to be an array with a batch dimension, got a scalar: {leaf!r}")
        if leaves:
            sizes[name] = [int(np.shape(leaf)[0]) for leaf in leaves]
    all_sizes = {s for v in sizes.values() for s in v}
    if len(all_sizes) > 1:
        detail = " ".join(f"'{name}' sizes: {', '.join(map(str, v))}" for name, v in sizes.items())
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. " + detail)
    return all_sizes.pop() if all_sizes else 0


def train_validation_split(arrays, validation_split):
    """(train, validation): the last `validation_split` fraction of the samples, before any shuffling."""
    flat = [a for a in nest.flatten(arrays) if a is not None]
    n = int(np.shape(flat[0])[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a validation and "
            f"training set as specified by `validation_split={validation_split}`. Either provide more data, or a "
            "different value for the `validation_split` argument.")

    def part(start, stop):
        return nest.map_structure(lambda a: None if a is None else a[start:stop], arrays)

    return part(0, split_at), part(split_at, n)


def class_weight_to_sample_weights(y, class_weight):
    """Per-sample weights from a {class: weight} dict and labels (class ids, or one-hot rows)."""
    class_weight = {int(cls): w for cls, w in class_weight.items()}  # keys may be given as strings ("0")
    y = _as_array(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64)
    table = np.ones(max(max(class_weight) + 1, int(labels.max()) + 1 if labels.size else 0), dtype=backend.floatx())
    for cls, w in class_weight.items():
        table[int(cls)] = w
    return table[labels]


def _to_tensors(structure):
    return nest.map_structure(lambda a: a if a is None or isinstance(a, Tensor) else Tensor(_as_array(a)), structure)


class ArrayBatches:
    """Batches of in-memory arrays: slices when in order, one gather per leaf when shuffled."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, class_weight=None):
        self.data = (_arrays(x), _arrays(y), _arrays(sample_weight))
        self.num_samples = check_cardinality(*self.data)
        if class_weight is not None:
            if self.data[1] is None:
                raise ValueError("`class_weight` needs targets `y`")
            if len(_leaves(self.data[1])) != 1:
                raise ValueError("`class_weight` is only supported for models with a single output")
            if self.data[2] is not None:
                raise ValueError("Arguments `sample_weight` and `class_weight` cannot be specified at the same time")
            self.data = (self.data[0], self.data[1], class_weight_to_sample_weights(_leaves(self.data[1])[0],
                                                                                    class_weight))
        self.batch_size = int(batch_size or 32)
        if self.batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"shuffle must be True, False or 'batch', got {shuffle!r}")
        self.shuffle = shuffle
        self.num_batches = max(1, math.ceil(self.num_samples / self.batch_size)) if self.num_samples else 0
        self._flat = nest.flatten(self.data)
        x, y, sw = self.data
        self._plain = isinstance(x, np.ndarray) and (y is None or isinstance(y, np.ndarray)) and sw is None

    def _batch(self, key):
        x, y, sw = self.data
        if self._plain:
            # The common case, one array of inputs and one of targets: no structure walks (and a shuffled
            # batch is gathered with `take`, which is faster than fancy indexing).
            if key.__class__ is np.ndarray:
                return (Tensor(x.take(key, 0)), Tensor(y.take(key, 0))) if y is not None else Tensor(x.take(key, 0))
            return (Tensor(x[key]), Tensor(y[key])) if y is not None else Tensor(x[key])
        flat = [None if a is None else Tensor(a[key]) for a in self._flat]
        return pack_x_y_sample_weight(*nest.pack_sequence_as(self.data, flat))

    def __iter__(self):
        n, b = self.num_samples, self.batch_size
        if self.shuffle is True:
            order = backend.rng().permutation(n)
            for start in range(0, n, b):
                yield self._batch(order[start:start + b])
        elif self.shuffle == "batch":
            for i in backend.rng().permutation(self.num_batches):
                yield self._batch(slice(i * b, min(n, (i + 1) * b)))
        else:
            for start in range(0, n, b):
                yield self._batch(slice(start, start + b))


class IterableBatches:
    """Batches from a Dataset, PyDataset, generator or iterator: each element yielded is one batch."""

    def __init__(self, data, shuffle=False):
        self.data = data
        self.pydataset = data if _is_pydataset(data) else None
        self.shuffle = shuffle is True
        if self.pydataset is not None:
            self.num_batches = data.num_batches if hasattr(data, "num_batches") else len(data)
        else:
            self.num_batches = _known_length(data)
        self._iterator = None

    def iterator(self, continue_previous):
        """An iterator over batches: a new pass unless `continue_previous` (or the source is one-shot)."""
        one_shot = self.pydataset is None and iter(self.data) is self.data
        if self._iterator is None or not (continue_previous or one_shot):
            self._iterator = iter(self._pass())
        return self._iterator

    def _pass(self):
        if self.pydataset is None:
            return self.data
        # keras.utils.PyDataset: its own worker-aware iteration (shuffled batch order under fit's
        # shuffle=True, as Keras), else by index.
        self.pydataset.on_epoch_begin()
        batches = getattr(self.pydataset, "_epoch_batches", None)
        if batches is not None:
            return batches(shuffle=self.shuffle)
        return (self.pydataset[i] for i in range(len(self.pydataset)))

    def on_epoch_end(self):
        if self.pydataset is not None:
            self.pydataset.on_epoch_end()


class EpochIterator:
    """Yields `(step, batch)` for one epoch per `iter()`; a batch is `x`, `(x, y)` or `(x, y, sample_weight)`
    of Tensors, as Keras hands it to train_step.

    With `steps_per_epoch`, an epoch stops after that many batches and the next epoch continues where the
    data left off (repeated datasets, generators; arrays wrap around), as Keras does. `exhausted` tells
    that a dataset or generator ran out before `steps_per_epoch` batches; the next epoch then starts a
    fresh pass.
    """

    def __init__(self, x=None, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                 class_weight=None):
        self.steps_per_epoch = steps_per_epoch
        self.exhausted = False
        self.steps_seen = 0
        self._pending = None
        if is_array_data(x):
            self.adapter = ArrayBatches(x, y, sample_weight, batch_size, shuffle, class_weight)
        else:
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"When providing `x` as a dataset, generator or PyDataset, `{name}` should not be passed: "
                        f"include it in the data yielded by `x`. Received {name} of type {type(value).__name__}")
            if class_weight is not None and not _is_dataset(x):
                raise ValueError("`class_weight` is only supported for array inputs and Datasets")
            if x is None:
                raise ValueError("No data: pass `x` (arrays, a Dataset, a PyDataset or a generator)")
            if not (_is_pydataset(x) or hasattr(x, "__iter__")):
                raise ValueError(
                    f"Unrecognized data type: x={type(x).__name__}. Expected NumPy arrays, tensors, lists or dicts "
                    "of them, a gradfit.data.Dataset, a keras.utils.PyDataset or a Python generator")
            self.adapter = IterableBatches(x, shuffle)
        self.num_batches = steps_per_epoch if steps_per_epoch is not None else self.adapter.num_batches
        self._class_weight = class_weight if isinstance(self.adapter, IterableBatches) else None

    def __iter__(self):
        steps = self.steps_per_epoch
        if isinstance(self.adapter, ArrayBatches):
            if steps is None:
                yield from enumerate(self.adapter)
                return
            step = 0
            while step < steps:
                if self._pending is None:
                    self._pending = iter(self.adapter)
                for batch in self._pending:
                    yield step, batch
                    step += 1
                    if step >= steps:
                        return
                self._pending = None
            return
        # After running out, the next epoch starts a fresh pass (as Keras 3); a one-shot source then
        # yields nothing, and `steps_seen` says so.
        continue_previous = steps is not None and not self.exhausted
        self.exhausted = False
        step = self.steps_seen = 0
        for element in self.adapter.iterator(continue_previous=continue_previous):
            yield step, _to_batch(element, self._class_weight)
            step += 1
            self.steps_seen = step
            if steps is not None and step >= steps:
                return
        if steps is not None:
            self.exhausted = True

    def on_epoch_end(self):
        if isinstance(self.adapter, IterableBatches):
            self.adapter.on_epoch_end()


def _to_batch(element, class_weight=None):
    """A yielded element with its arrays as Tensors, its structure kept (train_step sees what was yielded);
    with `class_weight`, an `(x, y)` batch gains the sample weights of its labels (as Keras does for Datasets)."""
    if isinstance(element, Tensor):
        return element
    if class_weight is not None:
        x, y, sample_weight = unpack_x_y_sample_weight(tuple(element) if isinstance(element, list) else element)
        if y is None:
            raise ValueError("`class_weight` needs targets: the dataset must yield (x, y) batches")
        if len(nest.flatten(y)) != 1:
            raise ValueError("`class_weight` is only supported for models with a single output")
        if sample_weight is None:
            element = (x, y, class_weight_to_sample_weights(nest.flatten(y)[0], class_weight))
    return _to_tensors(element)


def _is_dataset(x):
    from ..data import Dataset

    return isinstance(x, Dataset)


def _is_pydataset(x):
    from .utils.py_dataset import PyDataset

    return isinstance(x, PyDataset) or (hasattr(x, "__getitem__") and hasattr(x, "__len__") and hasattr(
        x, "on_epoch_end") and not isinstance(x, (list, tuple, dict, np.ndarray)))


def _known_length(x):
    try:
        n = len(x)
    except TypeError:
        return None
    return n if n >= 0 else None

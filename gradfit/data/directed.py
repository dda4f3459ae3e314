"""Elements drawn from other datasets or from a random stream: choose_from_datasets, sample_from_datasets,
Dataset.random and rejection_resample.

Random draws follow tf.data's seeds (see `shuffling.SeededPasses`): repeatable with `seed=` or after
`gradfit.backend.set_seed`, the same draws every pass unless `rerandomize_each_iteration=True`. The
generator is NumPy's, so a seed gives other (equally distributed) draws than it does in TensorFlow.
"""
import bisect
import itertools

from .. import TensorSpec
from ..errors import InvalidArgumentError
from . import host, structure
from .dataset import INFINITE, UNKNOWN, Dataset
from .shuffling import SeededPasses

# Kept in the generator keys so that Dataset.random and a sampler built from the same seed draw apart.
_RANDOM_SALT = (1,)
_SAMPLE_SALT = (2,)
_BLOCK = 1024
# What TensorFlow adds to an initial class probability before dividing by it (float32's smallest normal).
_TINY = 1.1754943508222875e-38


def check_datasets(datasets):
    """The datasets as a list, and the element spec that fits them all (TypeError if none does)."""
    if isinstance(datasets, Dataset) or not isinstance(datasets, (list, tuple)):
        raise TypeError(f"Invalid `datasets`. `datasets` should be a list of `tf.data.Dataset` objects but is "
                        f"{type(datasets)}.")
    datasets = list(datasets)
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    for i, d in enumerate(datasets):
        if not isinstance(d, Dataset):
            raise TypeError(f"Invalid `datasets`. `datasets` should be a list of `tf.data.Dataset` objects but "
                            f"element {i} is {type(d)}.")
    spec = datasets[0].element_spec
    for d in datasets[1:]:
        spec = structure.relax_structure(spec, d.element_spec)
        if spec is None:
            listing = "\n".join(f"Dataset {i} element_spec={d.element_spec}." for i, d in enumerate(datasets))
            raise TypeError(f"Invalid `datasets`. `datasets` must have compatible element specs.\n{listing}")
    return datasets, spec


class _Directed(Dataset):
    """The elements of `datasets`, taken one at a time from the dataset each choice names.

    A choice of an exhausted dataset ends the pass when `stop_on_empty`, else it is skipped; the pass
    also ends when every dataset is exhausted.
    """

    def __init__(self, datasets, spec, stop_on_empty, more_inputs=()):
        self._datasets = datasets
        self._inputs = tuple(datasets) + tuple(more_inputs)
        self._element_spec = spec
        self._stop = stop_on_empty

    def _elements(self, ctx):
        iterators = [None] * len(self._datasets)
        active = [True] * len(self._datasets)
        for i in self._choices(ctx, active):
            if not active[i]:
                if self._stop:
                    return
                continue
            if iterators[i] is None:
                iterators[i] = iter(self._datasets[i]._elements(ctx))
            element = next(iterators[i], _END)
            if element is _END:
                active[i] = False
                iterators[i] = None
                if self._stop or not any(active):
                    return
                continue
            yield element

    def _cardinality(self):
        counts = [d._cardinality() for d in self._inputs]
        return INFINITE if all(n == INFINITE for n in counts) else UNKNOWN


class ChooseFromDatasets(_Directed):
    """`Dataset.choose_from_datasets`: element k comes from `datasets[choice k]`."""

    def __init__(self, datasets, choice_dataset, stop_on_empty_dataset):
        datasets, spec = check_datasets(datasets)
        if not isinstance(choice_dataset, Dataset):
            raise TypeError("Invalid `choice_dataset`. `choice_dataset` should be a `tf.data.Dataset` but is "
                            f"{type(choice_dataset)}.")
        choice_spec = choice_dataset.element_spec
        if choice_spec != TensorSpec((), "int64"):
            raise TypeError("Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar `tf.int64` "
                            f"tensors but are {choice_spec}.")
        super().__init__(datasets, spec, bool(stop_on_empty_dataset), (choice_dataset,))
        self._choice_dataset = choice_dataset

    def _choices(self, ctx, active):
        n = len(self._datasets)
        for choice in self._choice_dataset._elements(ctx):
            i = int(choice)
            if not 0 <= i < n:
                raise InvalidArgumentError(f"Selector index out of range: {i} is not in [0, {n}) (the indices of "
                                           "the datasets given to choose_from_datasets).")
            yield i


class SampleFromDatasets(_Directed):
    """`Dataset.sample_from_datasets`: each element comes from dataset i with probability weights[i].

    Weights are normalized over the datasets still in play (a weight of zero or less is never drawn);
    when only datasets of weight zero are left the pass ends. `weights` may be a Dataset of weight
    vectors, one per element drawn.
    """

    def __init__(self, datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration):
        datasets, spec = check_datasets(datasets)
        self._weights_dataset = None
        self._weights = [1.0] * len(datasets)
        more = ()
        if isinstance(weights, Dataset):
            weight_spec = weights.element_spec
            if not isinstance(weight_spec, TensorSpec) or not weight_spec.dtype.is_floating:
                raise TypeError("Invalid `weights`. The elements of a `weights` dataset must be float32 or float64 "
                                f"vectors but are {weight_spec}.")
            self._weights_dataset = weights
            more = (weights,)
        elif weights is not None:
            self._weights = _weight_vector(weights, len(datasets))
        super().__init__(datasets, spec, bool(stop_on_empty_dataset), more)
        self._passes = SeededPasses(seed, bool(rerandomize_each_iteration), _SAMPLE_SALT)

    def _choices(self, ctx, active):
        uniforms = _uniforms(self._passes.generator(ctx))
        if self._weights_dataset is None:
            weight_vectors = itertools.repeat(self._weights)
        else:
            weight_vectors = (_weight_vector(w, len(self._datasets), InvalidArgumentError)
                              for w in self._weights_dataset._elements(ctx))
        stop = self._stop
        cumulative, seen = None, None
        for weights in weight_vectors:
            state = (weights, None if stop else tuple(active))
            if state != seen:  # only recomputed when the weights or the datasets in play change
                seen = state
                cumulative = list(itertools.accumulate(
                    w if w > 0 and (stop or active[i]) else 0.0 for i, w in enumerate(weights)))
                if cumulative[-1] <= 0:
                    return
            i = bisect.bisect_right(cumulative, next(uniforms) * cumulative[-1])
            # A product rounded up to the total belongs to the last dataset of positive weight.
            yield i if i < len(cumulative) else bisect.bisect_left(cumulative, cumulative[-1])


def _weight_vector(weights, n, error=ValueError):
    arr = host.as_component(weights)
    if arr.dtype.kind != "f":
        raise TypeError(f"Invalid `weights`. `weights` type must be either `tf.float32` or `tf.float64` but is "
                        f"{arr.dtype}.")
    if arr.ndim != 1 or arr.shape[0] != n:
        got = arr.shape[0] if arr.ndim == 1 else f"shape {tuple(arr.shape)}"
        raise error(f"Invalid `weights`. `weights` should have the same length as `datasets` but got "
                    f"`len(weights)={got}` vs. `len(datasets)={n}`.")
    return tuple(float(w) for w in arr.tolist())


def _uniforms(generator):
    """Floats uniform in [0, 1), drawn in blocks."""
    while True:
        yield from host.uniform_floats(generator, _BLOCK)


class RandomDataset(Dataset):
    """`Dataset.random`: an infinite stream of int64 values uniform in [0, 2**32), as tf.data's."""

    def __init__(self, seed, rerandomize_each_iteration):
        self._passes = SeededPasses(seed, bool(rerandomize_each_iteration), _RANDOM_SALT)
        self._element_spec = TensorSpec((), "int64")

    def _elements(self, ctx):
        generator = self._passes.generator(ctx)
        while True:
            block = host.random_uint32(generator, _BLOCK)
            for i in range(_BLOCK):
                yield block[i, ...]

    def _cardinality(self):
        return INFINITE


_END = object()


# ---------------------------------------------------------------------------------- rejection_resample
def rejection_resample(dataset, class_func, target_dist, initial_dist=None, seed=None):
    """(class, element) pairs of `dataset` resampled towards the class distribution `target_dist`.

    As tf.data does: a draw takes the next element of the original stream with probability m (the
    smallest target/initial ratio), else the next element a rejection sampler over a second pass of the
    dataset accepts (class i with probability (r_i - m) / (max r - m)). The initial distribution is
    `initial_dist`, or estimated as elements go by (class counts starting at 10 each, updated every 32).
    """
    from ..ops import array, math

    target = _probabilities(target_dist)

    def with_class(*element):
        return class_func(*element), element[0] if len(element) == 1 else element

    originals = dataset.map(with_class)
    if initial_dist is not None:
        initial = _probabilities(initial_dist)
        ratios = [t / i for t, i in zip(target, initial)] if all(initial) else None
        if ratios is not None and min(ratios) == 1:
            return originals
        acceptance, mix = _acceptance(initial, target)
        acceptance_ds = Dataset.from_tensors(host.as_component(acceptance, host.FLOAT32)).repeat()
        weights = [mix, 1.0 - mix]
        if ratios is not None and min(ratios) == 0:
            weights = None
    else:
        estimates = _estimated_distributions(dataset.map(class_func), len(target))
        mixing = estimates.map(lambda p: _acceptance_tensors(p, target))
        acceptance_ds = mixing.map(lambda acceptance, mix: acceptance)
        weights = mixing.map(lambda acceptance, mix: math.cast(array.stack([mix, 1.0 - mix]), "float32"))

    def classify(acceptance, element, draw):
        value = class_func(*element) if isinstance(element, tuple) else class_func(element)
        return value, array.gather(acceptance, value), element, draw

    def accept(value, probability, element, draw):
        return math.less(math.cast(draw, "float64") / 4294967296.0, math.cast(probability, "float64"))

    accepted = (Dataset.zip((acceptance_ds, dataset, Dataset.random(seed))).map(classify).filter(accept)
                .map(lambda value, probability, element, draw: (value, element)))
    if weights is None:
        return accepted
    return Dataset.sample_from_datasets([originals, accepted], weights=weights, seed=seed, stop_on_empty_dataset=True)


def _probabilities(dist):
    return [float(p) for p in host.as_component(dist, host.FLOAT32).reshape(-1).tolist()]


def _acceptance(initial, target):
    """Per-class acceptance probabilities of the rejection sampler and the share m of the original stream."""
    ratios = [t / (i + _TINY) for t, i in zip(target, initial)]
    low, high = min(ratios), max(ratios)
    return [(r - low) / (high - low) if high != low else float("nan") for r in ratios], low


def _acceptance_tensors(initial, target):
    acceptance, mix = _acceptance([float(p) for p in initial.numpy().tolist()], target)
    return host.as_component(acceptance, host.FLOAT32), host.as_component(mix, host.FLOAT32)


def _estimated_distributions(classes, num_classes, batch=32, smoothing=10):
    """One running estimate of the class distribution per element (counts updated every `batch` elements)."""
    from ..ops import array, math, reduction

    def update(counts, values):
        counts = math.add(counts, reduction.reduce_sum(array.one_hot(math.cast(values, "int64"), num_classes,
                                                                     dtype="int64"), 0))
        dist = math.cast(math.divide(counts, reduction.reduce_sum(counts)), "float32")
        return counts, array.tile(array.expand_dims(dist, 0), [array.shape(values)[0], 1])

    start = host.as_component([smoothing] * num_classes, host.INT64)
    return classes.batch(batch).scan(start, update).unbatch()

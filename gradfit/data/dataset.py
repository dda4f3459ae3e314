"""`Dataset`: tf.data's input pipelines, built by chaining transformations and iterated in Python.

    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024).batch(64).prefetch(tf.data.AUTOTUNE)
    for x_batch, y_batch in dataset:
        ...

A Dataset is a description: each `iter()` starts a fresh pass (a new shuffle order when
`reshuffle_each_iteration`). Elements are Tensors in the element's structure.

Each transformation is a subclass, defined in this package's other modules, that yields its elements
(structures of NumPy arrays) from `_elements(ctx)`. Datasets whose elements are rows of in-memory arrays
(`from_tensor_slices`, `range`, and shuffle/take/skip/repeat/shard/cache/prefetch over them) also expose
`_source` and an index stream, `_index_chunks(ctx)`: `batch` then gathers whole batches with one index
array per component instead of stacking element by element.
"""
import numbers

from ..errors import InvalidArgumentError, OutOfRangeError
from ..tensor import Tensor
from . import host, structure
from .options import Options

AUTOTUNE = -1
INFINITE = -1
UNKNOWN = -2


class IterationContext:
    """What a pass over a pipeline knows: the pipeline's options, whether it only peeks at one element, and
    `on_error`: None, or (under `ignore_errors`) what to call with an error before dropping its element."""

    __slots__ = ("options", "peeking", "on_error")

    def __init__(self, options, peeking=False, on_error=None):
        self.options = options
        self.peeking = peeking
        self.on_error = on_error


class Dataset:
    """A sequence of elements with TensorFlow's `tf.data.Dataset` API."""

    _source = None  # rows of in-memory arrays, when elements are read by index (see module docstring)
    _inputs = ()
    _own_options = None

    # -- what a subclass provides
    def _elements(self, ctx):
        """An iterator over the elements of one pass (structures of arrays)."""
        return self._source.elements(self._index_chunks(ctx))

    def _index_chunks(self, ctx):
        """The index stream of one pass, as ranges and int arrays (only when `_source` is set)."""
        raise TypeError(f"{type(self).__name__} is not read by index")

    def _cardinality(self):
        return UNKNOWN

    def _compute_spec(self):
        """The element spec; by default taken from the first element (what a user function returns)."""
        return structure.element_spec_of(self._first_element())

    def _first_element(self):
        elements = self._elements(IterationContext(self.options(), peeking=True))
        try:
            return next(iter(elements))
        except StopIteration:
            raise ValueError(
                f"The element_spec of this {type(self).__name__} comes from its first element, but the "
                "dataset is empty") from None
        finally:
            close = getattr(elements, "close", None)
            if close is not None:
                close()

    # -- properties of the pipeline
    @property
    def element_spec(self):
        """The structure of TensorSpecs of an element."""
        spec = self.__dict__.get("_element_spec")
        if spec is None:
            spec = self.__dict__["_element_spec"] = self._compute_spec()
        return spec

    def cardinality(self):
        """The number of elements as an int64 scalar tensor: INFINITE (-1) or UNKNOWN (-2) if so."""
        return Tensor(host.scalar(self._cardinality(), host.INT64))

    def __len__(self):
        n = self._cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def options(self):
        """The options of this pipeline: its inputs' options, overridden by those set on it."""
        merged = Options()
        for d in self._inputs:
            merged = merged.merge(d.options())
        return merged.merge(self._own_options) if self._own_options is not None else merged

    def __repr__(self):
        return f"<{type(self).__name__} element_spec={self.element_spec}>"

    # -- iteration
    def __iter__(self):
        return Iterator(self)

    def as_numpy_iterator(self):
        """An iterator over the elements as NumPy arrays (scalars as NumPy scalars, strings as bytes)."""
        return NumpyIterator(self)

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements into a state: `state = reduce_func(state, element)` for each element."""
        state = structure.normalize(initial_state)
        for element in self._elements(IterationContext(self.options())):
            new = structure.from_function_output(reduce_func(structure.to_tensors(state),
                                                             structure.to_tensors(element)))
            old_spec, new_spec = structure.element_spec_of(state), structure.element_spec_of(new)
            if structure.state_mismatch(old_spec, new_spec):
                raise TypeError(f"reduce_func must keep the state's structure and dtypes: the state was {old_spec} "
                                f"and reduce_func returned {new_spec}")
            state = new
        return structure.to_tensors(state)

    def get_single_element(self, name=None):
        """The only element of a dataset that has exactly one."""
        elements = iter(self._elements(IterationContext(self.options())))
        first = next(elements, _END)
        if first is _END:
            raise InvalidArgumentError("Dataset was empty.")
        if next(elements, _END) is not _END:
            raise InvalidArgumentError("Dataset had more than one element.")
        return structure.to_tensors(first)

    # -- sources
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """A dataset of the slices of `tensors` along their first dimension (tuples/dicts are structure)."""
        return sources.TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset with `tensors` as its single element."""
        return sources.TensorDataset(tensors)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None):
        """A dataset of the values yielded by `generator(*args)`, called anew for each pass."""
        return sources.GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args, **kwargs):
        """`range(stop)`, `range(start, stop[, step])` as int64 elements (`dtype=` to change)."""
        dtype = kwargs.pop("dtype", "int64")
        kwargs.pop("name", None)
        if kwargs:
            raise TypeError(f"range() got unexpected keyword arguments {sorted(kwargs)}")
        return sources.RangeDataset(args, dtype)

    @staticmethod
    def counter(start=0, step=1, dtype="int64", name=None):
        """An infinite dataset counting from `start` by `step`."""
        return sources.RangeDataset((start, None, step), dtype)

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Elements of several datasets side by side, in their (nested) structure; stops at the shortest."""
        if datasets is not None and args:
            raise TypeError("zip() takes datasets either as positional arguments or as `datasets`, not both")
        if datasets is None:
            if not args:
                raise TypeError("zip() needs at least one dataset")
            datasets = args[0] if len(args) == 1 else tuple(args)
        return sources.ZipDataset(datasets)

    def concatenate(self, dataset, name=None):
        """The elements of this dataset followed by those of `dataset`."""
        return sources.ConcatenateDataset(self, dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Element k from `datasets[c]`, c the k-th (int64) element of `choice_dataset`."""
        return directed.ChooseFromDatasets(datasets, choice_dataset, stop_on_empty_dataset)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Each element from dataset i with probability `weights[i]` (uniform by default), without replacement."""
        return directed.SampleFromDatasets(datasets, weights, seed, stop_on_empty_dataset,
                                           rerandomize_each_iteration)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None):
        """An infinite dataset of int64 values uniform in [0, 2**32) (NumPy's draws, not TensorFlow's)."""
        return directed.RandomDataset(seed, rerandomize_each_iteration)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """The file names matching the glob pattern(s), sorted; shuffled each pass unless `shuffle=False`."""
        return files.list_files(file_pattern, shuffle, seed)

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        """Writes the dataset under the directory `path`, in gradfit's own format (not TensorFlow's snapshot
        format; see `gradfit.data.files`); `Dataset.load(path)` reads it back."""
        files.save(self, path, compression, shard_func, checkpoint_args)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None, wait=False):
        """The dataset `Dataset.save` wrote under `path` (gradfit's format), in its saved order by default."""
        return files.load(path, element_spec, compression, reader_func, wait)

    # -- element-wise transformations
    def map(self, map_func, num_parallel_calls=None, deterministic=None, synchronous=None,
            use_unbounded_threadpool=False, name=None):
        """Applies `map_func` to each element (a tuple's components are passed as separate arguments)."""
        return mapping.MapDataset(self, map_func, num_parallel_calls, deterministic)

    def filter(self, predicate, name=None):
        """Keeps the elements for which `predicate` returns a scalar boolean True."""
        return mapping.FilterDataset(self, predicate)

    def take_while(self, predicate, name=None):
        """The elements up to (not including) the first one for which `predicate` is False."""
        return mapping.TakeWhileDataset(self, predicate)

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and chains those datasets."""
        return mapping.FlatMapDataset(self, map_func)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """Maps elements to datasets and takes `block_length` elements from `cycle_length` of them in turn."""
        return mapping.InterleaveDataset(self, map_func, cycle_length, block_length, num_parallel_calls)

    def scan(self, initial_state, scan_func, name=None):
        """`state, output = scan_func(state, element)` over the elements; the outputs are the elements."""
        return grouping.ScanDataset(self, initial_state, scan_func)

    def unique(self, name=None):
        """Each distinct element once (int32, int64 or string elements), in order of first appearance."""
        return grouping.UniqueDataset(self)

    def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None, name=None):
        """Groups elements by the int64 `key_func(element)` and maps each full window (a Dataset) with
        `reduce_func(key, window)`; the groups left at the end are reduced in increasing key order."""
        return grouping.GroupByWindowDataset(self, key_func, reduce_func, window_size, window_size_func)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                  padded_shapes=None, padding_values=None, pad_to_bucket_boundary=False,
                                  no_padding=False, drop_remainder=False, name=None):
        """Batches elements of similar length together, a batch size per length bucket, padded per batch."""
        return grouping.bucket_by_sequence_length(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                                  padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
                                                  drop_remainder)

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None, name=None):
        """`(class, element)` pairs resampled so that classes follow `target_dist`, as tf.data resamples."""
        return directed.rejection_resample(self, class_func, target_dist, initial_dist, seed)

    def ignore_errors(self, log_warning=False, name=None):
        """Drops the elements whose computation raised (in map, filter, ...) instead of raising."""
        return mapping.IgnoreErrorsDataset(self, bool(log_warning))

    def enumerate(self, start=0, name=None):
        """Pairs each element with its int64 position, counting from `start`."""
        return selecting.EnumerateDataset(self, _int_arg(start, "start"))

    # -- selection and order
    def take(self, count, name=None):
        """At most the first `count` elements (all of them for -1)."""
        return selecting.TakeDataset(self, _int_arg(count, "count"))

    def skip(self, count, name=None):
        """All but the first `count` elements (none of them for -1)."""
        return selecting.SkipDataset(self, _int_arg(count, "count"))

    def repeat(self, count=None, name=None):
        """The elements `count` times over (forever for None or -1), each pass a fresh iteration."""
        return selecting.RepeatDataset(self, -1 if count is None else _int_arg(count, "count"))

    def shard(self, num_shards, index, name=None):
        """Every `num_shards`-th element, starting at `index`."""
        return selecting.ShardDataset(self, _int_arg(num_shards, "num_shards"), _int_arg(index, "index"))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Elements in random order, drawn from a buffer of `buffer_size` as TensorFlow does.

        The order is repeatable given `seed` or `gradfit.backend.set_seed`; a new order each pass unless
        `reshuffle_each_iteration=False`.
        """
        return shuffling.ShuffleDataset(self, _int_arg(buffer_size, "buffer_size"), seed,
                                        bool(reshuffle_each_iteration))

    # -- batching
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Stacks consecutive elements into batches of `batch_size` (the last one smaller unless dropped)."""
        return batching.BatchDataset(self, _positive(batch_size, "batch_size"), bool(drop_remainder))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches elements of different shapes, padding each component to `padded_shapes`."""
        return batching.PaddedBatchDataset(self, _positive(batch_size, "batch_size"), padded_shapes,
                                           padding_values, bool(drop_remainder))

    def unbatch(self, name=None):
        """Splits each element's components along their first dimension into separate elements."""
        return batching.UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """Re-cuts batched elements into batches of `batch_size` (an int, or a list of sizes used in turn)."""
        return batching.RebatchDataset(self, batch_size, bool(drop_remainder))

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of `size` elements every `shift`, each window a dataset (per component)."""
        size = _positive(size, "size")
        return batching.WindowDataset(self, size, size if shift is None else _positive(shift, "shift"),
                                      _positive(stride, "stride"), bool(drop_remainder))

    # -- performance
    def prefetch(self, buffer_size, name=None):
        """Prepares up to `buffer_size` elements ahead in a background thread (AUTOTUNE picks the size)."""
        return threads.PrefetchDataset(self, _int_arg(buffer_size, "buffer_size"))

    def cache(self, filename="", name=None):
        """Keeps the elements of the first complete pass in memory, or in a file under `filename`."""
        return caching.CacheDataset(self, str(filename))

    def with_options(self, options, name=None):
        """This dataset with `options` (a `tf.data.Options`) set for the whole pipeline."""
        if not isinstance(options, Options):
            raise TypeError(f"with_options() expects a tf.data.Options, got {type(options).__name__}")
        return selecting.OptionsDataset(self, options)

    def apply(self, transformation_func):
        """`transformation_func(self)`, which must return a Dataset."""
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError(f"`transformation_func` must return a Dataset, got {type(result).__name__}")
        return result


_END = object()


def _int_arg(value, name):
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r}")
    return int(value)


def _positive(value, name):
    value = _int_arg(value, name)
    if value <= 0:
        raise InvalidArgumentError(f"`{name}` must be greater than zero, got {value}.")
    return value


class Iterator:
    """An iterator over a dataset's elements (`iter(dataset)`); each is a structure of Tensors.

    The pass starts at the first `next()`: an iterator that is never read costs nothing (no shuffle
    order drawn, no thread started).
    """

    def __init__(self, dataset):
        self._dataset = dataset
        self._pass = None

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def _next_element(self):
        if self._pass is None:
            self._pass = iter(self._dataset._elements(IterationContext(self._dataset.options())))
        return next(self._pass)

    def __next__(self):
        return structure.to_tensors(self._next_element())

    def get_next(self):
        """The next element; raises OutOfRangeError at the end."""
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None


class NumpyIterator(Iterator):
    """An iterator over a dataset's elements as NumPy values (`as_numpy_iterator()`)."""

    def __next__(self):
        return structure.to_numpy(self._next_element())


# Transformations subclass Dataset, so their modules load after it.
from . import (batching, caching, directed, files, grouping, mapping, selecting, shuffling,  # noqa: E402
               sources, threads)

"""tf.data.experimental: constants, option classes, and the transformation functions that became Dataset
methods (for `dataset.apply(...)`)."""
from .dataset import AUTOTUNE, Dataset
from .dataset import INFINITE as INFINITE_CARDINALITY
from .dataset import UNKNOWN as UNKNOWN_CARDINALITY
from .options import (AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions, DistributeOptions, ExternalStatePolicy,
                      OptimizationOptions, ThreadingOptions)


def cardinality(dataset):
    """`dataset.cardinality()`."""
    return dataset.cardinality()


def get_single_element(dataset):
    """`dataset.get_single_element()`."""
    return dataset.get_single_element()


def enumerate_dataset(start=0):
    """A transformation for `Dataset.apply`: `dataset.enumerate(start)`."""
    return lambda dataset: dataset.enumerate(start)


def take_while(predicate):
    """A transformation for `Dataset.apply`: `dataset.take_while(predicate)`."""
    return lambda dataset: dataset.take_while(predicate)


def unbatch():
    """A transformation for `Dataset.apply`: `dataset.unbatch()`."""
    return lambda dataset: dataset.unbatch()


def ignore_errors(log_warning=False):
    """A transformation for `Dataset.apply`: `dataset.ignore_errors(log_warning)`."""
    return lambda dataset: dataset.ignore_errors(log_warning)


def scan(initial_state, scan_func):
    """A transformation for `Dataset.apply`: `dataset.scan(initial_state, scan_func)`."""
    return lambda dataset: dataset.scan(initial_state, scan_func)


def unique():
    """A transformation for `Dataset.apply`: `dataset.unique()`."""
    return lambda dataset: dataset.unique()


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """A transformation for `Dataset.apply`: `dataset.group_by_window(...)`."""
    return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size, window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes=None,
                              padding_values=None, pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """A transformation for `Dataset.apply`: `dataset.bucket_by_sequence_length(...)`."""
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes, padding_values,
        pad_to_bucket_boundary, no_padding, drop_remainder)


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """A transformation for `Dataset.apply`: `dataset.rejection_resample(...)`."""
    return lambda dataset: dataset.rejection_resample(class_func, target_dist, initial_dist, seed)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    """`Dataset.sample_from_datasets`."""
    return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False):
    """`Dataset.choose_from_datasets`; here, as in tf.data.experimental, an exhausted dataset is skipped by default."""
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """`dataset.save(...)` (gradfit's format)."""
    dataset.save(path, compression, shard_func, checkpoint_args)


def load(path, element_spec=None, compression=None, reader_func=None):
    """`Dataset.load(...)` (gradfit's format)."""
    return Dataset.load(path, element_spec, compression, reader_func)


def RandomDataset(seed=None, rerandomize_each_iteration=None, name=None):  # noqa: N802 -- TensorFlow's name
    """`Dataset.random(seed, rerandomize_each_iteration)`."""
    return Dataset.random(seed, rerandomize_each_iteration)


def Counter(start=0, step=1, dtype="int64"):  # noqa: N802 -- TensorFlow's name
    """`Dataset.counter(start, step, dtype)`."""
    return Dataset.counter(start, step, dtype)


__all__ = ["AUTOTUNE", "AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "Counter", "Dataset",
           "DistributeOptions", "ExternalStatePolicy", "INFINITE_CARDINALITY", "OptimizationOptions", "RandomDataset",
           "ThreadingOptions", "UNKNOWN_CARDINALITY", "bucket_by_sequence_length", "cardinality",
           "choose_from_datasets", "enumerate_dataset", "get_single_element", "group_by_window", "ignore_errors",
           "load", "rejection_resample", "sample_from_datasets", "save", "scan", "take_while", "unbatch", "unique"]

"""tf.data.experimental: constants, option classes and the transformation functions still in use."""
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


__all__ = ["AUTOTUNE", "AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "Dataset", "DistributeOptions",
           "ExternalStatePolicy", "INFINITE_CARDINALITY", "OptimizationOptions", "ThreadingOptions",
           "UNKNOWN_CARDINALITY", "cardinality", "enumerate_dataset", "get_single_element", "take_while", "unbatch"]

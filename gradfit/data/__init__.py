"""gradfit.data: tf.data's input pipelines (`tf.data.Dataset`) on NumPy arrays in host memory."""
from . import experimental
from .dataset import AUTOTUNE, Dataset, Iterator, NumpyIterator
from .dataset import INFINITE as INFINITE_CARDINALITY
from .dataset import UNKNOWN as UNKNOWN_CARDINALITY
from .options import Options, ThreadingOptions
from .structure import DatasetSpec

__all__ = ["AUTOTUNE", "Dataset", "DatasetSpec", "INFINITE_CARDINALITY", "Iterator", "NumpyIterator", "Options",
           "ThreadingOptions", "UNKNOWN_CARDINALITY", "experimental"]

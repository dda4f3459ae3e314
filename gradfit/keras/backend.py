"""keras.backend: the float policy, image data format, session state and the layer-name counters.

Float policy and data format live in `gradfit.backend`; this module is Keras's view of them.
"""
import collections
import gc
import re

import numpy as np

from .. import backend as _backend
from ..backend import epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format

__all__ = ["backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype",
           "is_int_dtype", "is_keras_tensor", "result_type", "set_epsilon", "set_floatx", "set_image_data_format",
           "standardize_dtype", "get_value", "set_value"]

# How many objects took each name prefix so far ("dense" -> 2 after `dense` and `dense_1`).
_name_uids = collections.defaultdict(int)


def get_value(x):
    """The value of a variable or tensor as NumPy (tf.keras.backend.get_value)."""
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def set_value(x, value):
    """Assign `value` to the variable `x` (tf.keras.backend.set_value), e.g. an optimizer's learning rate."""
    if not hasattr(x, "assign"):
        raise ValueError(f"set_value needs a variable, got {type(x).__name__}; a learning rate set to a schedule "
                         "or a plain number cannot be assigned to")
    x.assign(np.asarray(value, dtype=np.asarray(x.numpy()).dtype))


def backend():
    """The name of the array backend: 'numpy'."""
    return "numpy"


def get_uid(prefix=""):
    """A counter per prefix: 1 on the first call with a prefix, then 2, 3, ..."""
    _name_uids[prefix] += 1
    return _name_uids[prefix]


def unique_object_name(prefix):
    """`prefix` the first time, then `prefix_1`, `prefix_2`, ... (Keras's automatic layer names)."""
    count = _name_uids[prefix]
    _name_uids[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def to_snake_case(name):
    """'GlobalAveragePooling2D' -> 'global_average_pooling2d', as Keras derives default names."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def clear_session(free_memory=True):
    """Resets Keras's global state: automatic layer names start again at `dense`, `dense_1`, ..., the global
    dtype policy goes back to floatx()'s and interactive logging is enabled again. `free_memory` runs Python's
    garbage collector."""
    from .layers import dtype_policy
    from .utils import progbar

    _name_uids.clear()
    dtype_policy.set_global_policy(None)
    progbar.INTERACTIVE_LOGGING[0] = True
    if free_memory:
        gc.collect()


def standardize_dtype(dtype=None):
    """A dtype as its string name ('float32'); None means floatx()."""
    if dtype is None:
        return floatx()
    if hasattr(dtype, "name") and isinstance(dtype.name, str) and not isinstance(dtype, np.dtype):
        dtype = dtype.name
    try:
        return _backend.as_dtype(dtype).name
    except TypeError:
        raise ValueError(f"Invalid dtype: {dtype}") from None


def is_float_dtype(dtype):
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype):
    return standardize_dtype(dtype).startswith(("int", "uint"))


def result_type(*dtypes):
    """The dtype NumPy promotion gives the given dtypes (floatx when none are given)."""
    if not dtypes:
        return floatx()
    return np.result_type(*[_backend.np_dtype(standardize_dtype(d)) for d in dtypes]).name


def is_keras_tensor(x):
    """Whether `x` is a symbolic KerasTensor (from `keras.Input` or a layer called on one)."""
    from .layers.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)

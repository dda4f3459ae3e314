"""TensorFlow's own initializers: `tf.zeros_initializer`, `tf.ones_initializer`, `tf.constant_initializer`,
`tf.random_normal_initializer`, `tf.random_uniform_initializer`.

Each is a callable `init(shape, dtype=tf.float32)` returning a tensor, so it serves as a Keras layer's
initializer or a Variable's initial value. A seeded random initializer gives the same values on every
call; an unseeded one draws new values from the global generator each time (`tf.random.set_seed`
makes that repeatable). Random values come from gradfit's generator, not TensorFlow's.
"""
import numpy as np

from .backend import as_dtype, to_array
from .ops import random as R
from .ops.core import kind_converts
from .tensor import Tensor, TensorShape

_PARTITION_ARGUMENTS = ("partition_shape", "partition_offset")


def _dtype_text(dtype):
    return f"<dtype: '{dtype.name}'>"


class Initializer:
    """Base class: `init(shape, dtype=None, **kwargs)` gives a tensor; `get_config()` / `from_config()`."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype=None)")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)

    def __repr__(self):
        return f"<tf.{type(self).__name__} initializer {self.get_config()}>"


def _shape(shape, kwargs):
    unknown = [k for k in kwargs if k not in _PARTITION_ARGUMENTS]
    if unknown:
        raise TypeError(f"Keyword argument should be one of {list(_PARTITION_ARGUMENTS)}. Received: {unknown[0]}")
    if kwargs.get("partition_shape") is not None:
        shape = kwargs["partition_shape"]
    return tuple(TensorShape(shape))


def _numeric_or_bool(dtype):
    dtype = as_dtype("float32" if dtype is None else dtype)
    if dtype._np.kind not in "biufc":
        raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {_dtype_text(dtype)}.")
    return dtype


class Zeros(Initializer):
    """Zeros (`tf.zeros_initializer()`)."""

    def __call__(self, shape, dtype=None, **kwargs):
        return Tensor(np.zeros(_shape(shape, kwargs), dtype=_numeric_or_bool(dtype)._np))


class Ones(Initializer):
    """Ones (`tf.ones_initializer()`)."""

    def __call__(self, shape, dtype=None, **kwargs):
        return Tensor(np.ones(_shape(shape, kwargs), dtype=_numeric_or_bool(dtype)._np))


class Constant(Initializer):
    """`value` (a scalar, which fills the shape, or a list or array with exactly as many elements, which is
    reshaped to it). Without a dtype the value's own is used (int32 for Python ints, float32 for floats)."""

    def __init__(self, value=0, support_partition=False):
        if isinstance(value, Tensor) or not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value: {type(value).__name__}. Expected Python scalar, list or "
                            "tuple of values, or numpy.ndarray.")
        self.value = value
        self.support_partition = support_partition

    def __call__(self, shape, dtype=None, **kwargs):
        shape = _shape(shape, kwargs)
        natural = to_array(self.value)
        if dtype is None:
            array = natural
        else:
            target = as_dtype(dtype)._np
            if not kind_converts(natural.dtype, target):
                raise TypeError(f"Cannot convert {self.value} to EagerTensor of dtype {as_dtype(dtype).name}")
            array = natural.astype(target)
        n = int(np.prod(shape, dtype=np.int64))
        if array.size == 1:
            return Tensor(np.full(shape, array.reshape(()), dtype=array.dtype))
        if array.size != n:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor {array} (converted from "
                            f"{self.value}) has {array.size} elements, but got `shape` {shape} with {n} elements).")
        return Tensor(array.reshape(shape))

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal values with `mean` and `stddev` (floating-point dtypes only)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed

    def __call__(self, shape, dtype=None, **kwargs):
        shape = _shape(shape, kwargs)
        dtype = as_dtype("float32" if dtype is None else dtype)
        if dtype._np.kind != "f":
            raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {_dtype_text(dtype)}.")
        if self.seed is None:
            return R.normal(shape, mean=self.mean, stddev=self.stddev, dtype=dtype)
        return R.stateless_normal(shape, seed=(int(self.seed), 0), mean=self.mean, stddev=self.stddev, dtype=dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Values uniform in [minval, maxval) (floating-point or integer dtypes)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed

    def __call__(self, shape, dtype=None, **kwargs):
        shape = _shape(shape, kwargs)
        dtype = as_dtype("float32" if dtype is None else dtype)
        if dtype._np.kind not in "fiu":
            raise ValueError(f"Argument `dtype` is expected to be floating point or integer. Received: "
                             f"{_dtype_text(dtype)}.")
        if self.seed is None:
            return R.uniform(shape, minval=self.minval, maxval=self.maxval, dtype=dtype)
        return R.stateless_uniform(shape, seed=(int(self.seed), 0), minval=self.minval, maxval=self.maxval,
                                   dtype=dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
random_uniform_initializer = RandomUniform

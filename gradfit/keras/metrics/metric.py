"""The `Metric` base class: state held in non-trainable Variables, updated by NumPy kernels.

A metric is updated every training step, so its kernels work on the NumPy values directly: no tape
records them and no per-sample Python loop runs. Each update computes everything it will add before
it writes any state, so a bad input leaves the metric as it was.
"""
import numpy as np

from ... import backend
from ...tensor import Tensor, Variable
from .. import backend as keras_backend


def as_array(x, dtype=None):
    """The NumPy value of a metric input (Tensor, Variable, array, list or scalar), cast to `dtype` if given."""
    v = x._value if isinstance(x, Tensor) else np.asarray(x)
    if dtype is not None and v.dtype != dtype:
        v = v.astype(dtype)
    return v


def detached(x):
    """A tensor input with the same value (and Keras mask) that no GradientTape traces."""
    if isinstance(x, Tensor):
        out = Tensor(x._value)
        mask = getattr(x, "_keras_mask", None)
        if mask is not None:
            out._keras_mask = mask
        return out
    return x


def add_to(variable, delta):
    """variable += delta, in place on its buffer."""
    buf = variable._buffer()
    if buf.ndim == 0:
        buf[()] = buf[()] + delta  # a tenth of the cost of a ufunc call on a 0-d array
    else:
        np.add(buf, delta, out=buf, casting="unsafe")


class Metric:
    """Base class of metrics: `update_state(...)` accumulates, `result()` reads, `reset_state()` clears.

    Subclasses create their state with `add_variable` (non-trainable Variables, listed in `variables`).
    Metrics with a better direction set `_direction` ('up' or 'down'), which callbacks monitoring them in
    mode 'auto' read, as in Keras.
    """

    def __init__(self, dtype=None, name=None):
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        self.name = name or keras_backend.unique_object_name(keras_backend.to_snake_case(type(self).__name__))
        self._dtype = backend.as_dtype(dtype or backend.floatx()).name

    @property
    def dtype(self):
        return self._dtype

    def __setattr__(self, name, value):
        # Metrics held as attributes are tracked, so their variables are this metric's too (as Keras).
        if isinstance(value, Metric) and value is not self and "_metrics" in self.__dict__:
            if not any(m is value for m in self._metrics):
                self._metrics.append(value)
        object.__setattr__(self, name, value)

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A non-trainable state Variable, tracked in `variables` (its path is '<metric>/<name>')."""
        if "_variables" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call `super().__init__()` in `__init__()` before "
                               "adding variables")
        dtype = backend.np_dtype(dtype or self._dtype)
        shape = tuple(int(d) for d in shape)
        value = _initial_value(initializer, shape, dtype)
        variable = Variable(value, trainable=False, name=name, dtype=dtype, aggregation=aggregation,
                            synchronization="on_read")
        variable._path = f"{self.name.replace('/', '>')}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def reset_state(self):
        """Set every state variable back to zero."""
        for v in self.variables:
            buf = v._buffer()
            buf[...] = 0

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state()")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result()")

    def __call__(self, *args, **kwargs):
        """Update the state with one batch and return the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def _initial_value(initializer, shape, dtype):
    if initializer is None or initializer == "zeros":
        return np.zeros(shape, dtype)
    if initializer == "ones":
        return np.ones(shape, dtype)
    if isinstance(initializer, str) or isinstance(initializer, dict):
        from .. import initializers

        initializer = initializers.get(initializer)
    if callable(initializer):
        value = initializer(shape, dtype=dtype.name)
        return np.asarray(value._value if isinstance(value, Tensor) else value, dtype=dtype)
    return np.broadcast_to(np.asarray(initializer, dtype=dtype), shape).copy()

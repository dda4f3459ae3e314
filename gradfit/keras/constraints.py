"""keras.constraints: projections an optimizer applies to a weight after each update (`variable.constraint`)."""
from ..backend import epsilon
from ..ops import math as M
from ..ops import reduction as R
from .layers.serialization import deserialize_keras_object, serialize_keras_object


class Constraint:
    """Base class: `constraint(w)` returns the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return M.sqrt(R.reduce_sum(M.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales the weights incident to each unit (slices along `axis`) to norm at most `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = M.clip_by_value(norms, 0.0, float(self.max_value))
        return M.multiply(w, M.divide(desired, M.add(norms, epsilon())))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each unit's weight norm toward [min_value, max_value] (all the way when rate=1)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        clipped = M.clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = M.add(M.multiply(clipped, float(self.rate)), M.multiply(norms, 1.0 - self.rate))
        return M.multiply(w, M.divide(desired, M.add(norms, epsilon())))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights become zero."""

    def __call__(self, w):
        return M.maximum(w, 0.0)


class UnitNorm(Constraint):
    """Rescales the weights incident to each unit to norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return M.divide(w, M.add(_norms(w, self.axis), epsilon()))

    def get_config(self):
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

ALL_OBJECTS_DICT = {"Constraint": Constraint, "MaxNorm": MaxNorm, "MinMaxNorm": MinMaxNorm, "NonNeg": NonNeg,
                    "UnitNorm": UnitNorm, "constraint": Constraint, "max_norm": MaxNorm,
                    "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}


def serialize(constraint):
    return serialize_keras_object(constraint, "keras.constraints")


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, ALL_OBJECTS_DICT, "constraint", custom_objects)


def get(identifier):
    """A constraint from a name ('max_norm', 'non_neg', ...), config dict, class, instance or function."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")

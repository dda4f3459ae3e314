"""keras.regularizers: penalties on weights (summed into `model.losses`) as `l1 * sum|w| + l2 * sum(w^2)`."""
import math

from ..ops import array as A
from ..ops import linalg as L
from ..ops import math as M
from ..ops import reduction as R
from .layers.serialization import deserialize_keras_object, serialize_keras_object


def _penalty_factor(value, name):
    """A non-negative, finite float factor (the check Keras applies to l1, l2 and factor)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isinf(value) or math.isnan(value) \
            or value < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float, got {name}={value!r}")
    return float(value)


def _as_float32(value):
    # Keras keeps L1's factor as a float32 tensor, so its config reads back the float32-rounded value.
    return float(M.cast(value, "float32"))


class Regularizer:
    """Base class: `regularizer(weight)` returns a scalar penalty tensor."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """`l1 * reduce_sum(abs(x)) + l2 * reduce_sum(square(x))`."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _penalty_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _penalty_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        penalty = M.cast(0.0, x.dtype)
        if self.l1:
            penalty = M.add(penalty, M.multiply(M.cast(self.l1, x.dtype), R.reduce_sum(M.abs(x))))
        if self.l2:
            penalty = M.add(penalty, M.multiply(M.cast(self.l2, x.dtype), R.reduce_sum(M.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * reduce_sum(abs(x))`."""

    def __init__(self, l1=0.01):
        self.l1 = _as_float32(_penalty_factor(0.01 if l1 is None else l1, "l1"))

    def __call__(self, x):
        return M.multiply(M.cast(self.l1, x.dtype), R.reduce_sum(M.abs(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * reduce_sum(square(x))`."""

    def __init__(self, l2=0.01):
        self.l2 = _penalty_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        return M.multiply(M.cast(self.l2, x.dtype), R.reduce_sum(M.square(x)))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """`factor` times the mean |dot product| between distinct L2-normalized rows (or columns) of a 2D weight."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _as_float32(_penalty_factor(factor, "factor"))
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: invalid mode={mode!r}; expected 'rows' or 'columns'")
        self.mode = mode

    def __call__(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(f"OrthogonalRegularizer needs a weight of rank 2, got shape {tuple(inputs.shape)}")
        if self.mode == "rows":
            unit = L.l2_normalize(inputs, axis=1)
            product, size = L.matmul(unit, unit, transpose_b=True), inputs.shape[0]
        else:
            unit = L.l2_normalize(inputs, axis=0)
            product, size = L.matmul(unit, unit, transpose_a=True), inputs.shape[1]
        off_diagonal = M.multiply(product, M.subtract(1.0, A.eye(size, dtype=inputs.dtype)))
        num_pairs = size * (size - 1.0) / 2.0
        return M.multiply(R.reduce_sum(M.abs(off_diagonal)), self.factor * 0.5 / num_pairs)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

ALL_OBJECTS_DICT = {"Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2,
                    "OrthogonalRegularizer": OrthogonalRegularizer, "l1": L1, "l2": L2, "l1l2": L1L2,
                    "orthogonal_regularizer": OrthogonalRegularizer}


def serialize(regularizer):
    return serialize_keras_object(regularizer, "keras.regularizers")


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, ALL_OBJECTS_DICT, "regularizer", custom_objects)


def get(identifier):
    """A regularizer from a name ('l1', 'l2', 'l1_l2'), config dict, class, instance or function."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier in ("l1_l2", "l1l2", "L1L2"):
            # As documented for the string identifier: both factors 0.01.
            return L1L2(l1=0.01, l2=0.01)
        if identifier not in ALL_OBJECTS_DICT:
            raise ValueError(f"Unknown regularizer {identifier!r}. Available: ['l1', 'l2', 'l1_l2', "
                             "'orthogonal_regularizer', 'L1', 'L2', 'L1L2', 'OrthogonalRegularizer']")
        return ALL_OBJECTS_DICT[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")

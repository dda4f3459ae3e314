"""keras.initializers: how a layer's weights get their first values.

As in Keras 3, a random initializer holds a seed: an int given by the user, or one drawn from the global
generator when it is created (so `keras.utils.set_random_seed` makes it repeatable). Calling the same
initializer twice with the same shape gives the same values.
"""
import math

from .. import backend as _backend
from ..ops import array as A
from ..ops import linalg as L
from ..ops import math as M
from ..ops import random as R
from ..ops import reduction as RD
from .layers.serialization import deserialize_keras_object, serialize_keras_object


def _dtype(dtype):
    return _backend.floatx() if dtype is None else _backend.as_dtype(dtype).name


def _shape(shape):
    return tuple(int(d) for d in shape)


class Initializer:
    """Base class: `initializer(shape, dtype=None)` returns a tensor of that shape."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype=None)")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"


# ------------------------------------------------------------------------------------------ constants
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return A.zeros(_shape(shape), dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return A.ones(_shape(shape), dtype=_dtype(dtype))


class Constant(Initializer):
    """Every element equal to `value`."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return M.cast(A.broadcast_to(self.value, _shape(shape)), _dtype(dtype))

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if hasattr(value, "tolist") else value}


class Identity(Initializer):
    """`gain` times the identity matrix (2D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer can only be used for 2D matrices, got shape={shape} of rank "
                             f"{len(shape)}")
        return M.multiply(A.eye(shape[0], shape[1], dtype=_dtype(dtype)), float(self.gain))

    def get_config(self):
        return {"gain": self.gain}


# --------------------------------------------------------------------------------------------- random
class RandomInitializer(Initializer):
    """An initializer drawing from a stream fixed by its seed (drawn once when none is given)."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"`seed` must be an int or None, got seed={seed!r} of type {type(seed).__name__}")
        self._init_seed = seed
        self.seed = int(_backend.rng().integers(1, 10**9)) if seed is None else seed

    def _stream(self, draw=0):
        return (self.seed, draw)

    def get_config(self):
        return {"seed": self._init_seed}


def _truncated_normal(shape, stddev, dtype, seed):
    """Normal values re-drawn (from the seed's next streams) until within two standard deviations."""
    values = R.stateless_normal(shape, seed=(seed, 0), dtype="float64")
    draw = 1
    while True:
        outside = M.greater(M.abs(values), 2.0)
        if not bool(RD.reduce_any(outside)):
            break
        values = M.where(outside, R.stateless_normal(shape, seed=(seed, draw), dtype="float64"), values)
        draw += 1
    return M.cast(M.multiply(values, stddev), dtype)


class RandomNormal(RandomInitializer):
    """Values from a normal distribution with `mean` and `stddev`."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return R.stateless_normal(_shape(shape), seed=self._stream(), mean=self.mean, stddev=self.stddev,
                                  dtype=_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    """Normal values, re-drawn when more than two standard deviations from the mean."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        values = _truncated_normal(_shape(shape), float(self.stddev), dtype, self.seed)
        return M.add(values, M.cast(self.mean, dtype)) if self.mean else values

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    """Values uniform in [minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return R.stateless_uniform(_shape(shape), seed=self._stream(), minval=self.minval, maxval=self.maxval,
                                   dtype=_dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a weight shape; a kernel (..., in, out) counts its receptive field."""
    shape = _shape(shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(RandomInitializer):
    """Values scaled to the weight's fan: variance `scale / n`, n = fan_in, fan_out or their mean."""

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be a positive float, got scale={scale}")
        if mode not in self._MODES:
            raise ValueError(f"VarianceScaling: invalid mode={mode!r}; expected one of {list(self._MODES)}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: invalid distribution={distribution!r}; expected one of "
                             f"{list(self._DISTRIBUTIONS)}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape(shape), _dtype(dtype)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "truncated_normal":
            # 0.8796... is the stddev of a unit normal truncated to [-2, 2].
            return _truncated_normal(shape, math.sqrt(scale) / 0.87962566103423978, dtype, self.seed)
        if self.distribution == "untruncated_normal":
            return R.stateless_normal(shape, seed=self._stream(), stddev=math.sqrt(scale), dtype=dtype)
        limit = math.sqrt(3.0 * scale)
        return R.stateless_uniform(shape, seed=self._stream(), minval=-limit, maxval=limit, dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A named VarianceScaling preset (Glorot, He, LeCun): its config is just the seed and axes."""

    _PRESET = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._PRESET
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed, input_axes=input_axes,
                         output_axes=output_axes)

    def get_config(self):
        return {"seed": self._init_seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)): Keras's default kernel init."""

    _PRESET = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    _PRESET = (1.0, "fan_avg", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / fan_in)."""

    _PRESET = (2.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(2 / fan_in)."""

    _PRESET = (2.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(3 / fan_in)."""

    _PRESET = (1.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev sqrt(1 / fan_in)."""

    _PRESET = (1.0, "fan_in", "truncated_normal")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix (rows or columns orthonormal) times `gain`; kernels are flattened
    to (prod(shape[:-1]), shape[-1])."""

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape(shape), _dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank at least 2, got shape={shape} of "
                             f"rank {len(shape)}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        tall = (max(rows, cols), min(rows, cols))
        q = _orthonormal_columns(R.stateless_normal(tall, seed=self._stream(), dtype="float64"))
        if rows < cols:
            q = A.transpose(q)
        return M.cast(M.multiply(A.reshape(q, shape), float(self.gain)), dtype)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


def _orthonormal_columns(a):
    """Q of a's QR factorization with R's diagonal made positive, by modified Gram-Schmidt done twice
    (the second pass restores orthogonality lost to rounding)."""
    n = int(a.shape[1])
    columns = []
    for j in range(n):
        v = a[:, j]
        for _ in range(2):
            for q in columns:
                v = M.subtract(v, M.multiply(RD.reduce_sum(M.multiply(q, v)), q))
        columns.append(M.divide(v, L.norm(v)))
    return A.stack(columns, axis=1)


ALL_OBJECTS = (Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal,
               LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling)


def _to_snake_case(name):
    from .backend import to_snake_case

    return to_snake_case(name)


ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({"IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
                         "normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros})

# Lower-case function-style aliases, as `keras.initializers.glorot_uniform(seed=1)`.
constant, identity, ones, zeros = Constant, Identity, Ones, Zeros
glorot_normal, glorot_uniform, he_normal, he_uniform = GlorotNormal, GlorotUniform, HeNormal, HeUniform
lecun_normal, lecun_uniform, orthogonal = LecunNormal, LecunUniform, Orthogonal
random_normal, random_uniform, truncated_normal, variance_scaling = (RandomNormal, RandomUniform,
                                                                      TruncatedNormal, VarianceScaling)


def serialize(initializer):
    """The initializer's config dict in Keras 3's format."""
    return serialize_keras_object(initializer, "keras.initializers")


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, ALL_OBJECTS_DICT, "initializer", custom_objects)


def get(identifier):
    """An initializer from a name ('glorot_uniform', 'GlorotUniform'), config dict, class, instance or
    function `fn(shape, dtype=None)`; an array or tensor gives an initializer returning that value."""
    if identifier is None:
        return None
    if isinstance(identifier, (dict, str)):
        return deserialize(identifier)
    if hasattr(identifier, "shape") and hasattr(identifier, "dtype"):
        return _FromValue(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


class _FromValue(Initializer):
    """Returns a given array or tensor (which must have the requested shape)."""

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        if tuple(self.value.shape) != _shape(shape):
            raise ValueError(f"Expected `shape` to be {tuple(self.value.shape)} for a tensor used as initializer, "
                             f"got shape={tuple(shape)}")
        return M.cast(self.value, _dtype(dtype))

"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector."""
import math

from ... import backend
from ...ops import array as A
from .input_spec import InputSpec
from .layer import Layer


class _ShapeLayer(Layer):
    """A weightless layer that only moves values around; masks pass through unchanged."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._build_at_init()


class Flatten(_ShapeLayer):
    """(batch, ...) -> (batch, product of the other dimensions); channels-first inputs are made
    channels-last first, so the order matches a channels-last model."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = len(inputs.shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = A.transpose(inputs, (0,) + tuple(range(2, rank)) + (1,))
        flat = math.prod(inputs.shape[1:])
        return A.reshape(inputs, (inputs.shape[0], flat))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        flat = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], flat)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(_ShapeLayer):
    """(batch, ...) -> (batch, *target_shape); one target dimension may be -1 (inferred)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(f"Reshape: at most one dimension of `target_shape` can be -1, got {target_shape}")
        self.target_shape = target_shape

    def call(self, inputs):
        return A.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            if None not in rest and math.prod(rest) != math.prod(self.target_shape):
                raise ValueError(f"Reshape '{self.name}' cannot reshape input of shape {tuple(input_shape)} "
                                 f"({math.prod(rest)} values per sample) to {self.target_shape}")
            return (input_shape[0],) + self.target_shape
        if None in rest:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if known == 0 or math.prod(rest) % known:
            raise ValueError(f"Reshape '{self.name}' cannot reshape input of shape {tuple(input_shape)} to "
                             f"{self.target_shape}")
        return (input_shape[0],) + tuple(math.prod(rest) // known if d == -1 else d for d in self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(_ShapeLayer):
    """Permutes the non-batch axes: `Permute((2, 1))` swaps axes 1 and 2 (dims count from 1)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: `dims` must be a permutation of 1..{len(self.dims)}, got dims={self.dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return A.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(_ShapeLayer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"RepeatVector: `n` must be an integer, got n={n!r}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return A.tile(A.expand_dims(inputs, 1), (1, self.n, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}

"""Merge layers (called on a list of tensors): Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot, and their functional forms `add([a, b])`, `concatenate([a, b])`, ...
"""
import functools

from ...ops import array as A
from ...ops import linalg as L
from ...ops import math as M
from ...ops import reduction as R
from .layer import Layer


class Merge(Layer):
    """Combines a list of tensors elementwise; inputs of lower rank get axes inserted after the batch axis
    so they broadcast against the others."""

    _MIN_INPUTS = 1

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_list(self, shapes):
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"{type(self).__name__} '{self.name}' must be called on a list of tensors, got input "
                             f"shape {shapes}")
        if len(shapes) < self._MIN_INPUTS:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs at least {self._MIN_INPUTS} inputs, got "
                             f"{len(shapes)}: shapes {[tuple(s) for s in shapes]}")

    def build(self, input_shape):
        self._check_list(input_shape)
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(f"{type(self).__name__} '{self.name}' cannot merge tensors with different batch "
                             f"sizes: shapes {[tuple(s) for s in input_shape]}")
        self._output_shape(input_shape)

    def _output_shape(self, shapes):
        """The broadcast shape of the inputs (batch axis first), or a ValueError naming them."""
        rank = max(len(s) for s in shapes)
        aligned = [tuple(s[:1]) + (1,) * (rank - len(s)) + tuple(s[1:]) for s in shapes]
        out = []
        for dims in zip(*aligned):
            known = {d for d in dims if d is not None and d != 1}
            if len(known) > 1:
                raise ValueError(f"{type(self).__name__} '{self.name}' got inputs with incompatible shapes "
                                 f"{[tuple(s) for s in shapes]}")
            out.append(known.pop() if known else (None if None in dims else 1))
        return tuple(out)

    def call(self, inputs):
        self._check_list([tuple(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) else inputs)
        rank = max(len(x.shape) for x in inputs)
        aligned = []
        for x in inputs:
            for _ in range(rank - len(x.shape)):
                x = A.expand_dims(x, 1)
            aligned.append(x)
        return self._merge_function(aligned)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        return self._output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None or any(m is None for m in mask):
            return None
        return functools.reduce(M.logical_or, mask)


class Add(Merge):
    """The elementwise sum of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(M.add, inputs)


class Subtract(Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    _MIN_INPUTS = 2

    def _check_list(self, shapes):
        super()._check_list(shapes)
        if len(shapes) != 2:
            raise ValueError(f"Subtract '{self.name}' must be called on exactly 2 inputs, got {len(shapes)}")

    def _merge_function(self, inputs):
        return M.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """The elementwise product of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(M.multiply, inputs)


class Average(Merge):
    """The elementwise mean of the inputs."""

    def _merge_function(self, inputs):
        return M.divide(functools.reduce(M.add, inputs), float(len(inputs)))


class Maximum(Merge):
    """The elementwise maximum of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(M.maximum, inputs)


class Minimum(Merge):
    """The elementwise minimum of the inputs."""

    def _merge_function(self, inputs):
        return functools.reduce(M.minimum, inputs)


class Concatenate(Merge):
    """Joins the inputs along `axis` (all other dimensions must match)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        self._check_list([tuple(x.shape) for x in inputs] if isinstance(inputs, (list, tuple)) else inputs)
        return A.concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError(f"Concatenate '{self.name}' needs inputs of the same rank, got shapes "
                             f"{[tuple(s) for s in input_shape]}")
        rank = ranks.pop()
        axis = self.axis % rank
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            for i, (a, b) in enumerate(zip(out, shape)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is not None and b is not None and a != b:
                    raise ValueError(f"Concatenate '{self.name}' needs inputs with matching shapes except along axis "
                                     f"{self.axis}, got shapes {[tuple(s) for s in input_shape]}")
                elif a is None:
                    out[i] = b
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(M.not_equal(A.ones_like(x, dtype="int8"), 0))
            elif len(m.shape) < len(x.shape):
                masks.append(M.logical_or(A.expand_dims(m, -1), M.not_equal(A.zeros_like(x, dtype="int8"), 0)))
            else:
                masks.append(m)
        return R.reduce_any(A.concat(masks, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """Batchwise dot products of two inputs along `axes` (one axis, or one per input); with
    `normalize=True` the inputs are L2-normalized along those axes first (cosine similarity)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int) and not (isinstance(axes, (list, tuple)) and len(axes) == 2
                                              and all(isinstance(a, int) for a in axes)):
            raise TypeError(f"Dot: `axes` must be an int or a pair of ints, got axes={axes!r}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = False

    def _axes_for(self, shapes):
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        return tuple(a % len(s) for a, s in zip(axes, shapes))

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        self._check_pair([tuple(x.shape) for x in inputs])
        x, y = inputs
        ax, ay = self._axes_for([x.shape, y.shape])
        if self.normalize:
            x, y = L.l2_normalize(x, axis=ax), L.l2_normalize(y, axis=ay)
        return _batch_dot(x, y, ax, ay)

    def _check_pair(self, shapes):
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2:
            raise ValueError(f"Dot '{self.name}' must be called on a list of 2 inputs, got {shapes}")

    def compute_output_shape(self, input_shape):
        self._check_pair(input_shape)
        a, b = (tuple(s) for s in input_shape)
        ax, ay = self._axes_for([a, b])
        if a[ax] is not None and b[ay] is not None and a[ax] != b[ay]:
            raise ValueError(f"Dot '{self.name}': dimension {a[ax]} of axis {ax} of shape {a} does not match "
                             f"dimension {b[ay]} of axis {ay} of shape {b}")
        out = a[:ax] + a[ax + 1:] + b[1:ay] + b[ay + 1:]
        return out if len(out) > 1 else out + (1,)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _batch_dot(x, y, ax, ay):
    """Per-sample dot product of x and y over x's axis `ax` and y's axis `ay` (Keras's batch_dot)."""
    rx, ry = len(x.shape), len(y.shape)
    x = A.transpose(x, [i for i in range(rx) if i != ax] + [ax])
    y = A.transpose(y, [0, ay] + [i for i in range(1, ry) if i != ay])
    x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    batch, n = x.shape[0], x.shape[-1]
    flat_x = A.reshape(x, (batch, -1, n))
    flat_y = A.reshape(y, (batch, n, -1))
    out = A.reshape(L.matmul(flat_x, flat_y), (batch,) + x_rest + y_rest)
    return A.expand_dims(out, -1) if len(out.shape) == 1 else out


def _functional(layer_class):
    def merge(inputs, **kwargs):
        return layer_class(**kwargs)(inputs)

    merge.__name__ = layer_class.__name__.lower()
    merge.__doc__ = f"Functional form of the {layer_class.__name__} layer: `{merge.__name__}([a, b], **kwargs)`."
    return merge


add, subtract, multiply, average = (_functional(c) for c in (Add, Subtract, Multiply, Average))
maximum, minimum = _functional(Maximum), _functional(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of the Concatenate layer."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of the Dot layer."""
    return Dot(axes=axes, **kwargs)(inputs)

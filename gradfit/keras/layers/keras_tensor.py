"""Symbolic tensors and graph nodes: what `keras.Input` returns and what Functional models are built from.

A KerasTensor has a shape (None for the batch and other unknown dimensions) and a dtype but no value.
Calling a layer on one records a `Node` (layer, arguments, outputs) and returns new KerasTensors whose
`_keras_history` points back at that node, so a Functional model can find its graph from its outputs.
"""
import collections

from ... import nest
from ...backend import as_dtype
from ...tensor import TensorShape

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


class KerasTensor:
    """A symbolic tensor: `.shape`, `.dtype`, `.ndim`, `.name`; operators build graph nodes."""

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, name=None):
        from ..backend import unique_object_name

        self._shape = TensorShape(shape)
        self._dtype = as_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name or unique_object_name("keras_tensor")
        self._keras_history = None
        # The symbolic mask (a boolean KerasTensor) of a masking layer's output, or None.
        self._keras_mask = None

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    def get_shape(self):
        return self._shape

    def __repr__(self):
        return (f"<KerasTensor shape={tuple(self._shape)}, dtype={self._dtype.name}, sparse={self.sparse}, "
                f"ragged={self.ragged}, name={self.name}>")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"A KerasTensor ({self.name}, shape {tuple(self._shape)}) is symbolic and has no value: "
                        "it is a placeholder for building a Functional model. Pass real arrays to the model "
                        "(`model(x)` or `model.predict(x)`) to compute values")

    def numpy(self):
        self.__array__()

    def __bool__(self):
        raise TypeError(f"A symbolic KerasTensor ({self.name}) cannot be used as a Python bool")

    def __len__(self):
        if not self._shape or self._shape[0] is None:
            raise TypeError(f"len() of KerasTensor {self.name} with shape {tuple(self._shape)} is unknown")
        return self._shape[0]

    def __iter__(self):
        raise TypeError(f"Iterating over a symbolic KerasTensor ({self.name}) is not supported; use layers or "
                        "indexing (`x[:, 0]`) to pick parts of it")

    # Operators record a node computing the same op on real tensors when the model runs.
    def __add__(self, other):
        return symbolic_op(_ops().add, self, other)

    def __radd__(self, other):
        return symbolic_op(_ops().add, other, self)

    def __sub__(self, other):
        return symbolic_op(_ops().subtract, self, other)

    def __rsub__(self, other):
        return symbolic_op(_ops().subtract, other, self)

    def __mul__(self, other):
        return symbolic_op(_ops().multiply, self, other)

    def __rmul__(self, other):
        return symbolic_op(_ops().multiply, other, self)

    def __truediv__(self, other):
        return symbolic_op(_ops().divide, self, other)

    def __rtruediv__(self, other):
        return symbolic_op(_ops().divide, other, self)

    def __pow__(self, other):
        return symbolic_op(_ops().pow, self, other)

    def __matmul__(self, other):
        return symbolic_op(_ops().matmul, self, other)

    def __rmatmul__(self, other):
        return symbolic_op(_ops().matmul, other, self)

    def __neg__(self):
        return symbolic_op(_ops().negative, self)

    def __abs__(self):
        return symbolic_op(_ops().abs, self)

    def __rpow__(self, other):
        return symbolic_op(_ops().pow, other, self)

    def __floordiv__(self, other):
        return symbolic_op(_ops().floordiv, self, other)

    def __rfloordiv__(self, other):
        return symbolic_op(_ops().floordiv, other, self)

    def __mod__(self, other):
        return symbolic_op(_ops().mod, self, other)

    def __rmod__(self, other):
        return symbolic_op(_ops().mod, other, self)

    def __lt__(self, other):
        return symbolic_op(_ops().less, self, other)

    def __le__(self, other):
        return symbolic_op(_ops().less_equal, self, other)

    def __gt__(self, other):
        return symbolic_op(_ops().greater, self, other)

    def __ge__(self, other):
        return symbolic_op(_ops().greater_equal, self, other)

    def __ne__(self, other):
        return symbolic_op(_ops().not_equal, self, other)

    def __and__(self, other):
        return symbolic_op(_ops().logical_and, self, other)

    def __rand__(self, other):
        return symbolic_op(_ops().logical_and, other, self)

    def __or__(self, other):
        return symbolic_op(_ops().logical_or, self, other)

    def __ror__(self, other):
        return symbolic_op(_ops().logical_or, other, self)

    def __xor__(self, other):
        return symbolic_op(_ops().logical_xor, self, other)

    def __rxor__(self, other):
        return symbolic_op(_ops().logical_xor, other, self)

    def __invert__(self):
        return symbolic_op(_ops().logical_not, self)

    def __round__(self, ndigits=None):
        return symbolic_op(_ops().round, self, 0 if ndigits is None else ndigits)

    def __getitem__(self, key):
        return symbolic_op(_ops().getitem, self, key)

    __hash__ = object.__hash__


class _OpTable:
    """The ops KerasTensor operators stand for (imported on first use)."""

    def __init__(self):
        from ...ops import array, linalg, math
        from ..ops.numpy import round as round_

        self.add, self.subtract, self.multiply = math.add, math.subtract, math.multiply
        self.divide, self.pow, self.negative, self.abs = math.divide, math.pow, math.negative, math.abs
        self.floordiv, self.mod = math.floordiv, math.floormod
        self.less, self.less_equal, self.greater, self.greater_equal = (math.less, math.less_equal, math.greater,
                                                                          math.greater_equal)
        self.not_equal, self.logical_not = math.not_equal, math.logical_not
        self.logical_and, self.logical_or, self.logical_xor = math.logical_and, math.logical_or, math.logical_xor
        self.matmul, self.getitem, self.round = linalg.matmul, array.getitem, round_


_OP_TABLE = []


def _ops():
    if not _OP_TABLE:
        _OP_TABLE.append(_OpTable())
    return _OP_TABLE[0]


def is_symbolic(x):
    return isinstance(x, KerasTensor)


def any_symbolic(args, kwargs=None):
    """Whether any leaf of the call arguments is a KerasTensor."""
    for x in nest.flatten(args):
        if isinstance(x, KerasTensor):
            return True
    if kwargs:
        for x in nest.flatten(list(kwargs.values())):
            if isinstance(x, KerasTensor):
                return True
    return False


def symbolic_op(fn, *args, **kwargs):
    """Apply the tensor function `fn` to symbolic arguments: a graph node that runs `fn` on real tensors."""
    from .op_layer import OpLayer

    layer, args, kwargs = OpLayer.for_call(fn, args, kwargs)
    return layer(*args, **kwargs)


class Node:
    """One call of an operation (a layer) in a graph: its arguments, and the tensors it produced."""

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.input_tensors = [x for x in nest.flatten([list(self.call_args), self.call_kwargs])
                              if isinstance(x, KerasTensor)]
        self.output_tensors = [x for x in nest.flatten(outputs) if isinstance(x, KerasTensor)]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for i, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(operation, node_index, i)
        self.parent_nodes = []
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                parent = history.operation._inbound_nodes[history.node_index]
                if parent not in self.parent_nodes:
                    self.parent_nodes.append(parent)
                history.operation._outbound_nodes.append(self)

    @property
    def is_input(self):
        return not self.input_tensors

    def __repr__(self):
        return f"<Node operation={self.operation.name}, inputs={len(self.input_tensors)}>"

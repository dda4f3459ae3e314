"""`Tensor` (an immutable value) and `Variable` (mutable state), with TensorFlow's semantics.

Operators (`+`, `@`, indexing, ...) are bound to the ops in `gradfit.ops`, which is where a value
is computed and, when a GradientTape records, where the computation is recorded.
"""
import sys

import numpy as np

from . import backend


class TensorShape(tuple):
    """A tuple of dimensions (None where unknown), with TensorFlow's TensorShape helpers.
    `TensorShape(None)` is a shape of unknown rank."""

    __slots__ = ()

    def __new__(cls, dims=()):
        if dims is None:
            return UNKNOWN_SHAPE
        if isinstance(dims, UnknownShape):
            return dims
        if isinstance(dims, (int, np.integer)):
            dims = (dims,)
        return tuple.__new__(cls, tuple(None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return len(self)

    @property
    def dims(self):
        return list(self)

    def as_list(self):
        return list(self)

    def num_elements(self):
        if any(d is None for d in self):
            return None
        n = 1
        for d in self:
            n *= d
        return n

    def is_fully_defined(self):
        return all(d is not None for d in self)

    def is_compatible_with(self, other):
        """True when some fully defined shape could be both: same rank, and equal wherever both are known."""
        other = TensorShape(other)
        if self.rank is None or other.rank is None:
            return True
        return len(self) == len(other) and all(a is None or b is None or a == b for a, b in zip(self, other))

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are incompatible")

    def merge_with(self, other):
        """The most specific shape compatible with both; ValueError when they are not compatible."""
        other = TensorShape(other)
        if self.rank is None:
            return other
        if other.rank is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([a if a is not None else b for a, b in zip(self, other)])

    def concatenate(self, other):
        other = TensorShape(other)
        if self.rank is None or other.rank is None:
            return UNKNOWN_SHAPE
        return TensorShape(tuple(self) + tuple(other))

    def with_rank(self, rank):
        """This shape, if it can have `rank` dimensions (an unknown shape becomes [None] * rank)."""
        if self.rank is None:
            return TensorShape([None] * rank)
        if len(self) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def assert_has_rank(self, rank):
        if self.rank is not None and self.rank != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")

    def __eq__(self, other):
        if isinstance(other, UnknownShape):
            return False
        if isinstance(other, (list, tuple)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = tuple.__hash__

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return TensorShape(item) if isinstance(key, slice) else item

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        return "(" + ", ".join(str(d) for d in self) + ("," if len(self) == 1 else "") + ")"


class UnknownShape(TensorShape):
    """`TensorShape(None)`: a shape whose rank is not known."""

    __slots__ = ()

    def __new__(cls):
        return tuple.__new__(cls, ())

    rank = property(lambda self: None)
    ndims = property(lambda self: None)
    dims = property(lambda self: None)

    def as_list(self):
        raise ValueError("as_list() is not defined on an unknown TensorShape.")

    def __len__(self):
        raise ValueError("Cannot take the length of shape with unknown rank.")

    def __iter__(self):
        raise ValueError("Cannot iterate over a shape with unknown rank.")

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self
        return None

    def num_elements(self):
        return None

    def is_fully_defined(self):
        return False

    def __eq__(self, other):
        return isinstance(other, UnknownShape)

    def __ne__(self, other):
        return not isinstance(other, UnknownShape)

    __hash__ = tuple.__hash__

    def __repr__(self):
        return "TensorShape(None)"

    def __str__(self):
        return "<unknown>"


UNKNOWN_SHAPE = UnknownShape()


class Tensor:
    """An immutable n-dimensional value backed by a NumPy array.

    `_node` is the recorded operation that produced it (None when no tape saw it being made) and
    `_index` which of that operation's outputs it is. Two optional slots, unset unless Keras code sets
    them (read them with getattr): `_keras_mask`, the padding mask that travels with a layer's output,
    and `_keras_logits`, the logits a softmax/sigmoid output came from, which crossentropy losses use
    for a stable from-logits computation (as Keras 3 does).
    """

    __slots__ = ("_value", "_node", "_index", "_keras_mask", "_keras_logits", "__weakref__")
    # Makes `ndarray <op> Tensor` call the Tensor's reflected operator, as with TensorFlow tensors.
    __array_priority__ = 100

    def __init__(self, value, node=None, index=0):
        self._value = value
        self._node = node
        self._index = index

    # -- value access
    def numpy(self):
        """The value as a NumPy array (a 0-d value gives a NumPy scalar)."""
        v = self._value
        return v[()] if v.ndim == 0 else v

    @property
    def shape(self):
        # A NumPy shape is already a tuple of ints: no per-dimension conversion.
        return tuple.__new__(TensorShape, self._value.shape)

    @property
    def dtype(self):
        return backend.as_dtype(self._value.dtype)

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def get_shape(self):
        return self.shape

    def __array__(self, dtype=None, copy=None):
        v = self._value
        if v.__class__ is not np.ndarray and not isinstance(v, np.ndarray):
            v = np.asarray(v)  # a 0-d result that NumPy computed as a scalar (np.sqrt of a 0-d array, ...)
        if dtype is not None and v.dtype != dtype:
            return v.astype(dtype)
        return v.copy() if copy else v

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar (0-d) tensor")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar (0-d) tensor")
        from .ops.array import unstack

        return iter(unstack(self))

    def __bool__(self):
        if self._value.size != 1:
            raise ValueError(
                f"The truth value of a tensor with shape {self._value.shape} is ambiguous; "
                "use tf.reduce_any or tf.reduce_all"
            )
        return bool(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __index__(self):
        if self._value.dtype.kind not in "iub":
            raise TypeError(f"Only integer scalar tensors can be used as an index, got dtype {self._value.dtype}")
        return int(self._value)

    def __complex__(self):
        return complex(self._value)

    def __format__(self, spec):
        if self._value.ndim == 0:
            return format(self._value[()], spec)
        return format(str(self), spec)

    def __repr__(self):
        v = self._value
        if v.ndim:
            body = np.array2string(v, separator=", ", prefix="tf.Tensor(")
        else:
            item = v[()]
            body = repr(item.item() if isinstance(item, np.generic) else item)
        return f"<tf.Tensor: shape={tuple(v.shape)}, dtype={_dtype_name(v.dtype)}, numpy={body}>"

    def __str__(self):
        return f"tf.Tensor({self._value}, shape={tuple(self._value.shape)}, dtype={_dtype_name(self._value.dtype)})"

    # Tensors compare elementwise (as in TensorFlow 2), so they hash by identity.
    __hash__ = object.__hash__

    def ref(self):
        return _Reference(self)

    def experimental_ref(self):
        return _Reference(self)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return Tensor(self._value.copy())

    def __reduce__(self):
        return (Tensor, (self._value,))


class _Reference:
    """A hashable handle to a tensor or variable (`x.ref()`), dereferenced with `deref()`."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        return self._obj

    def __eq__(self, other):
        return isinstance(other, _Reference) and other._obj is self._obj

    def __hash__(self):
        return id(self._obj)


_variable_uid = [0]


class Variable(Tensor):
    """Mutable state: `assign`, `assign_add`, `assign_sub`. A GradientTape watches trainable ones.

    Updates happen in place on the NumPy buffer unless something else still holds that buffer (a
    recorded operation, a tensor read from the variable); then the buffer is copied first, so values
    already read never change under the reader.
    """

    __slots__ = ("_name", "_path", "trainable", "constraint", "regularizer", "aggregation",
                 "synchronization", "autocast", "_uid", "_layer_index")

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None,
                 constraint=None, initializer=None, aggregation="none", synchronization="auto",
                 autocast=True, regularizer=None, validate_shape=True, caching_device=None, **kwargs):
        if initial_value is None:
            initial_value = initializer
        if initial_value is None:
            raise ValueError("Variable needs an initial value (or an initializer and a shape)")
        npdtype = backend.np_dtype(dtype)
        if callable(initial_value) and not isinstance(initial_value, (Tensor, np.ndarray)):
            if shape is not None:
                init_dtype = npdtype if npdtype is not None else np.dtype(backend.floatx())
                initial_value = initial_value(tuple(shape), dtype=init_dtype.name)
            else:
                initial_value = initial_value()
        value = initial_value._value if isinstance(initial_value, Tensor) else initial_value
        value = np.array(backend.to_array(value, npdtype), copy=True)
        if shape is not None and validate_shape and tuple(value.shape) != tuple(shape):
            if all(d is None or d == s for d, s in zip(shape, value.shape)) and len(shape) == value.ndim:
                pass
            else:
                raise ValueError(f"Variable initial value has shape {value.shape}, expected shape {tuple(shape)}")
        Tensor.__init__(self, value)
        _variable_uid[0] += 1
        self._uid = _variable_uid[0]
        self._name = name if name is not None else "Variable"
        self._path = self._name
        self.trainable = bool(trainable)
        self.constraint = constraint
        self.regularizer = regularizer
        self.aggregation = aggregation
        self.synchronization = synchronization
        self.autocast = autocast
        self._layer_index = None

    # -- identity
    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._path

    @property
    def value(self):
        """The current value as a Tensor (reads are recorded by an active GradientTape)."""
        return self.read_value()

    def read_value(self):
        from .ops.array import identity

        return identity(self)

    def numpy(self):
        return self._value.copy() if self._value.ndim else self._value[()]

    def __array__(self, dtype=None, copy=None):
        v = self._value
        if dtype is not None and v.dtype != dtype:
            return v.astype(dtype)
        return v.copy()

    @property
    def initial_value(self):
        return Tensor(self._value.copy())

    @property
    def handle(self):
        return self

    # -- mutation
    def _buffer(self):
        """The NumPy buffer, safe to write in place (copied first if anyone else holds it)."""
        arr = self._value
        # References: self._value, the local `arr`, getrefcount's argument.
        if sys.getrefcount(arr) > 3 or not arr.flags.writeable:
            arr = self._value = arr.copy()
        return arr

    def _coerce(self, value, what):
        v = value._value if isinstance(value, Tensor) else np.asarray(value)
        if v.shape != self._value.shape:
            try:
                v = np.broadcast_to(v, self._value.shape) if v.ndim == 0 else v
            except ValueError:
                pass
            if v.shape != self._value.shape:
                raise ValueError(
                    f"Cannot {what} a value of shape {tuple(np.shape(v))} to variable '{self._path}' "
                    f"of shape {tuple(self._value.shape)}"
                )
        return v

    def assign(self, value, use_locking=False, name=None, read_value=True):
        v = self._coerce(value, "assign")
        np.copyto(self._buffer(), v, casting="unsafe")
        return self

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        v = self._coerce(delta, "add")
        buf = self._buffer()
        np.add(buf, v, out=buf, casting="unsafe")
        return self

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        v = self._coerce(delta, "subtract")
        buf = self._buffer()
        np.subtract(buf, v, out=buf, casting="unsafe")
        return self

    def _replace(self, array):
        """Swap in a new buffer of the same shape and dtype (used by kernels that compute out of place)."""
        self._value = array

    def __repr__(self):
        body = np.array2string(self._value, separator=", ") if self._value.ndim else repr(self._value[()].item())
        return f"<Variable path={self._path}, shape={tuple(self._value.shape)}, dtype={self._value.dtype.name}, value={body}>"

    __str__ = __repr__

    def __deepcopy__(self, memo):
        v = Variable(self._value.copy(), trainable=self.trainable, name=self._name, constraint=self.constraint)
        v._path = self._path
        return v

    def __reduce__(self):
        return (Variable, (self._value, self.trainable, self._name))


def is_tensor(x):
    return isinstance(x, Tensor)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """A Tensor from a Tensor, Variable, NumPy array or Python value (TensorFlow's default dtypes)."""
    npdtype = backend.np_dtype(dtype)
    if isinstance(value, Tensor):
        if isinstance(value, Variable):
            from .ops.array import identity

            value = identity(value)
        if npdtype is not None and value._value.dtype != npdtype:
            raise ValueError(
                f"Tensor conversion requested dtype {npdtype.name} for a tensor of dtype {value._value.dtype.name}"
            )
        return value
    if npdtype is None and dtype_hint is not None and not isinstance(value, np.ndarray):
        arr = backend.to_array(value)
        hint = backend.np_dtype(dtype_hint)
        if arr.dtype.kind in "iuf" and hint.kind in "fiu" and not (arr.dtype.kind == "f" and hint.kind != "f"):
            arr = arr.astype(hint)
        return Tensor(arr)
    return Tensor(backend.to_array(value, npdtype))


def constant(value, dtype=None, shape=None, name=None):
    """A constant Tensor; with `shape`, a scalar is broadcast and a list reshaped, as in TensorFlow."""
    if isinstance(value, Tensor):
        value = value._value
    arr = backend.to_array(value, backend.np_dtype(dtype))
    if shape is not None:
        shape = tuple(shape)
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise ValueError(f"constant of {arr.size} elements cannot take shape {shape}")
    elif isinstance(value, np.ndarray) and arr is value:
        arr = arr.copy()
    return Tensor(arr)


def _dtype_name(dtype):
    """TensorFlow's name of a NumPy dtype (`string` for text)."""
    return "string" if dtype.kind in "OSU" else dtype.name

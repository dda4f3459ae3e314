"""`tf.TensorArray`: a list of same-dtype tensors written one at a time, read back or stacked.

As in TensorFlow's eager mode, `write`, `unstack`, `scatter` and `split` change the array and return it,
so both `ta = ta.write(i, x)` (the form graph code needs) and a bare `ta.write(i, x)` work. The array
holds the tensors themselves, so a loss built from `ta.stack()`, `ta.read(i)`, `ta.gather(...)` or
`ta.concat()` inside a GradientTape gives gradients to whatever was written.
"""
import numpy as np

from .backend import as_dtype
from .errors import InvalidArgumentError, OutOfRangeError
from .ops import array as A
from .ops.core import kind_converts, value as array_value
from .tensor import Tensor, TensorShape, UnknownShape, convert_to_tensor

# An element that `read` took out of an array created with clear_after_read=True.
_CLEARED = object()


def _index(i):
    return int(np.asarray(array_value(i)))


class TensorArray:
    """A list of tensors of one dtype (and, with `infer_shape`, one shape), as `tf.TensorArray` eagerly."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
        size = _index(size)
        if size < 0:
            raise InvalidArgumentError(f"TensorArray size must be non-negative, got {size}")
        self._dtype = as_dtype(dtype)
        self._elements = [None] * size
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = bool(infer_shape)
        self._element_shape = TensorShape(element_shape)

    # ---------------------------------------------------------------------------------- properties
    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        """The shape every element has (None dimensions, or an unknown shape, where not yet known)."""
        return self._element_shape

    @property
    def handle(self):
        return self

    def size(self, name=None):
        """The number of elements, as an int32 scalar tensor."""
        return Tensor(np.asarray(len(self._elements), dtype=np.int32))

    def identity(self):
        """The same array (eagerly there is no flow of control to tie it to)."""
        return self

    def mark_used(self):
        return None

    def close(self, name=None):
        """Drops every element."""
        self._elements = []

    # ------------------------------------------------------------------------------------- writing
    def _converted(self, v):
        """`v` as a tensor of this array's dtype: a tensor must already have it; a Python or NumPy value is
        converted unless that would turn a float into an integer (TensorFlow's conversion rules)."""
        want = self._dtype._np
        t = convert_to_tensor(v)  # a Variable becomes a (recorded) read
        if not isinstance(v, Tensor) and kind_converts(t._value.dtype, want):
            t = Tensor(np.asarray(t._value, dtype=want))
        if t._value.dtype != want:
            raise InvalidArgumentError(f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                                       f"{as_dtype(t._value.dtype).name}")
        return t

    def _check_shape(self, t):
        if not self._infer_shape:
            return
        shape = t.shape
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"Incompatible shape for value ({tuple(shape)}), expected "
                             f"({self._element_shape})")
        self._element_shape = self._element_shape.merge_with(shape)

    def _make_room(self, index):
        if index < 0:
            raise OutOfRangeError(f"Writing to negative indices (index {index}) is not allowed.")
        size = len(self._elements)
        if index >= size:
            if not self._dynamic_size:
                raise OutOfRangeError(f"Tried to write to index {index} but array is not resizeable and size "
                                      f"is: {size}")
            self._elements.extend([None] * (index + 1 - size))

    def write(self, index, value, name=None):
        """Sets element `index` to `value` (growing a `dynamic_size` array); returns the array."""
        index = _index(index)
        t = self._converted(value)
        self._make_room(index)
        self._check_shape(t)
        self._elements[index] = t
        return self

    def unstack(self, value, name=None):
        """Replaces the elements by the slices of `value` along its first axis; returns the array."""
        t = self._converted(value)
        if t.ndim == 0:
            raise InvalidArgumentError("TensorArray.unstack needs a value of rank at least 1, got a scalar")
        n = t.shape[0]
        if n > len(self._elements) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size {len(self._elements)}")
        self._elements = list(A.unstack(t)) if n else []
        return self

    def scatter(self, indices, value, name=None):
        """Writes slice j of `value` (along its first axis) to element `indices[j]`; returns the array."""
        idx = [int(i) for i in np.asarray(array_value(indices)).reshape(-1)]
        t = self._converted(value)
        if t.ndim == 0 or t.shape[0] != len(idx):
            raise InvalidArgumentError(f"TensorArray.scatter: value of shape {tuple(t.shape)} does not have one "
                                       f"slice per index ({len(idx)} indices)")
        for i in idx:
            self._make_room(i)
        for i, part in zip(idx, A.unstack(t) if idx else []):
            self._check_shape(part)
            self._elements[i] = part
        return self

    def split(self, value, lengths, name=None):
        """Replaces the elements by consecutive pieces of `value` (along its first axis) of the given
        `lengths`; returns the array."""
        t = self._converted(value)
        lengths = [int(n) for n in np.asarray(array_value(lengths)).reshape(-1)]
        if t.ndim == 0 or sum(lengths) != t.shape[0]:
            raise InvalidArgumentError(f"Expected sum of lengths to be equal to values.shape[0], but sum of lengths "
                                       f"is {sum(lengths)} and value's shape is: {list(t.shape)}")
        if len(lengths) != len(self._elements) and not self._dynamic_size:
            raise InvalidArgumentError(f"TensorArray's size is not equal to the size of lengths "
                                       f"({len(self._elements)} vs. {len(lengths)}), and the TensorArray is not "
                                       "marked as dynamically resizeable.")
        self._elements = list(A.split(t, lengths)) if lengths else []
        return self

    # ------------------------------------------------------------------------------------- reading
    def _zeros(self):
        if not self._element_shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {self._element_shape} to a Tensor.")
        return Tensor(np.zeros(tuple(self._element_shape), dtype=self._dtype._np))

    def _element(self, index):
        """Element `index` without clearing it: an unwritten (or cleared) one is zeros of the element shape."""
        size = len(self._elements)
        if not 0 <= index < size:
            raise OutOfRangeError(f"Tried to read from index {index} but array size is: {size}")
        t = self._elements[index]
        return self._zeros() if t is None or t is _CLEARED else t

    def read(self, index, name=None):
        """Element `index` (zeros of the element shape if it was never written). With clear_after_read
        (the default), an element can be read once."""
        index = _index(index)
        if index < 0:
            raise OutOfRangeError(f"Reading from negative indices (index {index}) is not allowed.")
        if 0 <= index < len(self._elements) and self._elements[index] is _CLEARED:
            raise InvalidArgumentError(f"Could not read index {index} twice because it was cleared after a previous "
                                       "read (perhaps try setting clear_after_read = false?)")
        t = self._element(index)
        if self._clear_after_read:
            self._elements[index] = _CLEARED
        return t

    def stack(self, name=None):
        """The elements stacked along a new first axis."""
        if not self._elements:
            shape = tuple(self._element_shape) if self._element_shape.is_fully_defined() else ()
            return Tensor(np.zeros((0,) + shape, dtype=self._dtype._np))
        return A.stack([self._element(i) for i in range(len(self._elements))])

    def gather(self, indices, name=None):
        """The elements at `indices`, stacked."""
        idx = [int(i) for i in np.asarray(array_value(indices)).reshape(-1)]
        if not idx:
            shape = tuple(self._element_shape) if self._element_shape.is_fully_defined() else ()
            return Tensor(np.zeros((0,) + shape, dtype=self._dtype._np))
        return A.stack([self._element(i) for i in idx])

    def concat(self, name=None):
        """The elements joined along their first axis (each must have rank at least 1)."""
        if not self._elements:
            shape = self._element_shape
            if isinstance(shape, UnknownShape) or not shape.rank or not shape[1:].is_fully_defined():
                raise InvalidArgumentError("TensorArray has size zero, but element shape "
                                           f"{shape} is not fully defined. Currently only static shapes are "
                                           "supported when concatenating zero-size TensorArrays.")
            return Tensor(np.zeros((0,) + tuple(shape[1:]), dtype=self._dtype._np))
        parts = [self._element(i) for i in range(len(self._elements))]
        for i, part in enumerate(parts):
            if part.ndim == 0:
                raise InvalidArgumentError(f"Concat saw a scalar shape at index {i} but requires at least vectors.")
        return A.concat(parts, 0)

    def __repr__(self):
        return f"<TensorArray dtype={self._dtype.name} size={len(self._elements)} element_shape={self._element_shape}>"


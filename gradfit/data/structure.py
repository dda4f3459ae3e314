"""Elements: nested tuples, namedtuples and dicts of components, their specs, and conversions.

Inside a pipeline an element is a structure of NumPy arrays (leaves may also be Datasets, for the
windows of `Dataset.window`). User functions receive it as Tensors; `as_numpy_iterator` hands it out
as arrays. As in tf.data, a tuple is a structure and a list is a value to convert into one tensor.
"""
from .. import TensorSpec, nest
from ..backend import as_dtype
from ..tensor import UNKNOWN_SHAPE, Tensor, TensorShape, UnknownShape
from . import host

_ARRAY = host.ARRAY


# ------------------------------------------------------------------------------------------------ specs


class _UnknownRankSpec(TensorSpec):
    """A TensorSpec whose shape has unknown rank (`tf.TensorSpec(None, dtype)`)."""

    def __init__(self, dtype, name=None):
        super().__init__((), dtype, name)
        self.shape = UNKNOWN_SHAPE

    def is_compatible_with(self, x):
        return True

    def __repr__(self):
        return f"TensorSpec(shape=<unknown>, dtype=tf.{self.dtype.name}, name={self.name!r})"


class DatasetSpec:
    """The spec of an element that is itself a Dataset (the windows of `Dataset.window`)."""

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec = element_spec
        self.dataset_shape = TensorShape(dataset_shape)

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and self.element_spec == other.element_spec

    def __hash__(self):
        return hash(("DatasetSpec", repr(self.element_spec)))

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape({list(self.dataset_shape)}))"


def make_spec(shape, dtype):
    """A TensorSpec; `shape` None means unknown rank."""
    if shape is None or isinstance(shape, UnknownShape):
        return _UnknownRankSpec(dtype)
    return TensorSpec(shape, dtype)


def known_rank(spec):
    return not isinstance(spec.shape, UnknownShape)


def spec_of(leaf):
    """The spec of one component (an array, or a Dataset inside a window)."""
    if type(leaf) is _ARRAY:
        return TensorSpec(leaf.shape, as_dtype(leaf.dtype))
    return DatasetSpec(leaf.element_spec)


def element_spec_of(element):
    return map_leaves(spec_of, element)


def relax(a, b):
    """The most specific spec compatible with both (dimensions that differ become None), or None."""
    if isinstance(a, DatasetSpec) or isinstance(b, DatasetSpec):
        return a if a == b else None
    if a.dtype != b.dtype:
        return None
    if not known_rank(a) or not known_rank(b) or len(a.shape) != len(b.shape):
        return make_spec(None, a.dtype)
    return TensorSpec([x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype)


def relax_structure(a, b):
    """`relax` leafwise over two spec structures; None if their structures or dtypes differ."""
    if not same_structure(a, b):
        return None
    relaxed = [relax(x, y) for x, y in zip(nest.flatten(a), nest.flatten(b))]
    if any(r is None for r in relaxed):
        return None
    return nest.pack_sequence_as(a, relaxed)


def same_structure(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) and all(
            same_structure(a[k], b[k]) for k in a)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(same_structure(x, y) for x, y in zip(a, b)))
    return True


def state_mismatch(old, new):
    """None when a new state's spec keeps the old one's structure and dtypes, else what differs."""
    if not same_structure(old, new):
        return "element structure"
    if [s.dtype for s in nest.flatten(old)] != [s.dtype for s in nest.flatten(new)]:
        return "element types"
    return None


def batched_spec(spec, batch_size):
    """The spec of a batch of `spec` elements (batch_size None: a partial last batch is possible)."""
    if isinstance(spec, DatasetSpec):
        raise TypeError("Cannot batch a dataset whose elements are datasets; use flat_map on the windows first")
    if not known_rank(spec):
        return make_spec(None, spec.dtype)
    return TensorSpec((batch_size,) + tuple(spec.shape), spec.dtype)


def unbatched_spec(spec):
    if not known_rank(spec):
        return make_spec(None, spec.dtype)
    if len(spec.shape) == 0:
        raise ValueError("Cannot unbatch an input with scalar components.")
    return TensorSpec(tuple(spec.shape)[1:], spec.dtype)


# ------------------------------------------------------------------------------------------- structure
def map_leaves(fn, element):
    """`fn` applied to each leaf of an element (tuples, namedtuples and dicts are structure)."""
    if type(element) is tuple:
        return tuple([map_leaves(fn, x) for x in element])
    if isinstance(element, dict):
        return {k: map_leaves(fn, v) for k, v in element.items()} if type(element) is dict else type(element)(
            (k, map_leaves(fn, v)) for k, v in element.items())
    if isinstance(element, tuple):
        return type(element)(*[map_leaves(fn, x) for x in element])
    return fn(element)


def normalize(value):
    """An element from a user value: tuples/dicts keep their structure, everything else becomes an array."""
    if type(value) is tuple:
        return tuple([normalize(v) for v in value])
    if isinstance(value, (tuple, dict)):
        return map_leaves(_as_leaf, value)
    return _as_leaf(value)


def _as_leaf(value):
    if type(value) is Tensor:
        arr = value._value
        if type(arr) is _ARRAY and arr.dtype.kind in "biufc":  # the common case, already a component
            return arr
    from .dataset import Dataset

    if isinstance(value, Dataset):
        return value
    return host.as_component(value)


def from_function_output(value):
    """An element from what a user function returned; a returned list is a tuple, as in tf.data."""
    if isinstance(value, list):
        value = tuple(value)
    return normalize(value)


def flatten_up_to(template, value, what):
    """The subtrees of `value` at the leaves of `template` (value's leaves may be lists or shapes)."""
    if isinstance(template, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(template):
            raise ValueError(f"{what} {value!r} does not match the element structure {template!r}")
        return [v for k in sorted(template) for v in flatten_up_to(template[k], value[k], what)]
    if isinstance(template, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(template):
            raise ValueError(f"{what} {value!r} does not match the element structure {template!r}")
        return [v for t, x in zip(template, value) for v in flatten_up_to(t, x, what)]
    return [value]


class Layout:
    """How an element's leaves are arranged: `flatten` lists them, `pack` rebuilds the element."""

    __slots__ = ("template", "kind")

    def __init__(self, element):
        self.template = map_leaves(lambda leaf: None, element)
        if not isinstance(element, (tuple, dict)):
            self.kind = "leaf"
        elif type(element) is tuple and not any(isinstance(x, (tuple, dict)) for x in element):
            self.kind = "flat"
        else:
            self.kind = "nested"

    def flatten(self, element):
        kind = self.kind
        if kind == "leaf":
            return [element]
        if kind == "flat":
            return element
        return nest.flatten(element)

    def pack(self, leaves):
        kind = self.kind
        if kind == "leaf":
            return leaves[0]
        if kind == "flat":
            return tuple(leaves)
        return nest.pack_sequence_as(self.template, leaves)


# ------------------------------------------------------------------------------------------ conversion
def to_tensors(element):
    """The element as the caller sees it: arrays become Tensors (Datasets stay Datasets)."""
    if type(element) is _ARRAY:
        return Tensor(element)
    if type(element) is tuple:
        return tuple([Tensor(x) if type(x) is _ARRAY else to_tensors(x) for x in element])
    return map_leaves(_leaf_tensor, element)


def _leaf_tensor(leaf):
    return Tensor(leaf) if type(leaf) is _ARRAY else leaf


def to_numpy(element):
    """The element as `as_numpy_iterator` yields it: arrays, with 0-d values as NumPy scalars."""
    return map_leaves(_leaf_numpy, element)


def _leaf_numpy(leaf):
    if type(leaf) is _ARRAY:
        return leaf[()] if leaf.ndim == 0 else leaf
    return leaf


def call(fn, element):
    """Call a user function on an element: a tuple's components are passed as separate arguments."""
    if type(element) is tuple:
        return fn(*to_tensors(element))
    return fn(to_tensors(element))

"""Where elements come from: tensor slices, single tensors, generators, ranges, and zip/concatenate."""
import itertools
import numbers

from .. import TensorSpec, nest
from ..backend import as_dtype, np_dtype
from ..errors import InvalidArgumentError
from ..tensor import Tensor, TensorShape
from . import host, structure
from .dataset import INFINITE, UNKNOWN, Dataset


# ----------------------------------------------------------------------------------- indexed sources
class ArraySource:
    """Elements that are rows of in-memory arrays: element i is row i of every component."""

    def __init__(self, layout, components):
        self.layout = layout
        self.components = components

    def element(self, i):
        return self.layout.pack([host.row(c, i) for c in self.components])

    def elements(self, chunks):
        pack, components = self.layout.pack, self.components
        for chunk in chunks:
            for i in (chunk if type(chunk) is range else chunk.tolist()):
                yield pack([c[i, ...] for c in components])

    def rows(self, index):
        """The batch of elements at `index` (a range gives views, an index array gathered copies)."""
        return self.layout.pack([host.rows(c, index) for c in self.components])


class RangeSource:
    """The elements of Dataset.range, computed from their position."""

    def __init__(self, start, step, dtype):
        self.start, self.step, self.dtype = start, step, dtype

    def element(self, i):
        return host.scalar(self.start + i * self.step, self.dtype)

    def elements(self, chunks):
        start, step, dtype = self.start, self.step, self.dtype
        for chunk in chunks:
            for i in (chunk if type(chunk) is range else chunk.tolist()):
                yield host.scalar(start + i * step, dtype)

    def rows(self, index):
        return host.range_rows(self.start, self.step, index, self.dtype)


class ZipSource:
    """Element i of several sources side by side, in the structure given to Dataset.zip."""

    def __init__(self, template, sources):
        self.template = template
        self.sources = sources

    def element(self, i):
        return nest.pack_sequence_as(self.template, [s.element(i) for s in self.sources])

    def elements(self, chunks):
        for chunk in chunks:
            for i in (chunk if type(chunk) is range else chunk.tolist()):
                yield self.element(i)

    def rows(self, index):
        return nest.pack_sequence_as(self.template, [s.rows(index) for s in self.sources])


# ------------------------------------------------------------------------------------------- datasets
class TensorSliceDataset(Dataset):
    """`Dataset.from_tensor_slices`: the arrays are used in place (read-only), not copied."""

    _plain_source = True

    def __init__(self, tensors):
        element = structure.normalize(tensors)
        layout = structure.Layout(element)
        leaves = list(layout.flatten(element))
        if not leaves:
            raise ValueError("from_tensor_slices needs at least one tensor, got an empty structure")
        for leaf in leaves:
            if isinstance(leaf, Dataset):
                raise TypeError("from_tensor_slices takes tensors and arrays, not Datasets; use Dataset.zip")
            if leaf.ndim == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1: from_tensor_slices got "
                                 f"a scalar of dtype {leaf.dtype}")
        n = leaves[0].shape[0]
        for i, leaf in enumerate(leaves[1:], 1):
            if leaf.shape[0] != n:
                raise ValueError(
                    "from_tensor_slices: all components must have the same size in their first dimension, got "
                    f"{n} (component 0, shape {leaves[0].shape}) and {leaf.shape[0]} (component {i}, shape "
                    f"{leaf.shape})")
        self._length = n
        self._source = ArraySource(layout, [host.read_only(leaf) for leaf in leaves])
        self._element_spec = layout.pack([TensorSpec(leaf.shape[1:], as_dtype(leaf.dtype))
                                          for leaf in leaves])

    def _index_chunks(self, ctx):
        return host.count_chunks(self._length)

    def _cardinality(self):
        return self._length


class TensorDataset(Dataset):
    """`Dataset.from_tensors`: one element."""

    def __init__(self, tensors):
        self._element = structure.normalize(tensors)
        self._element_spec = structure.element_spec_of(self._element)

    def _elements(self, ctx):
        return iter((self._element,))

    def _cardinality(self):
        return 1


class RangeDataset(Dataset):
    """`Dataset.range` (and `Dataset.counter`, whose stop is None)."""

    _plain_source = True

    def __init__(self, args, dtype):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"range() takes 1 to 3 positional arguments, got {len(args)}")
        values = [a.numpy() if isinstance(a, Tensor) else a for a in args]
        for v in values:
            if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral)):
                raise TypeError(f"Dataset.range arguments must be integers, got {v!r}")
        start, stop, step = (0, values[0], 1) if len(values) == 1 else (*values, 1)[:3]
        start, step = int(start), int(step)
        if step == 0:
            raise InvalidArgumentError("step must be a non-zero integer.")
        self._length = None if stop is None else len(range(start, int(stop), step))
        self._source = RangeSource(start, step, np_dtype(dtype))
        self._element_spec = TensorSpec((), as_dtype(dtype))

    def _index_chunks(self, ctx):
        return host.count_chunks(self._length)

    def _cardinality(self):
        return INFINITE if self._length is None else self._length


class GeneratorDataset(Dataset):
    """`Dataset.from_generator`: each yielded value is checked against the signature and converted."""

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_signature is not None:
            if output_types is not None:
                raise TypeError("The `output_types` argument can not be used together with the "
                                "`output_signature` argument.")
            if output_shapes is not None:
                raise TypeError("The `output_shapes` argument can not be used together with the "
                                "`output_signature` argument.")
            for spec in nest.flatten(output_signature):
                if not isinstance(spec, TensorSpec):
                    raise TypeError(f"`output_signature` must contain tf.TensorSpec objects, got {spec!r}")
            signature = output_signature
        else:
            if output_types is None:
                raise TypeError("To specify the output signature you need to provide either the "
                                "`output_signature` argument or the `output_types` argument.")
            signature = _signature_from_types(output_types, output_shapes)
        self._generator = generator
        self._args = tuple(structure.to_numpy(host.as_component(a)) for a in (args or ()))
        self._element_spec = signature
        self._layout = structure.Layout(signature)
        self._specs = list(self._layout.flatten(signature))

    def _elements(self, ctx):
        from .mapping import DROPPED, tolerant

        conform = tolerant(self._conform, ctx.on_error)  # under ignore_errors a bad value is dropped
        for value in self._generator(*self._args):
            element = conform(value)
            if element is not DROPPED:
                yield element

    def _conform(self, value):
        signature = self._element_spec
        try:
            values = structure.flatten_up_to(signature, value, "yielded element")
        except ValueError:
            raise InvalidArgumentError(
                "`generator` yielded an element that did not match the expected structure. The expected "
                f"structure was {signature}, but the yielded element was {value!r:.200}.") from None
        leaves = []
        for v, spec in zip(values, self._specs):
            try:
                arr = host.convert_to(v, spec.dtype)
            except (TypeError, ValueError):
                raise InvalidArgumentError(
                    "`generator` yielded an element that could not be converted to the expected type. The "
                    f"expected type was {spec.dtype.name}, but the yielded element was {v!r:.200}.") from None
            if not spec.is_compatible_with(arr):
                raise InvalidArgumentError(
                    f"`generator` yielded an element of shape {arr.shape} where an element of shape "
                    f"{tuple(spec.shape)} was expected.")
            leaves.append(arr)
        return self._layout.pack(leaves)


def _signature_from_types(output_types, output_shapes):
    types = nest.flatten(output_types)
    if output_shapes is None:
        shapes = [None] * len(types)
    else:
        shapes = structure.flatten_up_to(output_types, output_shapes, "output_shapes")
    specs = [structure.make_spec(None if s is None else TensorShape(s), t) for t, s in zip(types, shapes)]
    return nest.pack_sequence_as(output_types, specs)


class ListDataset(Dataset):
    """A dataset over a list of ready elements (the windows of `Dataset.window`)."""

    def __init__(self, elements, element_spec):
        self._list = elements
        self._element_spec = element_spec

    def _elements(self, ctx):
        return iter(self._list)

    def _cardinality(self):
        return len(self._list)


class ZipDataset(Dataset):
    """`Dataset.zip`: read by index when every input is a plain in-memory source."""

    def __init__(self, datasets):
        if isinstance(datasets, list):
            datasets = tuple(datasets)
        flat = nest.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError("Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                                f"`tf.data.Dataset` objects but encountered object of type {type(d)}.")
        self._structure = datasets
        self._inputs = tuple(flat)
        if all(getattr(d, "_plain_source", False) for d in flat):
            self._source = ZipSource(datasets, [d._source for d in flat])

    def _compute_spec(self):
        return nest.pack_sequence_as(self._structure, [d.element_spec for d in self._inputs])

    def _elements(self, ctx):
        if self._source is not None:
            return self._source.elements(self._index_chunks(ctx))
        return self._zip(ctx)

    def _zip(self, ctx):
        iterators = [iter(d._elements(ctx)) for d in self._inputs]
        template = self._structure
        while True:
            items = []
            for it in iterators:
                item = next(it, _END)
                if item is _END:
                    return
                items.append(item)
            yield nest.pack_sequence_as(template, items)

    def _index_chunks(self, ctx):
        n = self._cardinality()
        return host.count_chunks(None if n == INFINITE else n)

    def _cardinality(self):
        counts = [d._cardinality() for d in self._inputs]
        finite = [n for n in counts if n >= 0]
        if finite and min(finite) == 0:
            return 0
        if UNKNOWN in counts:
            return UNKNOWN
        return min(finite) if finite else INFINITE


class ConcatenateDataset(Dataset):
    """`a.concatenate(b)`: element specs must agree in structure and dtypes; shapes are relaxed."""

    def __init__(self, first, second):
        if not isinstance(second, Dataset):
            raise TypeError(f"concatenate() expects a Dataset, got {type(second).__name__}")
        self._inputs = (first, second)
        spec = structure.relax_structure(first.element_spec, second.element_spec)
        if spec is None:
            raise TypeError(f"Incompatible dataset elements:\n  {first.element_spec} vs.   {second.element_spec}")
        self._element_spec = spec

    def _elements(self, ctx):
        return itertools.chain(self._inputs[0]._elements(ctx), self._inputs[1]._elements(ctx))

    def _cardinality(self):
        a, b = (d._cardinality() for d in self._inputs)
        if INFINITE in (a, b):
            return INFINITE
        if UNKNOWN in (a, b):
            return UNKNOWN
        return a + b


_END = object()

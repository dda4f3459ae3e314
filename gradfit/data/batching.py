"""Transformations between elements and batches: batch, padded_batch, unbatch, rebatch, window."""
import collections
import itertools

from .. import TensorSpec, nest
from ..errors import InvalidArgumentError
from ..tensor import Tensor, TensorShape
from . import host, structure
from .dataset import Dataset
from .sources import ListDataset


def _batched_cardinality(n, batch_size, drop_remainder):
    if n < 0:
        return n
    return n // batch_size if drop_remainder else -(-n // batch_size)


class BatchDataset(Dataset):
    """`batch`: over a dataset read by index, each batch is one gather per component (no stacking)."""

    def __init__(self, child, batch_size, drop_remainder):
        self._child = child
        self._inputs = (child,)
        self._batch_size = batch_size
        self._drop_remainder = drop_remainder

    def _elements(self, ctx):
        if self._child._source is not None:
            return self._gathered(ctx)
        return self._stacked(ctx)

    def _gathered(self, ctx):
        rows = self._child._source.rows
        reader = host.IndexReader(self._child._index_chunks(ctx))
        size, drop = self._batch_size, self._drop_remainder
        while True:
            index = reader.read(size)
            if index is None or (drop and len(index) < size):
                return
            yield rows(index)

    def _stacked(self, ctx):
        size = self._batch_size
        group = []
        for element in self._child._elements(ctx):
            group.append(element)
            if len(group) == size:
                yield stack_elements(group)
                group = []
        if group and not self._drop_remainder:
            yield stack_elements(group)

    def _cardinality(self):
        return _batched_cardinality(self._child._cardinality(), self._batch_size, self._drop_remainder)

    def _compute_spec(self):
        size = self._batch_size if self._drop_remainder else None
        return nest.map_structure(lambda s: structure.batched_spec(s, size), self._child.element_spec)


def stack_elements(elements):
    """One batch from a list of elements of the same structure and shapes."""
    layout = structure.Layout(elements[0])
    if layout.kind == "leaf":
        _check_arrays(elements[:1])
        return host.stack(elements)
    columns = zip(*[layout.flatten(e) for e in elements])
    leaves = []
    for i, column in enumerate(columns):
        column = list(column)
        _check_arrays(column[:1])
        leaves.append(host.stack(column, i))
    return layout.pack(leaves)


def _check_arrays(leaves):
    for leaf in leaves:
        if type(leaf) is not host.ARRAY:
            raise TypeError("Cannot batch elements that contain datasets (the windows of Dataset.window); use "
                            "flat_map(lambda window: window.batch(size)) instead")


class PaddedBatchDataset(Dataset):
    """`padded_batch`: components are padded at the end of each axis to `padded_shapes`.

    A None (or -1) dimension in `padded_shapes`, and every dimension when `padded_shapes` is None, pads to
    the longest in the batch. Padding values default to 0, False, or b"" for strings.
    """

    def __init__(self, child, batch_size, padded_shapes, padding_values, drop_remainder):
        self._child = child
        self._inputs = (child,)
        self._batch_size = batch_size
        self._padded_shapes = padded_shapes
        self._padding_values = padding_values
        self._drop_remainder = drop_remainder

    def _shapes(self, template):
        if self._padded_shapes is None:
            return [None] * len(nest.flatten(template))
        return [_as_padded_shape(s) for s in structure.flatten_up_to(template, self._padded_shapes,
                                                                     "padded_shapes")]

    def _values(self, template, leaves):
        if self._padding_values is None:
            return [None] * len(leaves)
        values = structure.flatten_up_to(template, self._padding_values, "padding_values")
        return [None if v is None else host.padding_value(v, leaf.dtype, i)
                for i, (v, leaf) in enumerate(zip(values, leaves))]

    def _elements(self, ctx):
        size = self._batch_size
        plan = None
        group = []
        for element in self._child._elements(ctx):
            group.append(element)
            if len(group) == size:
                plan = plan or self._plan(element)
                yield self._pad(group, plan)
                group = []
        if group and not self._drop_remainder:
            yield self._pad(group, plan or self._plan(group[0]))

    def _plan(self, element):
        layout = structure.Layout(element)
        leaves = list(layout.flatten(element))
        _check_arrays(leaves)
        return layout, self._shapes(layout.template), self._values(layout.template, leaves)

    def _pad(self, group, plan):
        layout, shapes, values = plan
        columns = zip(*[layout.flatten(e) for e in group])
        return layout.pack([host.pad_stack(list(column), shapes[i], values[i], i)
                            for i, column in enumerate(columns)])

    def _cardinality(self):
        return _batched_cardinality(self._child._cardinality(), self._batch_size, self._drop_remainder)

    def _compute_spec(self):
        child_spec = self._child.element_spec
        specs = nest.flatten(child_spec)
        shapes = self._shapes(child_spec)
        size = self._batch_size if self._drop_remainder else None
        out = []
        for i, (spec, shape) in enumerate(zip(specs, shapes)):
            if shape is None:
                if not structure.known_rank(spec):
                    raise ValueError(f"You must provide `padded_shapes` argument because component {i} has "
                                     "unknown rank.")
                shape = (None,) * len(spec.shape)
            out.append(TensorSpec((size,) + tuple(None if d is None or d < 0 else d for d in shape), spec.dtype))
        return nest.pack_sequence_as(child_spec, out)


def _as_padded_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, int):
        raise TypeError(f"padded_shapes entries must be shapes (lists or TensorShapes), got the integer {shape}")
    return tuple(None if d is None else int(d) for d in TensorShape(shape))


class UnbatchDataset(Dataset):
    """`unbatch`: each element's components are split along their (matching) first dimension."""

    def __init__(self, child):
        self._child = child
        self._inputs = (child,)

    def _elements(self, ctx):
        layout = None
        for element in self._child._elements(ctx):
            layout = layout or structure.Layout(element)
            leaves = list(layout.flatten(element))
            n = _common_leading_dim(leaves, "unbatch()")
            if layout.kind == "leaf":
                arr = leaves[0]
                for i in range(n):
                    yield arr[i, ...]
            else:
                for i in range(n):
                    yield layout.pack([leaf[i, ...] for leaf in leaves])

    def _compute_spec(self):
        return nest.map_structure(structure.unbatched_spec, self._child.element_spec)


def _common_leading_dim(leaves, what):
    _check_arrays(leaves)
    sizes = [host.leading_dim(leaf) for leaf in leaves]
    if None in sizes:
        raise ValueError("Cannot unbatch an input with scalar components.")
    if any(s != sizes[0] for s in sizes):
        raise InvalidArgumentError(
            f"`{what}` is only supported for datasets of elements whose components have a matching leading "
            f"dimension. Encountered both {sizes[0]} and {next(s for s in sizes if s != sizes[0])}.")
    return sizes[0]


class RebatchDataset(Dataset):
    """`rebatch`: `unbatch().batch(n)` done by slicing batches rather than splitting them into elements."""

    def __init__(self, child, batch_size, drop_remainder):
        sizes = [batch_size] if not isinstance(batch_size, (list, tuple)) else list(batch_size)
        if isinstance(batch_size, Tensor):
            sizes = [int(s) for s in batch_size.numpy().reshape(-1)]
        if not sizes or any(int(s) <= 0 for s in sizes):
            raise InvalidArgumentError(f"rebatch: batch sizes must be greater than zero, got {batch_size!r}")
        self._child = child
        self._inputs = (child,)
        self._sizes = [int(s) for s in sizes]
        self._drop_remainder = drop_remainder

    def _elements(self, ctx):
        sizes = itertools.cycle(self._sizes)
        want = next(sizes)
        layout = None
        pending = collections.deque()  # leaves of input batches, the first one possibly partly used
        available = 0
        for element in self._child._elements(ctx):
            layout = layout or structure.Layout(element)
            leaves = list(layout.flatten(element))
            n = _common_leading_dim(leaves, "rebatch()")
            if n == 0:
                continue
            pending.append(leaves)
            available += n
            while available >= want:
                yield layout.pack(_take_rows(pending, want))
                available -= want
                want = next(sizes)
        if available and not self._drop_remainder:
            yield layout.pack(_take_rows(pending, available))

    def _compute_spec(self):
        size = self._sizes[0] if self._drop_remainder and len(self._sizes) == 1 else None
        return nest.map_structure(lambda s: structure.batched_spec(structure.unbatched_spec(s), size),
                                  self._child.element_spec)


def _take_rows(pending, count):
    """The first `count` rows across the pending batches (consumed from `pending`), per component."""
    parts = []
    while count:
        leaves = pending[0]
        n = host.leading_dim(leaves[0])
        if n <= count:
            parts.append(leaves)
            pending.popleft()
            count -= n
        else:
            parts.append([leaf[:count] for leaf in leaves])
            pending[0] = [leaf[count:] for leaf in leaves]
            count = 0
    return [host.concat([p[i] for p in parts]) for i in range(len(parts[0]))]


class WindowDataset(Dataset):
    """`window(size, shift, stride)`: window k holds elements k*shift, k*shift + stride, ... (at most size).

    Each window is the element's structure with a dataset in place of each component.
    """

    def __init__(self, child, size, shift, stride, drop_remainder):
        self._child = child
        self._inputs = (child,)
        self._size, self._shift, self._stride = size, shift, stride
        self._drop_remainder = drop_remainder

    def _elements(self, ctx):
        span = (self._size - 1) * self._stride + 1
        source = iter(self._child._elements(ctx))
        buffer = collections.deque()
        to_skip = 0
        exhausted = False
        while True:
            while to_skip and not exhausted:
                if next(source, _END) is _END:
                    exhausted = True
                to_skip -= 1
            while len(buffer) < span and not exhausted:
                element = next(source, _END)
                if element is _END:
                    exhausted = True
                else:
                    buffer.append(element)
            if not buffer or (exhausted and self._drop_remainder and len(buffer) < span):
                return
            yield self._window(list(itertools.islice(buffer, 0, span, self._stride)))
            dropped = min(self._shift, len(buffer))
            for _ in range(dropped):
                buffer.popleft()
            to_skip = self._shift - dropped

    def _window(self, elements):
        layout = structure.Layout(elements[0])
        spec = self.element_spec
        columns = list(zip(*[layout.flatten(e) for e in elements]))
        component_specs = [s.element_spec for s in nest.flatten(spec)]
        return layout.pack([ListDataset(list(column), s) for column, s in zip(columns, component_specs)])

    def _cardinality(self):
        n = self._child._cardinality()
        if n < 0:
            return n
        if self._drop_remainder:
            span = (self._size - 1) * self._stride + 1
            return max(0, (n - span) // self._shift + 1)
        return -(-n // self._shift)

    def _compute_spec(self):
        return nest.map_structure(structure.DatasetSpec, self._child.element_spec)


_END = object()

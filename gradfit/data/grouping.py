"""Transformations that look across elements: scan, unique, group_by_window, bucket_by_sequence_length."""
from .. import TensorSpec, nest
from ..errors import InvalidArgumentError
from ..tensor import Tensor
from . import host, structure
from .dataset import Dataset
from .sources import ListDataset


class ScanDataset(Dataset):
    """`scan`: `state, output = scan_func(state, element)` for each element; the outputs are the elements.

    The state keeps its structure and dtypes (its shapes may change from one element to the next).
    """

    def __init__(self, child, initial_state, scan_func):
        if not callable(scan_func):
            raise TypeError(f"scan_func must be callable, got {type(scan_func).__name__}")
        self._child = child
        self._inputs = (child,)
        self._initial = structure.normalize(initial_state)
        self._initial_spec = structure.element_spec_of(self._initial)
        self._fn = scan_func

    def _elements(self, ctx):
        state = self._initial
        for element in self._child._elements(ctx):
            state, output = self._step(state, element)
            yield output

    def _step(self, state, element):
        result = self._fn(structure.to_tensors(state), structure.to_tensors(element))
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            returned = structure.element_spec_of(structure.from_function_output(result))
            raise TypeError("Invalid `scan_func`. `scan_func` should return a pair consisting of new state and the "
                            f"output value but its return type is {returned}.")
        new_state = structure.from_function_output(result[0])
        new_spec = structure.element_spec_of(new_state)
        mismatch = structure.state_mismatch(self._initial_spec, new_spec)
        if mismatch == "element types":
            expected, got = (structure.map_leaves(lambda s: f"tf.{s.dtype.name}", spec)
                             for spec in (self._initial_spec, new_spec))
            raise TypeError("Invalid `scan_func`. The element types for the new state must match the initial "
                            f"state. Expected {expected}, got {got}.")
        if mismatch:
            raise TypeError("Invalid `scan_func`. The element structure for the new state must match the initial "
                            f"state. Expected {self._initial_spec}, got {new_spec}.")
        return new_state, structure.from_function_output(result[1])

    def _cardinality(self):
        return self._child._cardinality()


class UniqueDataset(Dataset):
    """`unique`: each distinct element once, in the order of first appearance (int32, int64, string)."""

    def __init__(self, child):
        spec = child.element_spec
        if not isinstance(spec, TensorSpec):
            raise InvalidArgumentError("UniqueDataset only supports inputs with a single component.")
        if spec.dtype.name not in ("int32", "int64", "string"):
            raise TypeError(f"`tf.data.Dataset.unique` does not support type tf.{spec.dtype.name} -- only "
                            "`tf.int32`, `tf.int64`, and `tf.string` are supported.")
        self._child = child
        self._inputs = (child,)

    def _elements(self, ctx):
        seen = set()
        for element in self._child._elements(ctx):
            key = host.value_key(element)
            if key not in seen:
                seen.add(key)
                yield element

    def _compute_spec(self):
        return self._child.element_spec


class GroupByWindowDataset(Dataset):
    """`group_by_window`: elements grouped by `key_func`; a group's window goes to `reduce_func` when it
    holds its window size, and the groups left at the end go in increasing key order (as in tf.data)."""

    def __init__(self, child, key_func, reduce_func, window_size, window_size_func, element_spec=None):
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` argument must be "
                             "specified.")
        self._child = child
        self._inputs = (child,)
        self._key_func = key_func
        self._reduce_func = reduce_func
        self._size = None if window_size is None else int(host.as_component(window_size, host.INT64))
        self._size_func = window_size_func
        if element_spec is not None:
            self._element_spec = element_spec

    def _elements(self, ctx):
        groups, sizes = {}, {}
        for element in self._child._elements(ctx):
            key = _integer(structure.call(self._key_func, element), "key_func", int64_only=True)
            group = groups.setdefault(key, [])
            if not group:
                sizes[key] = self._window_size(key)
            group.append(element)
            if len(group) >= sizes[key]:
                del groups[key]
                yield from self._reduce(key, group)._elements(ctx)
        for key in sorted(groups):
            yield from self._reduce(key, groups[key])._elements(ctx)

    def _window_size(self, key):
        size = self._size
        if size is None:
            size = _integer(self._size_func(_key_tensor(key)), "window_size_func", int64_only=True)
        if size <= 0:
            raise InvalidArgumentError(f"Window size must be greater than zero, but got {size}.")
        return size

    def _reduce(self, key, elements):
        result = self._reduce_func(_key_tensor(key), ListDataset(elements, self._child.element_spec))
        if not isinstance(result, Dataset):
            returned = structure.element_spec_of(structure.from_function_output(result))
            raise TypeError("Invalid `reduce_func`. `reduce_func` must return a single `tf.data.Dataset` object but "
                            f"its return type is {returned}.")
        return result

    def _compute_spec(self):
        # As tf.data traces reduce_func: called on an empty window, it tells what it yields. A reduce_func
        # that needs a real element for that (a map, say) is asked again on the first real window.
        try:
            return self._reduce(0, []).element_spec
        except Exception:  # noqa: B902 -- any failure on the empty window means "look at real data"
            return super()._compute_spec()


def _key_tensor(key):
    return Tensor(host.scalar(key, host.INT64))


def _integer(value, what, int64_only=False):
    """A Python int from an integer scalar returned by a user function (int64 only for keys and sizes)."""
    arr = host.as_component(value)
    if arr.ndim != 0 or arr.dtype.kind not in "iu" or (int64_only and arr.dtype != host.INT64 and not isinstance(
            value, int)):
        raise ValueError(f"`{what}` must return a scalar tf.int64 tensor, but it returned "
                         f"{structure.spec_of(arr)}.")
    return int(arr)


# ------------------------------------------------------------------------------ bucket_by_sequence_length
_INT32_MIN, _INT32_MAX = -2**31, 2**31 - 1


def bucket_by_sequence_length(dataset, element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None, pad_to_bucket_boundary=False,
                              no_padding=False, drop_remainder=False):
    """Batches of elements of similar length: bucket i holds lengths in [boundary i-1, boundary i).

    Each bucket is batched by its own batch size, padded as `padded_batch` pads (to the longest element of
    the batch, to `padded_shapes`, or with `pad_to_bucket_boundary` to the bucket's boundary minus one).
    """
    if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
        raise ValueError("`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                         f"`len(bucket_batch_sizes)={len(bucket_batch_sizes)}` and "
                         f"`len(bucket_boundaries)={len(bucket_boundaries)}`.")
    boundaries = [int(b) for b in bucket_boundaries]
    batch_sizes = [int(b) for b in bucket_batch_sizes]
    # Bucket i takes lengths in [lows[i], highs[i]); the first bucket that takes a length gets it.
    lows, highs = [_INT32_MIN] + boundaries, boundaries + [_INT32_MAX]

    def bucket_of(*element):
        length = _integer(element_length_func(*element), "element_length_func")
        for i, (low, high) in enumerate(zip(lows, highs)):
            if low <= length < high:
                return host.scalar(i, host.INT64)
        raise InvalidArgumentError(f"No bucket takes an element of length {length}: bucket_boundaries="
                                   f"{boundaries}")

    def batch_bucket(bucket, window):
        i, size = int(bucket), batch_sizes[int(bucket)]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        if not pad_to_bucket_boundary:
            return window.padded_batch(size, padded_shapes, padding_values, drop_remainder=drop_remainder)
        if i == len(boundaries):
            raise InvalidArgumentError("When pad_to_bucket_boundary=True, elements must have length < "
                                       "max(bucket_boundaries).")
        # Dimensions the spec leaves open, or that differ within the window, pad to the boundary.
        spec = window.element_spec
        for element in window:
            spec = structure.relax_structure(spec, structure.element_spec_of(structure.normalize(element)))
        shapes = _padded_shapes(spec, padded_shapes, boundaries[i] - 1)
        return window.padded_batch(size, shapes, padding_values, drop_remainder=drop_remainder)

    # The spec tf.data gives: batch sizes (and, with pad_to_bucket_boundary, padded lengths) vary by bucket.
    empty = ListDataset([], dataset.element_spec)
    spec = (empty.batch(1) if no_padding else empty.padded_batch(1, padded_shapes, padding_values)).element_spec
    return GroupByWindowDataset(dataset, bucket_of, batch_bucket, None, lambda bucket: batch_sizes[int(bucket)],
                                element_spec=spec)


def _padded_shapes(spec, padded_shapes, filler):
    """Per component, `padded_shapes` (else the element's shape) with unknown dimensions set to `filler`."""
    shapes = (structure.flatten_up_to(spec, padded_shapes, "padded_shapes") if padded_shapes is not None
              else [list(s.shape) if structure.known_rank(s) else None for s in nest.flatten(spec)])
    filled = [None if shape is None else [filler if d is None or d == -1 else d for d in _dims(shape)]
              for shape in shapes]
    return structure.Layout(spec).pack(filled) if isinstance(spec, (tuple, dict)) else filled[0]


def _dims(shape):
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    return [None if d is None else int(d) for d in shape]

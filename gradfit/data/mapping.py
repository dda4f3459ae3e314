"""Transformations that call a user function: map, filter, take_while, flat_map, interleave.

The function gets the element as Tensors (a tuple's components as separate arguments) and may use any
gradfit op. An exception it raises reaches the iterating caller unchanged, from worker threads too.
"""
import os

from .. import nest
from ..errors import InvalidArgumentError
from ..tensor import Tensor
from . import host, structure
from .dataset import AUTOTUNE, Dataset
from .threads import parallel_map


def _parallelism(value, name="num_parallel_calls"):
    """None (run in the caller's thread) or a number of worker threads."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        value = int(value)
    if value == AUTOTUNE:
        return os.cpu_count() or 1
    if value <= 0:
        raise InvalidArgumentError(f"{name} must be greater than zero.")
    return int(value)


class MapDataset(Dataset):
    """`map`: sequential, or on a thread pool with `num_parallel_calls` (in order unless deterministic=False).

    Its element_spec comes from calling the function on the first element, as TensorFlow traces it once;
    a batch dimension of unknown size in the input stays unknown in the output.
    """

    def __init__(self, child, map_func, num_parallel_calls, deterministic):
        if not callable(map_func):
            raise TypeError(f"map_func must be callable, got {type(map_func).__name__}")
        self._child = child
        self._inputs = (child,)
        self._fn = map_func
        self._workers = _parallelism(num_parallel_calls)
        self._deterministic = deterministic

    def _apply(self, element):
        out = structure.call(self._fn, element)
        try:
            return structure.from_function_output(out)
        except (TypeError, ValueError) as e:
            raise TypeError(f"The function given to map returned {out!r:.200}, which is not a tensor or a "
                            f"(nested) tuple/dict of tensors: {e}") from None

    def _elements(self, ctx):
        upstream = self._child._elements(ctx)
        if self._workers is None or ctx.peeking:
            return map(self._apply, upstream)
        deterministic = self._deterministic
        if deterministic is None:
            deterministic = ctx.options.deterministic is not False
        workers = self._workers
        cap = ctx.options.threading.private_threadpool_size
        if cap:
            workers = min(workers, int(cap))
        return parallel_map(self._apply, upstream, workers, deterministic)

    def _cardinality(self):
        return self._child._cardinality()

    def _compute_spec(self):
        first_input = self._child._first_element()
        spec = structure.element_spec_of(self._apply(first_input))
        input_specs = nest.flatten(self._child.element_spec)
        batched = all(isinstance(s, structure.TensorSpec) and structure.known_rank(s) and len(s.shape)
                      and s.shape[0] is None for s in input_specs)
        if not batched:
            return spec
        size = host.leading_dim(nest.flatten(first_input)[0])
        return nest.map_structure(lambda s: _unknown_leading(s, size), spec)


def _unknown_leading(spec, size):
    if isinstance(spec, structure.DatasetSpec) or not structure.known_rank(spec) or not len(spec.shape):
        return spec
    if spec.shape[0] != size:
        return spec
    return structure.TensorSpec((None,) + tuple(spec.shape)[1:], spec.dtype)


def _predicate_result(predicate, element):
    """A predicate's verdict, which must be a scalar boolean (as tf.data requires)."""
    result = structure.call(predicate, element)
    if result is True or result is False:
        return result
    arr = host.as_component(result)
    if arr.dtype.kind != "b" or arr.ndim != 0:
        raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its return "
                         f"type is {structure.spec_of(arr)}.")
    return bool(arr)


class FilterDataset(Dataset):
    def __init__(self, child, predicate):
        self._child = child
        self._inputs = (child,)
        self._predicate = predicate

    def _elements(self, ctx):
        predicate = self._predicate
        return (e for e in self._child._elements(ctx) if _predicate_result(predicate, e))

    def _compute_spec(self):
        return self._child.element_spec


class TakeWhileDataset(Dataset):
    def __init__(self, child, predicate):
        self._child = child
        self._inputs = (child,)
        self._predicate = predicate

    def _elements(self, ctx):
        for e in self._child._elements(ctx):
            if not _predicate_result(self._predicate, e):
                return
            yield e

    def _compute_spec(self):
        return self._child.element_spec


def _dataset_result(map_func, element, what):
    result = structure.call(map_func, element)
    if not isinstance(result, Dataset):
        raise TypeError(f"The `map_func` argument of {what} must return a `Dataset` object, got "
                        f"{type(result).__name__}.")
    return result


class FlatMapDataset(Dataset):
    """`flat_map`: each element becomes a dataset; their elements follow one another."""

    def __init__(self, child, map_func):
        self._child = child
        self._inputs = (child,)
        self._fn = map_func

    def _elements(self, ctx):
        for e in self._child._elements(ctx):
            yield from _dataset_result(self._fn, e, "flat_map")._elements(ctx)


class InterleaveDataset(Dataset):
    """`interleave`: `block_length` elements from each of `cycle_length` open datasets in turn.

    An exhausted dataset's place goes to the next input element's dataset when its turn comes, as in
    TensorFlow, so the output order is the same as tf.data's. `num_parallel_calls` is accepted; the
    datasets are read in the caller's thread.
    """

    def __init__(self, child, map_func, cycle_length, block_length, num_parallel_calls):
        self._child = child
        self._inputs = (child,)
        self._fn = map_func
        self._cycle = _parallelism(AUTOTUNE if cycle_length is None else cycle_length, "cycle_length")
        self._block = 1 if block_length is None else _parallelism(block_length, "block_length")
        _parallelism(num_parallel_calls)

    def _elements(self, ctx):
        inputs = iter(self._child._elements(ctx))
        slots = [None] * self._cycle
        open_count = 0
        inputs_left = True
        index = 0
        while inputs_left or open_count:
            current = slots[index]
            if current is None:
                if inputs_left:
                    element = next(inputs, _END)
                    if element is _END:
                        inputs_left = False
                    else:
                        slots[index] = iter(_dataset_result(self._fn, element, "interleave")._elements(ctx))
                        open_count += 1
                        continue
                index = (index + 1) % self._cycle
                continue
            for _ in range(self._block):
                item = next(current, _END)
                if item is _END:
                    slots[index] = None
                    open_count -= 1
                    break
                yield item
            index = (index + 1) % self._cycle


_END = object()

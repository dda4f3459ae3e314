"""Transformations that call a user function: map, filter, take_while, flat_map, interleave; ignore_errors.

The function gets the element as Tensors (a tuple's components as separate arguments) and may use any
gradfit op. An exception it raises reaches the iterating caller unchanged, from worker threads too,
unless an `ignore_errors` downstream asks for the element to be dropped instead.
"""
import logging
import os

from .. import nest
from ..errors import InvalidArgumentError
from ..tensor import Tensor
from . import host, structure
from .dataset import AUTOTUNE, Dataset, IterationContext
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
        apply = tolerant(self._apply, ctx.on_error)
        if self._workers is None or ctx.peeking:
            return without_dropped(map(apply, upstream), ctx)
        deterministic = self._deterministic
        if deterministic is None:
            deterministic = ctx.options.deterministic is not False
        workers = self._workers
        cap = ctx.options.threading.private_threadpool_size
        if cap:
            workers = min(workers, int(cap))
        return without_dropped(parallel_map(apply, upstream, workers, deterministic), ctx)

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
        if ctx.on_error is None:
            return (e for e in self._child._elements(ctx) if _predicate_result(predicate, e))
        keep = tolerant(lambda e: _predicate_result(predicate, e), ctx.on_error)
        return filter(lambda e: keep(e) is True, self._child._elements(ctx))

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
        open_dataset = tolerant(lambda e: _dataset_result(self._fn, e, "flat_map"), ctx.on_error)
        for e in self._child._elements(ctx):
            dataset = open_dataset(e)
            if dataset is not DROPPED:
                yield from dataset._elements(ctx)


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
        open_dataset = tolerant(lambda e: _dataset_result(self._fn, e, "interleave"), ctx.on_error)
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
                        dataset = open_dataset(element)
                        if dataset is not DROPPED:
                            slots[index] = iter(dataset._elements(ctx))
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


# ------------------------------------------------------------------------------------- ignore_errors
DROPPED = object()  # what a tolerant call returns for an element whose function raised
_log = logging.getLogger("gradfit.data")


def tolerant(fn, on_error):
    """`fn`, or when errors are ignored (`on_error` set), `fn` reporting a failure and returning DROPPED."""
    if on_error is None:
        return fn

    def call(element):
        try:
            return fn(element)
        except Exception as exc:  # noqa: B902 -- ignore_errors drops any failing element, as tf.data does
            on_error(exc)
            return DROPPED

    return call


def without_dropped(elements, ctx):
    return elements if ctx.on_error is None else filter(lambda e: e is not DROPPED, elements)


def _warn(exc):
    _log.warning("Ignoring an error in the input pipeline: %s: %s", type(exc).__name__, exc)


def _silent(exc):
    pass


class IgnoreErrorsDataset(Dataset):
    """`ignore_errors`: elements whose computation raised are dropped and the pass goes on.

    Upstream map, filter, flat_map and interleave functions (and from_generator's conversions) drop the
    failing element themselves; any other error ends the pass if the transformation that raised it
    cannot go past it (a Python generator that raised has finished, as in tf.data).
    """

    def __init__(self, child, log_warning):
        self._child = child
        self._inputs = (child,)
        self._report = _warn if log_warning else _silent

    def _elements(self, ctx):
        report = self._report
        elements = iter(self._child._elements(IterationContext(ctx.options, ctx.peeking, report)))
        while True:
            try:
                element = next(elements)
            except StopIteration:
                return
            except Exception as exc:  # noqa: B902 -- see the class docstring
                report(exc)
                continue
            yield element

    def _compute_spec(self):
        return self._child.element_spec

"""Control flow as TensorFlow spells it (`tf.cond`, `tf.case`, `tf.while_loop`, `tf.map_fn`, `tf.scan`, ...).

Execution is eager, so each of these is the Python it stands for: a branch taken, a loop run, a function
applied per element. What they compute is recorded by a tape like any other ops, so gradients flow
through the branch taken and every iteration.
"""
import numpy as np

from . import nest
from .backend import np_dtype
from .ops import array as A
from .ops import math as M
from .ops.core import InvalidArgumentError
from .tensor import Tensor, convert_to_tensor
from .tensor_array import TensorArray


def _as_tensors(structure):
    """The leaves of `structure` as tensors (TensorArrays, which carry tensors, stay as they are)."""
    return nest.map_structure(lambda x: x if isinstance(x, (Tensor, TensorArray)) else convert_to_tensor(x),
                              structure)


def _truth(pred, what):
    """A scalar predicate (a Python bool or a 0-d tensor) as a Python bool."""
    if isinstance(pred, (bool, np.bool_)):
        return bool(pred)
    v = np.asarray(pred._value if isinstance(pred, Tensor) else pred)
    if v.shape != ():
        raise InvalidArgumentError(f"{what}: the predicate must be a scalar, got shape {v.shape}")
    return bool(v)


def cond(pred, true_fn=None, false_fn=None, name=None):
    """`true_fn()` if `pred` is true, else `false_fn()`."""
    if true_fn is None or false_fn is None:
        raise TypeError(f"cond(): '{'true_fn' if true_fn is None else 'false_fn'}' argument required")
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError(f"'{'true_fn' if not callable(true_fn) else 'false_fn'}' must be callable.")
    return true_fn() if _truth(pred, "cond") else false_fn()


def switch_case(branch_index, branch_fns, default=None, name=None):
    """The branch numbered `branch_index` (a list of functions, a dict or a list of (index, function)
    pairs); out of range: `default`, or the last branch when there is none."""
    pairs = sorted(branch_fns.items()) if isinstance(branch_fns, dict) else (
        list(branch_fns) if branch_fns and isinstance(branch_fns[0], tuple) else list(enumerate(branch_fns)))
    if not pairs:
        raise ValueError("switch_case: `branch_fns` must contain at least one branch")
    index = int(np.asarray(branch_index._value if isinstance(branch_index, Tensor) else branch_index))
    for key, fn in pairs:
        if key == index:
            return fn()
    return (default or pairs[-1][1])()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the function paired with the first true predicate in `pred_fn_pairs` (a list of
    (boolean scalar tensor, function) pairs), or of `default` when none is true (without a default, that is
    an error). Every predicate is evaluated; `exclusive` is accepted, and, as in TensorFlow 2.21's eager code,
    several true predicates are not an error."""
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    pairs = list(pred_fn_pairs)
    if not pairs:
        raise ValueError("case: `pred_fn_pairs` must contain at least one (predicate, function) pair")
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if pred._value.dtype != np.bool_:
            raise TypeError(f"pred must be a Tensor of type bool, got dtype {pred._value.dtype.name}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred} must be callable.")
    truths = [_truth(pred, "case") for pred, _ in pairs]
    for truth, (_, fn) in zip(truths, pairs):
        if truth:
            return fn()
    if default is not None:
        return default()
    raise InvalidArgumentError("Input error: None of conditions evaluated as True: "
                               + ", ".join(str(t) for t in truths))


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Repeat `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (at most `maximum_iterations` times);
    returns the final loop variables, tensors in the structure of `loop_vars`."""
    if not loop_vars:
        raise ValueError("'loop_vars' must be provided.")
    if not callable(cond) or not callable(body):
        raise TypeError("'cond' and 'body' must be callable")
    structure = list(loop_vars)
    limit = None if maximum_iterations is None else int(np.asarray(
        maximum_iterations._value if isinstance(maximum_iterations, Tensor) else maximum_iterations))
    count = 0
    while (limit is None or count < limit) and _truth(cond(*loop_vars), "while_loop"):
        loop_vars = body(*loop_vars)
        if not isinstance(loop_vars, (list, tuple)):
            loop_vars = [loop_vars]
        try:
            nest.assert_same_structure(structure, list(loop_vars))
        except (ValueError, TypeError) as e:
            raise ValueError(f"while_loop: `body` must return the structure of `loop_vars`: {e}") from None
        count += 1
    return _as_tensors(loop_vars)


def _elements(elems, reverse=False):
    """The slices of `elems` (a structure of tensors of equal first dimension) along axis 0, in order."""
    flat = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(elems)]
    if not flat:
        raise ValueError("elems must contain at least one tensor")
    sizes = {x.shape[0] if x.ndim else None for x in flat}
    if len(sizes) != 1 or None in sizes:
        raise ValueError(f"elems must be tensors of rank >= 1 with the same first dimension, got shapes "
                         f"{[tuple(x.shape) for x in flat]}")
    columns = [A.unstack(x) for x in flat]
    order = range(len(columns[0]))
    return [nest.pack_sequence_as(elems, [c[i] for c in columns]) for i in (reversed(order) if reverse else order)]


def _stacked(results, empty_like):
    if not results:
        return nest.map_structure(lambda x: A.zeros((0,) + tuple(x.shape[1:]), dtype=x.dtype), empty_like)
    flat = [nest.flatten(_as_tensors(r)) for r in results]
    return nest.pack_sequence_as(results[0], [A.stack(list(column)) for column in zip(*flat)])


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False, infer_shape=True,
           name=None, fn_output_signature=None):
    """`fn` applied to each slice of `elems` along axis 0, the results stacked."""
    elems = _as_tensors(elems)
    return _stacked([fn(x) for x in _elements(elems)], elems)


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """`map_fn`: `fn` applied to each slice of `elems` along axis 0, the results stacked."""
    return map_fn(fn, elems)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, infer_shape=True,
         reverse=False, name=None):
    """The running `a = fn(a, x)` over the slices x of `elems` (from the end with `reverse`), every `a`
    stacked in the order of `elems`; without `initializer`, the first slice starts it."""
    elems = _as_tensors(elems)
    items = _elements(elems, reverse)
    if initializer is None:
        if not items:
            raise ValueError("scan: elems must not be empty when no initializer is given")
        acc, items, outputs = items[0], items[1:], [items[0]]
    else:
        acc, outputs = _as_tensors(initializer), []
    for x in items:
        acc = fn(acc, x)
        outputs.append(acc)
    if reverse:
        outputs.reverse()
    return _stacked(outputs, elems if initializer is None else nest.map_structure(
        lambda a: A.expand_dims(a, 0), _as_tensors(initializer)))


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """The final `a = fn(a, x)` over the slices of `elems` from the first."""
    return _fold(fn, elems, initializer, reverse=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """The final `a = fn(a, x)` over the slices of `elems` from the last."""
    return _fold(fn, elems, initializer, reverse=True)


def _fold(fn, elems, initializer, reverse):
    items = _elements(_as_tensors(elems), reverse)
    if initializer is None:
        if not items:
            raise ValueError("elems must not be empty when no initializer is given")
        acc, items = items[0], items[1:]
    else:
        acc = _as_tensors(initializer)
    for x in items:
        acc = fn(acc, x)
    return acc


def _outputs_as(result, Tout, what):
    """The results of a wrapped Python function as tensors of the dtypes `Tout` (one, or a list of them)."""
    if Tout is None:
        return None
    many = isinstance(Tout, (list, tuple))
    values = (list(result) if isinstance(result, (list, tuple)) else [result]) if many else [result]
    if many and len(values) != len(Tout):
        raise ValueError(f"{what}: the function returned {len(values)} values for {len(Tout)} output types")
    out = []
    for v, t in zip(values, Tout if many else [Tout]):
        want = np_dtype(t)
        if isinstance(v, Tensor):
            out.append(v if v._value.dtype == want else M.cast(v, want))
        else:
            out.append(Tensor(np.asarray(v, dtype=want)))
    return out if many else out[0]


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """`func` called on the inputs as NumPy arrays; its results as tensors of `Tout` (no gradient)."""
    arrays = [np.asarray(x._value) if isinstance(x, Tensor) else np.asarray(x) for x in inp]
    return _outputs_as(func(*arrays), Tout, "numpy_function")


def py_function(func, inp, Tout, name=None):
    """`func` called on the inputs as tensors; its results as tensors of `Tout`. Ops inside `func` are
    recorded as usual, so gradients flow through it."""
    return _outputs_as(func(*[x if isinstance(x, Tensor) else convert_to_tensor(x) for x in inp]), Tout, "py_function")

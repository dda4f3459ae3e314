"""Functions that change how gradients flow (`tf.grad_pass_through`, `tf.recompute_grad`), and the graph-mode
gradient controls as eager code meets them (`tf.no_gradient`, `tf.hessians`, `tf.AggregationMethod`)."""
import functools

from .. import nest
from ..tensor import Tensor, convert_to_tensor
from .tape import ACTIVE, Primitive, _Paused, _get_ident, record


class _PassThrough(Primitive):
    """An op whose value is a function's and whose gradient is the identity: input i gets output i's."""

    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        grads = g if self.multi_output else [g]
        return {i: grads[i] for i in wanted if grads[i] is not None}


def grad_pass_through(f):
    """`f` with an identity gradient: the i-th output's gradient goes to the i-th input unchanged, as if `f`
    were `tf.identity` (a straight-through estimator, e.g. for `tf.round` or an assignment). `f` must return
    as many tensors as it takes; variables it reads get no gradient."""

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        ident = _get_ident()
        tapes = [t for t in ACTIVE if t._thread == ident]
        if not tapes:
            return f(*args, **kwargs)
        inputs = [a if isinstance(a, Tensor) else convert_to_tensor(a) for a in args]
        with _Paused(tapes):
            result = f(*inputs, **kwargs)
        flat = nest.flatten(result)
        if len(flat) != len(inputs):
            raise ValueError(f"grad_pass_through: the function returned {len(flat)} tensors for {len(inputs)} "
                             "inputs; the identity gradient needs one output per input")
        values = [convert_to_tensor(y)._value for y in flat]
        prim = _PassThrough(getattr(f, "__name__", "grad_pass_through"), multi_output=len(values) > 1)
        out = record(prim, values if prim.multi_output else values[0], tuple(inputs))
        return nest.pack_sequence_as(result, out if prim.multi_output else [out])

    return wrapped


def recompute_grad(f):
    """`f` unchanged in values and gradients. TensorFlow recomputes `f`'s forward pass during the backward
    pass to save memory; here the recorded operations keep their values instead."""

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return f(*args, **kwargs)

    return wrapped


def no_gradient(op_type):
    """Declares a graph op type as having no gradient. Eager ops carry their own gradient rules, so this
    only checks its argument, as TensorFlow does."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")


def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    """Graph-mode only in TensorFlow, which raises this error in eager code, as here: compute Hessians with
    nested `GradientTape`s (an inner tape's gradient, then the outer tape's `jacobian` of it)."""
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape "
                       "instead.")


class AggregationMethod:
    """How graph-mode gradients of one tensor are summed; eager gradients are always added in order."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2

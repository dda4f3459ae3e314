"""keras.activations: elementwise activation functions, resolvable by name with `get`.

Each takes a tensor (or a symbolic KerasTensor, giving a node of a Functional graph) and returns one.
"""
import functools

from ..ops import array as A
from ..ops import math as M
from ..ops import nn as N
from ..ops import reduction as R
from ..tensor import Tensor


def _symbolic_aware(fn):
    """Lets `fn` be applied to a KerasTensor while a Functional graph is being built."""

    @functools.wraps(fn)
    def activation(x, *args, **kwargs):
        if x.__class__ is not Tensor:
            from .layers.keras_tensor import KerasTensor, symbolic_op

            if isinstance(x, KerasTensor):
                return symbolic_op(fn, x, *args, **kwargs)
        return fn(x, *args, **kwargs)

    activation.raw = fn
    return activation


@_symbolic_aware
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); below `threshold` the slope is `negative_slope`, above `max_value` it saturates."""
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return N.leaky_relu(x, alpha=negative_slope)
        negative_part = N.relu(M.add(M.negative(x), threshold) if threshold != 0 else M.negative(x))
    clip_max = max_value is not None
    if threshold != 0:
        y = M.where(M.greater(x, threshold), x, A.zeros_like(x))
    elif max_value == 6:
        y = N.relu6(x)
        clip_max = False
    else:
        y = N.relu(x)
    if clip_max:
        y = M.clip_by_value(y, 0.0, float(max_value))
    if negative_slope != 0.0:
        y = M.subtract(y, M.multiply(negative_part, float(negative_slope)))
    return y


@_symbolic_aware
def leaky_relu(x, negative_slope=0.2):
    return N.leaky_relu(x, alpha=negative_slope)


@_symbolic_aware
def relu6(x):
    return N.relu6(x)


@_symbolic_aware
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of axes)."""
    if isinstance(axis, (tuple, list)):
        shifted = M.subtract(x, R.reduce_max(x, axis=axis, keepdims=True))
        e = M.exp(shifted)
        output = M.divide(e, R.reduce_sum(e, axis=axis, keepdims=True))
    else:
        output = N.softmax(x, axis=axis)
    # Kept for cross-entropy losses, which then compute from the logits (exact where probabilities saturate).
    output._keras_logits = x
    return output


@_symbolic_aware
def log_softmax(x, axis=-1):
    return N.log_softmax(x, axis=axis)


@_symbolic_aware
def elu(x, alpha=1.0):
    return N.elu(x, alpha=alpha)


@_symbolic_aware
def celu(x, alpha=1.0):
    """max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)."""
    return M.add(N.relu(x), M.multiply(M.expm1(M.divide(M.minimum(x, 0.0), float(alpha))), float(alpha)))


@_symbolic_aware
def selu(x):
    return N.selu(x)


@_symbolic_aware
def softplus(x):
    return N.softplus(x)


@_symbolic_aware
def softsign(x):
    return N.softsign(x)


@_symbolic_aware
def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2."""
    return M.multiply(M.add(x, M.sqrt(M.add(M.square(x), float(b)))), 0.5)


@_symbolic_aware
def soft_shrink(x, threshold=0.5):
    """x - threshold above it, x + threshold below -threshold, 0 between."""
    zero = A.zeros_like(x)
    return M.where(M.greater(x, threshold), M.subtract(x, threshold),
                   M.where(M.less(x, -threshold), M.add(x, threshold), zero))


@_symbolic_aware
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    return M.where(M.greater(M.abs(x), threshold), x, A.zeros_like(x))


@_symbolic_aware
def sparse_plus(x):
    """0 for x <= -1, x for x >= 1, (x + 1)^2 / 4 between."""
    middle = M.multiply(M.square(M.add(x, 1.0)), 0.25)
    return M.where(M.less_equal(x, -1.0), A.zeros_like(x), M.where(M.greater_equal(x, 1.0), x, middle))


@_symbolic_aware
def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return N.silu(x)


@_symbolic_aware
def gelu(x, approximate=False):
    return N.gelu(x, approximate=approximate)


@_symbolic_aware
def glu(x, axis=-1):
    """a * sigmoid(b), where a and b are the two halves of x along `axis`."""
    a, b = A.split(x, 2, axis=axis)
    return M.multiply(a, M.sigmoid(b))


@_symbolic_aware
def tanh(x):
    return M.tanh(x)


@_symbolic_aware
def tanh_shrink(x):
    return M.subtract(x, M.tanh(x))


@_symbolic_aware
def hard_tanh(x):
    return M.clip_by_value(x, -1.0, 1.0)


@_symbolic_aware
def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    return M.where(M.greater(x, threshold), x, M.add(A.zeros_like(x), default_value))


@_symbolic_aware
def sigmoid(x):
    output = M.sigmoid(x)
    output._keras_logits = x
    return output


@_symbolic_aware
def sparse_sigmoid(x):
    """0 for x <= -1, 1 for x >= 1, (x + 1) / 2 between."""
    return M.clip_by_value(M.multiply(M.add(x, 1.0), 0.5), 0.0, 1.0)


@_symbolic_aware
def exponential(x):
    return M.exp(x)


@_symbolic_aware
def hard_sigmoid(x):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between."""
    return M.divide(N.relu6(M.add(x, 3.0)), 6.0)


@_symbolic_aware
def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard_swish)."""
    return M.multiply(x, hard_sigmoid.raw(x))


@_symbolic_aware
def log_sigmoid(x):
    return N.log_sigmoid(x)


@_symbolic_aware
def mish(x):
    """x * tanh(softplus(x))."""
    return M.multiply(x, M.tanh(N.softplus(x)))


@_symbolic_aware
def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along `axis` (a sparse softmax)."""
    rank = len(x.shape)
    axis = axis % rank
    size = int(x.shape[axis])
    descending = A.sort(x, axis=axis, direction="DESCENDING")
    ranks = A.reshape(A.range(1, size + 1, dtype=x.dtype), [size if a == axis else 1 for a in range(rank)])
    in_support = M.greater(M.add(M.multiply(descending, ranks), 1.0), R.cumsum(descending, axis=axis))
    smallest_kept = R.reduce_min(M.where(in_support, descending, M.add(A.zeros_like(descending), float("inf"))),
                                 axis=axis, keepdims=True)
    # The threshold is a function of x itself (the sort only picks the support), so gradients reach x.
    kept = M.cast(M.greater_equal(x, smallest_kept), x.dtype)
    tau = M.divide(M.subtract(R.reduce_sum(M.multiply(x, kept), axis=axis, keepdims=True), 1.0),
                   R.reduce_sum(kept, axis=axis, keepdims=True))
    return N.relu(M.subtract(x, tau))


@_symbolic_aware
def linear(x):
    """The identity."""
    return x


swish = silu
hard_swish = hard_silu

_BUILTINS = (relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus, soft_shrink,
             sparse_plus, silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid, sparse_sigmoid, exponential,
             hard_sigmoid, hard_silu, hard_tanh, hard_shrink, linear, mish, log_softmax, log_sigmoid, sparsemax)
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in _BUILTINS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu
_NAME_OF = {fn: fn.__name__ for fn in _BUILTINS}
# TensorFlow functions users pass as activations serialize under the Keras name they compute.
_NAME_OF.update({N.relu: "relu", M.sigmoid: "sigmoid", M.tanh: "tanh", N.softmax: "softmax", N.elu: "elu",
                 N.selu: "selu", N.softplus: "softplus", N.softsign: "softsign", N.gelu: "gelu",
                 N.relu6: "relu6", M.exp: "exponential"})


def serialize(activation):
    """A built-in activation's name ('relu'); a custom function or object as a config dict."""
    name = _NAME_OF.get(activation)
    if name is not None:
        return name
    if hasattr(activation, "get_config"):
        from .layers.serialization import serialize_keras_object

        return serialize_keras_object(activation, type(activation).__module__)
    fn_name = getattr(activation, "__name__", None)
    if fn_name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it is neither a function nor an object "
                         "with get_config()")
    return {"module": getattr(activation, "__module__", None), "class_name": "function", "config": fn_name,
            "registered_name": fn_name}


def deserialize(config, custom_objects=None):
    """The activation named by a string, or by a config dict from `serialize`."""
    custom_objects = custom_objects or {}
    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("registered_name") or config["config"]
        if name in custom_objects:
            return custom_objects[name]
        return _lookup(config["config"])
    if isinstance(config, dict):
        from .layers.serialization import deserialize_keras_object

        return deserialize_keras_object(config, ALL_OBJECTS_DICT, "activation", custom_objects)
    if config in custom_objects:
        return custom_objects[config]
    return _lookup(config)


def _lookup(name):
    fn = ALL_OBJECTS_DICT.get(name)
    if fn is None:
        raise ValueError(f"Unknown activation {name!r}. Available: {sorted(ALL_OBJECTS_DICT)}")
    return fn


def get(identifier):
    """An activation from a name ('relu'), config dict or callable; None gives `linear`."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation identifier: {identifier!r}; expected a name such as "
                     f"'relu' or a callable")


__all__ = sorted(ALL_OBJECTS_DICT) + ["get", "serialize", "deserialize"]

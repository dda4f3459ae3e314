"""keras.ops: Keras 3's backend-agnostic ops (NumPy-like, core and nn functions) on gradfit."""
import inspect

from . import core, nn, numpy
from .core import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .numpy import *  # noqa: F401,F403
from .core import shape, slice  # core's meanings win where names overlap
from ...ops.linalg import det, inv, solve
from ...ops.reduction import top_k
from ..layers.keras_tensor import KerasTensor, symbolic_op


# Functions that take or give no tensors, or run user functions (control flow), stay as they are;
# every other op applied to a KerasTensor becomes a node of the Functional graph being built.
_NOT_GRAPH_OPS = {"cond", "convert_to_numpy", "custom_gradient", "dtype", "fori_loop", "is_tensor", "map", "ndim",
                  "scan", "shape", "switch", "value", "vectorized_map", "while_loop"}


def _graph_aware(fn):
    def op(*args, **kwargs):
        if _has_keras_tensor(args) or (kwargs and _has_keras_tensor(kwargs.values())):
            return symbolic_op(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    op.__name__, op.__qualname__, op.__doc__, op.__wrapped__ = fn.__name__, fn.__qualname__, fn.__doc__, fn
    return op


def _has_keras_tensor(values):
    for v in values:
        cls = v.__class__
        if cls is KerasTensor:
            return True
        if cls is list or cls is tuple:  # (this module's `any` is keras.ops.any)
            for u in v:
                if u.__class__ is KerasTensor:
                    return True
    return False


def _wrap_graph_ops(namespace):
    for name, fn in list(namespace.items()):
        if (not name.startswith("_") and inspect.isfunction(fn) and name not in _NOT_GRAPH_OPS
                and fn.__module__.startswith(("gradfit.keras.ops.", "gradfit.ops."))):
            namespace[name] = _graph_aware(fn)


_wrap_graph_ops(globals())


def __getattr__(name):
    raise AttributeError(f"keras.ops has no function {name!r}")

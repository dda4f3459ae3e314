"""TensorFlow's graph-building and runtime utilities as they behave in eager code, where ops run when they
are called: `tf.no_op`, `tf.group`, `tf.tuple`, `tf.control_dependencies`, `tf.init_scope`,
`tf.inside_function`, `tf.get_static_value`, `tf.get_logger`, `tf.timestamp`."""
import contextlib
import logging
import time

import numpy as np

from .tensor import Tensor, Variable


def no_op(name=None):
    """Does nothing (in a graph, an op to hang control dependencies on); returns None."""
    return None


def group(*inputs, **kwargs):
    """Waits for `inputs` in a graph; eagerly they have already run, so this returns None."""
    unexpected = set(kwargs) - {"name"}
    if unexpected:
        raise ValueError(f"Unknown keyword arguments: {sorted(unexpected)}")
    return None


def tuple(tensors, control_inputs=None, name=None):
    """`tensors` as given (a graph would gate them on each other; eagerly they are all computed)."""
    return tensors


def control_dependencies(control_inputs):
    """A context that orders ops after `control_inputs` in a graph; eagerly ops already run in program
    order, so it does nothing (`with ... as c` gives None)."""
    return contextlib.nullcontext()


def init_scope():
    """A context that lifts variable creation out of a function being traced; eagerly it does nothing."""
    return contextlib.nullcontext()


def inside_function():
    """Whether code runs while a `tf.function` is traced into a graph: never, as everything runs eagerly."""
    return False


def get_static_value(tensor, partial=False):
    """The value of `tensor` if known without running anything: a tensor's NumPy value, a Python or NumPy
    value unchanged. A Variable's value can change, so it has none (None), as in TensorFlow."""
    if isinstance(tensor, Variable):
        return None
    if isinstance(tensor, Tensor):
        return tensor.numpy()
    return tensor


def get_logger():
    """The logger gradfit's messages go to (TensorFlow's is named 'tensorflow')."""
    return logging.getLogger("gradfit")


def timestamp(name=None):
    """Seconds since the epoch, as a float64 scalar tensor."""
    return Tensor(np.asarray(time.time(), dtype=np.float64))

"""keras.ops: Keras 3's backend-agnostic ops (NumPy-like, core and nn functions) on gradfit."""
from . import core, nn, numpy
from .core import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .numpy import *  # noqa: F401,F403
from .core import shape, slice  # core's meanings win where names overlap
from ...ops.linalg import det, inv, solve
from ...ops.reduction import top_k


def __getattr__(name):
    raise AttributeError(f"keras.ops has no function {name!r}")

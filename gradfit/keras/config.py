"""keras.config: the global settings a Keras script sets at its top (float type, epsilon, image data format,
dtype policy, logging, unsafe deserialization)."""
from ..backend import epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format
from .backend import backend
from .layers import dtype_policy as _policies
from .layers.serialization import enable_unsafe_deserialization
from .utils import progbar as _progbar

__all__ = ["backend", "disable_flash_attention", "disable_interactive_logging", "disable_traceback_filtering",
           "dtype_policy", "enable_flash_attention", "enable_interactive_logging", "enable_traceback_filtering",
           "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format", "is_flash_attention_enabled",
           "is_interactive_logging_enabled", "is_traceback_filtering_enabled", "set_backend", "set_dtype_policy",
           "set_epsilon", "set_floatx", "set_image_data_format"]

_traceback_filtering = [True]


def set_backend(name):
    """gradfit is its own backend: only 'numpy' (what `backend()` returns) is accepted."""
    if name != backend():
        raise ValueError(f"set_backend: gradfit runs on its NumPy backend only; received {name!r}, "
                         f"expected {backend()!r}")


def dtype_policy():
    """The global DTypePolicy that layers created without `dtype=` use (by default the floatx() policy)."""
    return _policies.get(None)


def set_dtype_policy(policy):
    """Sets the global DTypePolicy from a name ('float32', 'float64', ...) or a DTypePolicy. Mixed precision
    policies ('mixed_float16', 'mixed_bfloat16') raise ValueError: NumPy has no fast float16 kernels."""
    _policies.set_global_policy(None if policy is None else _policies.get(policy))


def enable_interactive_logging():
    """Progress bars and summaries go to stdout (the default)."""
    _progbar.INTERACTIVE_LOGGING[0] = True


def disable_interactive_logging():
    """Progress bars and summaries go to Python's `logging` (logger 'keras', level INFO) instead of stdout."""
    _progbar.INTERACTIVE_LOGGING[0] = False


def is_interactive_logging_enabled():
    return _progbar.INTERACTIVE_LOGGING[0]


def enable_traceback_filtering():
    """Accepted for compatibility: gradfit's tracebacks are plain Python ones, with nothing to filter."""
    _traceback_filtering[0] = True


def disable_traceback_filtering():
    _traceback_filtering[0] = False


def is_traceback_filtering_enabled():
    return _traceback_filtering[0]


def enable_flash_attention():
    """Flash attention needs fused GPU kernels gradfit does not have: raises ValueError."""
    raise ValueError("enable_flash_attention: flash attention is not supported by gradfit (it needs fused GPU "
                     "kernels); MultiHeadAttention computes attention with ordinary matrix products")


def disable_flash_attention():
    """Flash attention is always off in gradfit; accepted for compatibility."""


def is_flash_attention_enabled():
    """Always False: gradfit has no flash attention kernels."""
    return False

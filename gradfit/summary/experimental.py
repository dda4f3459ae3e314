"""`tf.summary.experimental`: the default step, and the scope helper for writing custom summaries."""
import contextlib

from .writer import get_step, set_step

__all__ = ["get_step", "set_step", "summary_scope"]


@contextlib.contextmanager
def summary_scope(name, default_name="summary", values=None):
    """Yields `(tag, scope)` for a custom summary op: the tag is `name` (or `default_name` when empty)."""
    name = name or default_name
    yield name, name

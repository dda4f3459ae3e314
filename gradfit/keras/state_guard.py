"""Undoing the state a failed step touched, so a user's mistake changes nothing.

A Variable's in-place update copies its buffer first when someone else still holds it, so keeping a
reference to each buffer is a free snapshot: restoring is putting the old buffers back.
"""
import contextlib


def _guarded_variables(model):
    """Variables a step can change before it can fail: non-trainable weights (e.g. moving statistics)
    and metric state. Trainable weights and optimizer slots change only in the optimizer's update,
    which validates every gradient before it writes anything."""
    variables = list(getattr(model, "non_trainable_variables", ()))
    for metric in getattr(model, "metrics", ()):
        variables.extend(metric.variables)
    return variables


@contextlib.contextmanager
def restore_on_error(model, enabled=True):
    """Run a block; if it raises, put back the guarded variables' values from before it."""
    if not enabled:
        yield
        return
    saved = [(v, v._value) for v in _guarded_variables(model)]
    try:
        yield
    except BaseException:
        for v, value in saved:
            v._value = value
        raise

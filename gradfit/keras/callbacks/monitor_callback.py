"""The base of callbacks that watch one logged quantity for improvement (EarlyStopping, ReduceLROnPlateau)."""
import operator
import warnings

from .callback import Callback


class MonitorCallback(Callback):
    """Watches `monitor` and tells whether a value improves on a reference by more than `min_delta`.

    `mode` is 'min', 'max' or 'auto'; in 'auto' the direction comes from the name: a loss is minimized,
    a metric of the model is minimized or maximized as the metric says (its `_direction`, 'up' or 'down').
    The direction is settled at the first epoch end, once the model's metrics exist.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            self.monitor_op = self._inferred_monitor_op()
        if self.monitor_op is operator.lt:
            # Improving means going down by more than min_delta: compare `value + |min_delta| < best`.
            self.min_delta *= -1

    def _inferred_monitor_op(self):
        metric_name = self.monitor.removeprefix("val_")
        monitor_op = operator.lt if metric_name == "loss" else None
        for metric in _model_metrics(self.model):
            if getattr(metric, "name", None) == metric_name and hasattr(metric, "_direction"):
                monitor_op = operator.gt if metric._direction == "up" else operator.lt
        if monitor_op is None:
            raise ValueError(
                f"{type(self).__name__} callback received monitor={self.monitor}, but Keras isn't able to "
                "automatically determine whether that metric should be maximized or minimized. Pass "
                "`mode='max'` in order to monitor based on the highest metric value, or pass `mode='min'` in "
                "order to use the lowest value.")
        return monitor_op

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return self.monitor_op(monitor_value - self.min_delta, reference_value)


def _model_metrics(model):
    """The model's metric objects, with the compiled-metrics containers (anything with `.metrics`) opened."""
    found = []
    pending = list(getattr(model, "metrics", None) or ())
    while pending:
        metric = pending.pop(0)
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            pending[:0] = inner
        else:
            found.append(metric)
    return found

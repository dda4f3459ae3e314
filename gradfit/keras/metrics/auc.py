"""AUC: the area under the ROC or precision-recall curve, approximated over `num_thresholds` thresholds."""
import numpy as np

from ... import backend
from ...tensor import Tensor
from .confusion import divide_no_nan
from .metric import Metric, add_to, as_array
from .thresholds import confusion_counts, is_evenly_distributed

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _curve(curve):
    key = getattr(curve, "value", curve)
    if not isinstance(key, str) or key.lower() not in _CURVES:
        raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
    return _CURVES[key.lower()]


def _summation(method):
    key = getattr(method, "value", method)
    if not isinstance(key, str) or key.lower() not in _SUMMATIONS:
        raise ValueError(f'Invalid AUC summation method value: "{method}". '
                         'Expected values are ["interpolation", "majoring", "minoring"]')
    return key.lower()


class AUC(Metric):
    """Area under the ROC curve (default), the PR curve or the PR-gain curve.

    Predictions are bucketed at `num_thresholds` evenly spaced thresholds (or the given `thresholds`);
    `summation_method` is 'interpolation' (trapezoids; Davis & Goadrich interpolation for PR),
    'majoring' or 'minoring'. With `multi_label=True` each label's AUC is computed separately and
    averaged (weighted by `label_weights` if given).
    """

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        self.curve = _curve(curve)
        self.summation_method = _summation(summation_method)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = is_evenly_distributed(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                                 f"Full shape received for `y_pred`: {tuple(shape)}")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred)
        if self.multi_label:
            if y_pred.ndim != 2 or (self._built and y_pred.shape[1] != self._num_labels):
                raise ValueError(f"Metric '{self.name}': `y_pred` must have shape (batch_size, "
                                 f"{self._num_labels if self._built else 'num_labels'}) when `multi_label=True`. "
                                 f"Received: y_pred.shape={y_pred.shape}")
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred.astype(self.dtype)))
        counts = confusion_counts(("tp", "fp", "tn", "fn"), y_true, y_pred, self._thresholds,
                                  evenly=self._thresholds_distributed_evenly, sample_weight=sample_weight,
                                  multi_label=self.multi_label,
                                  label_weights=None if self.multi_label else self.label_weights,
                                  dtype=self.dtype, name=self.name)
        if not self._built:
            self._build(y_pred.shape)
        for variable, kind in ((self.true_positives, "tp"), (self.true_negatives, "tn"),
                               (self.false_positives, "fp"), (self.false_negatives, "fn")):
            add_to(variable, counts[kind])

    def _average_over_labels(self, by_threshold):
        if not self.multi_label:
            return np.sum(by_threshold)
        by_label = np.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR AUC with Davis & Goadrich (2006) interpolation between thresholds."""
        tp, fp, fn = self.true_positives._value, self.false_positives._value, self.false_negatives._value
        n = self.num_thresholds
        dtp = tp[:n - 1] - tp[1:]
        p = tp + fp
        dp = p[:n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = np.where((p[:n - 1] > 0) & (p[1:] > 0), divide_no_nan(p[:n - 1], np.maximum(p[1:], 0)),
                                np.ones_like(p[1:]))
        with np.errstate(divide="ignore"):
            log_ratio = np.log(safe_p_ratio)
        increment = divide_no_nan(prec_slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))
        return self._average_over_labels(increment)

    def result(self):
        dtype = np.dtype(self.dtype)
        if not self._built:
            return Tensor(np.zeros((), dtype))
        if self.curve == "PR" and self.summation_method == "interpolation":
            return Tensor(np.asarray(self.interpolate_pr_auc(), dtype))
        tp, fp = self.true_positives._value, self.false_positives._value
        tn, fn = self.true_negatives._value, self.false_negatives._value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
            x = np.maximum(recall_gain, 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[:n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:n - 1], y[1:])
        else:
            heights = np.maximum(y[:n - 1], y[1:])
        return Tensor(np.asarray(self._average_over_labels((x[:n - 1] - x[1:]) * heights), dtype))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config

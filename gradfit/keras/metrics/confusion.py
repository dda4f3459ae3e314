"""Confusion-matrix metrics: TruePositives..FalseNegatives, Precision, Recall, and the
sensitivity/specificity/precision/recall-at-a-constraint metrics."""
import numpy as np

from ...tensor import Tensor
from .metric import Metric, add_to
from .thresholds import NEG_INF, confusion_counts, is_evenly_distributed, parse_thresholds


def divide_no_nan(a, b):
    """a / b elementwise, 0 where b is 0."""
    a, b = np.asarray(a), np.asarray(b)
    safe = np.where(b == 0, 1, b)
    return np.where(b == 0, 0, a / safe).astype(a.dtype)


class _ConfusionMetric(Metric):
    """A metric holding some of tp/fp/tn/fn per threshold, updated together from one batch."""

    _kinds = ()

    def _init_counts(self, thresholds, default_threshold):
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default_threshold)
        self._thresholds_distributed_evenly = is_evenly_distributed(self.thresholds)
        names = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}
        for kind in self._kinds:
            setattr(self, names[kind], self.add_variable(shape=(len(self.thresholds),), initializer="zeros",
                                                         name=names[kind]))
        self._counts = {kind: getattr(self, names[kind]) for kind in self._kinds}

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            self._kinds, y_true, y_pred, self.thresholds, evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, top_k=getattr(self, "top_k", None), class_id=getattr(self, "class_id", None),
            dtype=self.dtype, name=self.name)
        for kind, delta in counts.items():
            add_to(self._counts[kind], delta)

    def _scalar_or_vector(self, values):
        return Tensor(np.asarray(values[0] if len(self.thresholds) == 1 else values))


class _ConditionCount(_ConfusionMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._init_counts(thresholds, 0.5)
        self.accumulator = self._counts[self._kinds[0]]

    def result(self):
        return self._scalar_or_vector(self.accumulator._value.copy())

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    """The (weighted) number of positives predicted positive, per threshold."""

    _kinds = ("tp",)


class FalsePositives(_ConditionCount):
    """The (weighted) number of negatives predicted positive, per threshold."""

    _kinds = ("fp",)


class TrueNegatives(_ConditionCount):
    """The (weighted) number of negatives predicted negative, per threshold."""

    _kinds = ("tn",)


class FalseNegatives(_ConditionCount):
    """The (weighted) number of positives predicted negative, per threshold."""

    _kinds = ("fn",)


class _PrecisionRecall(_ConfusionMetric):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.top_k = top_k
        self.class_id = class_id
        self._init_counts(thresholds, 0.5 if top_k is None else NEG_INF)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """tp / (tp + fp): how many of the predicted positives are positive (per threshold, or top_k / class_id)."""

    _direction = "up"

    _kinds = ("tp", "fp")

    def result(self):
        tp = self.true_positives._value
        return self._scalar_or_vector(divide_no_nan(tp, tp + self.false_positives._value))


class Recall(_PrecisionRecall):
    """tp / (tp + fn): how many of the positives are predicted positive (per threshold, or top_k / class_id)."""

    _direction = "up"

    _kinds = ("tp", "fn")

    def result(self):
        tp = self.true_positives._value
        return self._scalar_or_vector(divide_no_nan(tp, tp + self.false_negatives._value))


class _AtConstraint(_ConfusionMetric):
    """The best of one rate among thresholds where another rate meets `value` (num_thresholds evenly spaced)."""

    _direction = "up"

    _kinds = ("tp", "fp", "tn", "fn")
    _constraint = ""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if value < 0 or value > 1:
            raise ValueError(f"Argument `{self._constraint}` must be in the range [0, 1]. "
                             f"Received: {self._constraint}={value}")
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. Received: "
                             f"num_thresholds={num_thresholds}")
        setattr(self, self._constraint, value)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            thresholds = [0.5]
        else:
            thresholds = [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
        self._init_counts(thresholds, 0.5)
        self._thresholds_distributed_evenly = num_thresholds > 1

    def _rates(self):
        tp, fp = self.true_positives._value, self.false_positives._value
        tn, fn = self.true_negatives._value, self.false_negatives._value
        return {"sensitivity": divide_no_nan(tp, tp + fn), "recall": divide_no_nan(tp, tp + fn),
                "specificity": divide_no_nan(tn, tn + fp), "precision": divide_no_nan(tp, tp + fp)}

    def result(self):
        rates = self._rates()
        constrained, dependent = rates[self._constraint], rates[self._optimized]
        feasible = constrained >= self.value
        return Tensor(np.asarray(np.max(np.where(feasible, dependent, 0), initial=0), dtype=dependent.dtype))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self._constraint: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity among thresholds whose specificity is >= `specificity`."""

    _constraint, _optimized = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity among thresholds whose sensitivity is >= `sensitivity`."""

    _constraint, _optimized = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """The best precision among thresholds whose recall is >= `recall`."""

    _constraint, _optimized = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """The best recall among thresholds whose precision is >= `precision`."""

    _constraint, _optimized = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

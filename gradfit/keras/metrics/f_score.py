"""FBetaScore and F1Score: the harmonic mean of precision and recall (beta weighs recall), per class or averaged."""
import numpy as np

from ... import backend
from ...tensor import Tensor
from .metric import Metric, add_to, as_array


class FBetaScore(Metric):
    """F-beta score of multi-label or multi-class predictions, shape (batch_size, num_classes).

    `average`: None (one score per class), 'micro' (over all counts), 'macro' (mean of class scores)
    or 'weighted' (class scores weighted by their support). With `threshold=None` the highest
    prediction of each row counts as the predicted class.
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta} "
                             f"of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError("Invalid `threshold` argument value. It should be a Python float. Received: "
                                 f"threshold={threshold} of type '{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError("Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                                 f"Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}.")
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.true_positives = self.add_variable(name="true_positives", shape=shape, initializer="zeros")
        self.false_positives = self.add_variable(name="false_positives", shape=shape, initializer="zeros")
        self.false_negatives = self.add_variable(name="false_negatives", shape=shape, initializer="zeros")
        self.intermediate_weights = self.add_variable(name="intermediate_weights", shape=shape, initializer="zeros")
        self._num_classes = y_pred_shape[-1]
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        dtype = np.dtype(self.dtype)
        y_true, y_pred = as_array(y_true, dtype), as_array(y_pred, dtype)
        if self._built and y_pred.shape[1:] != (self._num_classes,) or y_true.shape != y_pred.shape:
            classes = self._num_classes if self._built else "num_classes"
            raise ValueError(f"Metric '{self.name}': expected y_true and y_pred of shape (batch_size, {classes}), "
                             f"received y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}")
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            predicted = (y_pred >= np.max(y_pred, axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(dtype)
        weight = None
        if sample_weight is not None:
            weight = as_array(sample_weight, dtype)
            if weight.ndim == 1 and weight.shape[0] != y_pred.shape[0] and weight.size != 1:
                raise ValueError(f"Metric '{self.name}': sample_weight of shape {weight.shape} does not match a "
                                 f"batch of {y_pred.shape[0]}")
            weight = weight.reshape(-1, 1) if weight.ndim == 1 else weight

        def weighted_sum(values):
            if weight is not None:
                values = values * weight
            return np.sum(values, axis=self.axis)

        updates = ((self.true_positives, weighted_sum(predicted * y_true)),
                   (self.false_positives, weighted_sum(predicted * (1 - y_true))),
                   (self.false_negatives, weighted_sum((1 - predicted) * y_true)),
                   (self.intermediate_weights, weighted_sum(y_true)))
        for variable, delta in updates:
            add_to(variable, delta)

    def result(self):
        dtype = np.dtype(self.dtype)
        if not self._built:
            return Tensor(np.zeros((), dtype))
        eps = dtype.type(backend.epsilon())
        tp, fp, fn = self.true_positives._value, self.false_positives._value, self.false_negatives._value
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        beta_sq = dtype.type(self.beta ** 2)
        f_score = precision * recall / (beta_sq * precision + recall + eps) * (1 + beta_sq)
        if self.average == "weighted":
            weights = self.intermediate_weights._value
            f_score = np.sum(f_score * (weights / (np.sum(weights) + eps)))
        elif self.average is not None:
            f_score = np.mean(f_score)
        return Tensor(np.asarray(f_score, dtype))

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 score: the harmonic mean of precision and recall (FBetaScore with beta=1)."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config

"""Regression metrics: mean errors (squared, absolute, percentage, log), RMSE, cosine similarity,
log-cosh and R^2."""
import warnings

import numpy as np

from ... import backend
from ...tensor import Tensor
from .. import losses
from .metric import Metric, add_to, as_array
from .reduction import KERNELS, Mean, MeanMetricWrapper, broadcast_weights, squeeze_or_expand


def _pair(fn_name, y_true, y_pred):
    """Float values of y_pred's dtype, ranks lined up and checked to broadcast."""
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(backend.floatx())
    y_true, y_pred = squeeze_or_expand(y_true.astype(y_pred.dtype, copy=False), y_pred)
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise ValueError(f"{fn_name}: y_true of shape {y_true.shape} does not match y_pred of shape "
                         f"{y_pred.shape}") from None
    return y_true, y_pred


def _mean_last(x):
    return np.mean(x, axis=-1) if x.ndim else x


def _mean_squared_error(y_true, y_pred):
    y_true, y_pred = _pair("mean_squared_error", y_true, y_pred)
    return _mean_last(np.square(y_true - y_pred))


def _mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _pair("mean_absolute_error", y_true, y_pred)
    return _mean_last(np.abs(y_true - y_pred))


def _mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _pair("mean_absolute_percentage_error", y_true, y_pred)
    diff = np.abs((y_true - y_pred) / np.maximum(np.abs(y_true), y_pred.dtype.type(backend.epsilon())))
    return _mean_last(diff) * y_pred.dtype.type(100.0)


def _mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = _pair("mean_squared_logarithmic_error", y_true, y_pred)
    eps = y_pred.dtype.type(backend.epsilon())
    return _mean_last(np.square(np.log(np.maximum(y_pred, eps) + 1) - np.log(np.maximum(y_true, eps) + 1)))


# The loss functions' NumPy twins: metrics need the values, not the gradients.
KERNELS.update({
    losses.mean_squared_error: _mean_squared_error, losses.mean_absolute_error: _mean_absolute_error,
    losses.mean_absolute_percentage_error: _mean_absolute_percentage_error,
    losses.mean_squared_logarithmic_error: _mean_squared_logarithmic_error,
})


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(l2_normalize(y_true) * l2_normalize(y_pred)) along `axis`: 1 for identical directions."""
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Mean of squared differences between labels and predictions."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=losses.mean_squared_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of absolute differences between labels and predictions."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute error as a percentage of the labels."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean of squared differences of log(1 + x) between labels and predictions."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions along `axis`."""

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """Mean logarithm of the hyperbolic cosine of the prediction error."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """Square root of the mean of squared errors."""

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        dtype = self.total._value.dtype
        try:
            y_true, y_pred = _pair("root_mean_squared_error", as_array(y_true, dtype), as_array(y_pred, dtype))
        except ValueError as e:
            raise ValueError(f"Metric '{self.name}': {e}") from None
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return Tensor(np.sqrt(super().result()._value))


class R2Score(Metric):
    """Coefficient of determination, per output column, then aggregated as asked.

    `class_aggregation`: 'uniform_average' (default), 'variance_weighted_average' or None (per column);
    `num_regressors` > 0 gives the adjusted R^2.
    """

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                             f"Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(f"R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}.")
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_variable(name="squared_sum", shape=[num_classes], initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=[num_classes], initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=[num_classes], initializer="zeros")
        self.count = self.add_variable(name="count", shape=[num_classes], initializer="zeros")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        dtype = np.dtype(self.dtype)
        y_true, y_pred = squeeze_or_expand(as_array(y_true, dtype), as_array(y_pred, dtype))
        if self._built and y_pred.shape[1:] != (self.sum.shape[0],) or y_true.shape != y_pred.shape:
            outputs = self.sum.shape[0] if self._built else "output_dim"
            raise ValueError(f"Metric '{self.name}': expected y_true and y_pred of shape (batch_size, {outputs}), "
                             f"received y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}")
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        weight = np.asarray(1.0 if sample_weight is None else as_array(sample_weight, dtype), dtype)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = broadcast_weights(weight, y_true.shape, self)
        weighted_y_true = y_true * weight
        updates = ((self.sum, np.sum(weighted_y_true, axis=0)),
                   (self.squared_sum, np.sum(y_true * weighted_y_true, axis=0)),
                   (self.total_mse, np.sum(np.square(y_true - y_pred) * weight, axis=0)),
                   (self.count, np.sum(weight, axis=0)),
                   (self.num_samples, y_true.size))
        for variable, delta in updates:
            add_to(variable, delta)

    def result(self):
        if not self._built:
            return Tensor(np.zeros((), np.dtype(self.dtype)))
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum._value / self.count._value
            total = self.squared_sum._value - self.sum._value * mean
            raw_scores = 1 - (self.total_mse._value / total)
        raw_scores = np.where(np.isinf(raw_scores), 0.0, raw_scores).astype(mean.dtype)
        if self.class_aggregation == "uniform_average":
            r2 = np.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = np.sum(total * raw_scores) / np.sum(total)
        else:
            r2 = raw_scores
        if self.num_regressors != 0:
            n = float(self.num_samples._value)
            p = float(self.num_regressors)
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. Falling back to "
                              "standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                              stacklevel=2)
            else:
                r2 = 1.0 - (1.0 - r2) * (n - 1.0) / (n - p - 1.0)
        return Tensor(np.asarray(r2, dtype=mean.dtype))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}

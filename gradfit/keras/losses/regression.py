"""Regression losses (MSE, MAE, MAPE, MSLE, Huber, log-cosh, cosine similarity): functions and classes.

The functions return one value per sample (the mean over the last axis, or the sum for cosine
similarity); a label of shape (batch,) next to a prediction of shape (batch, 1) lines up, as in Keras.
"""
import math

from ... import backend
from ...ops import math as M
from ...ops import nn
from ...ops import reduction as R
from .loss import BuiltinLoss, labels_and_predictions


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred) ** 2) over the last axis."""
    y_true, y_pred = labels_and_predictions("mean_squared_error", y_true, y_pred)
    return R.reduce_mean(M.square(M.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis."""
    y_true, y_pred = labels_and_predictions("mean_absolute_error", y_true, y_pred)
    return R.reduce_mean(M.abs(M.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, epsilon)) over the last axis."""
    y_true, y_pred = labels_and_predictions("mean_absolute_percentage_error", y_true, y_pred)
    diff = M.abs(M.divide(M.subtract(y_true, y_pred), M.maximum(M.abs(y_true), backend.epsilon())))
    return M.multiply(R.reduce_mean(diff, axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(y_pred + 1) - log(y_true + 1)) ** 2) over the last axis (inputs floored at epsilon)."""
    y_true, y_pred = labels_and_predictions("mean_squared_logarithmic_error", y_true, y_pred)
    eps = backend.epsilon()
    first_log = M.log(M.add(M.maximum(y_pred, eps), 1.0))
    second_log = M.log(M.add(M.maximum(y_true, eps), 1.0))
    return R.reduce_mean(M.square(M.subtract(first_log, second_log)), axis=-1)


def l2_normalize(x, axis=-1):
    """x / ||x|| along `axis`, as Keras normalizes (x * min(rsqrt(sum(x^2)), 1 / epsilon))."""
    inv_norm = M.rsqrt(R.reduce_sum(M.square(x), axis=axis, keepdims=True))
    return M.multiply(x, M.minimum(inv_norm, 1.0 / backend.epsilon()))


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred)) along `axis`: -1 for identical directions."""
    y_true, y_pred = labels_and_predictions("cosine_similarity", y_true, y_pred)
    return M.negative(R.reduce_sum(M.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)), axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """0.5 * e^2 where |e| <= delta, else delta * |e| - 0.5 * delta^2; mean over the last axis."""
    y_true, y_pred = labels_and_predictions("huber", y_true, y_pred)
    delta = float(delta)
    error = M.subtract(y_pred, y_true)
    abs_error = M.abs(error)
    quadratic = M.multiply(M.square(error), 0.5)
    linear = M.subtract(M.multiply(abs_error, delta), 0.5 * delta * delta)
    return R.reduce_mean(M.where(M.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))) over the last axis, computed without overflow."""
    y_true, y_pred = labels_and_predictions("log_cosh", y_true, y_pred)
    x = M.subtract(y_pred, y_true)
    return R.reduce_mean(M.subtract(M.add(x, nn.softplus(M.multiply(x, -2.0))), math.log(2.0)), axis=-1)


class MeanSquaredError(BuiltinLoss):
    """Mean of squares of errors between labels and predictions."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(BuiltinLoss):
    """Mean of absolute errors between labels and predictions."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsolutePercentageError(BuiltinLoss):
    """Mean absolute error as a percentage of the labels."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)


class MeanSquaredLogarithmicError(BuiltinLoss):
    """Mean of squared differences of log(1 + x) between labels and predictions."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)


class CosineSimilarity(BuiltinLoss):
    """Negative cosine similarity between labels and predictions along `axis`. Its config keeps `axis`,
    which Keras leaves out (losing it on a round trip)."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)


class Huber(BuiltinLoss):
    """Huber loss: quadratic for small errors, linear beyond `delta`. Its config keeps `delta`, which
    Keras leaves out (losing it on a round trip)."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


class LogCosh(BuiltinLoss):
    """Logarithm of the hyperbolic cosine of the prediction error."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

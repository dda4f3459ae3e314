"""Correlation metrics: Pearson's and the concordance correlation coefficient, per sample along `axis`.

The functions are differentiable (gradfit ops); the metric classes average them over every sample
seen through their NumPy twins, registered in `KERNELS`.
"""
import numpy as np

from ... import backend
from ...ops import math as M
from ...ops import reduction as R
from ..losses.loss import labels_and_predictions
from .reduction import KERNELS, MeanMetricWrapper
from .regression import _pair


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation of labels and predictions along `axis`: the mean of the product of their
    standardized values (population standard deviations)."""
    y_true, y_pred = labels_and_predictions("pearson_correlation", y_true, y_pred)
    true_centered = M.subtract(y_true, R.reduce_mean(y_true, axis=axis, keepdims=True))
    pred_centered = M.subtract(y_pred, R.reduce_mean(y_pred, axis=axis, keepdims=True))
    true_standard = M.divide(true_centered, R.reduce_std(true_centered, axis=axis, keepdims=True))
    pred_standard = M.divide(pred_centered, R.reduce_std(pred_centered, axis=axis, keepdims=True))
    return R.reduce_mean(M.multiply(true_standard, pred_standard), axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation along `axis`, computed as Keras 3 computes it:
    mean(2 * (y_true - mean(y_pred)) * (y_pred - mean(y_pred)) / (var(y_true) + var(y_pred)
    + (mean(y_true) - mean(y_pred))^2 + epsilon)).

    (Keras centers y_true on the mean of y_pred in the covariance term; its documented formula centers it
    on its own mean. The values here are Keras's.)
    """
    y_true, y_pred = labels_and_predictions("concordance_correlation", y_true, y_pred)
    true_mean = R.reduce_mean(y_true, axis=axis, keepdims=True)
    pred_mean = R.reduce_mean(y_pred, axis=axis, keepdims=True)
    true_var = R.reduce_variance(M.subtract(y_true, true_mean), axis=axis, keepdims=True)
    pred_var = R.reduce_variance(M.subtract(y_pred, pred_mean), axis=axis, keepdims=True)
    covariance = M.multiply(M.subtract(y_true, pred_mean), M.subtract(y_pred, pred_mean))
    norm = M.add(M.add(true_var, pred_var), M.square(M.subtract(true_mean, pred_mean)))
    return R.reduce_mean(M.divide(M.multiply(covariance, 2.0), M.add(norm, backend.epsilon())), axis=axis)


# ------------------------------------------------------------------------------ NumPy twins
def _numpy_axis(axis):
    """NumPy takes several axes as a tuple (a config read back from JSON holds a list)."""
    return tuple(axis) if isinstance(axis, list) else axis


def _pearson_correlation(y_true, y_pred, axis=-1):
    y_true, y_pred = _pair("pearson_correlation", y_true, y_pred)
    axis = _numpy_axis(axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        true_centered = y_true - np.mean(y_true, axis=axis, keepdims=True)
        pred_centered = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
        true_centered /= np.std(true_centered, axis=axis, keepdims=True)
        pred_centered /= np.std(pred_centered, axis=axis, keepdims=True)
        return np.mean(true_centered * pred_centered, axis=axis)


def _concordance_correlation(y_true, y_pred, axis=-1):
    y_true, y_pred = _pair("concordance_correlation", y_true, y_pred)
    axis = _numpy_axis(axis)
    true_mean = np.mean(y_true, axis=axis, keepdims=True)
    pred_mean = np.mean(y_pred, axis=axis, keepdims=True)
    norm = np.var(y_true - true_mean, axis=axis, keepdims=True) + np.var(y_pred - pred_mean, axis=axis, keepdims=True)
    norm += np.square(true_mean - pred_mean)
    norm += y_pred.dtype.type(backend.epsilon())
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    return np.mean(covariance * y_pred.dtype.type(2.0) / norm, axis=axis)


KERNELS.update({pearson_correlation: _pearson_correlation, concordance_correlation: _concordance_correlation})


class PearsonCorrelation(MeanMetricWrapper):
    """Mean Pearson correlation coefficient between labels and predictions along `axis` (1: a perfect
    positive linear relation, 0: none, -1: a perfect negative one)."""

    _direction = "up"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Mean concordance correlation coefficient between labels and predictions along `axis`: how well they
    agree, in correlation and in closeness to the identity line (1 is perfect agreement)."""

    _direction = "up"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}

"""Hinge losses for maximum-margin classifiers: functions and classes.

Binary labels given as {0, 1} are mapped to {-1, 1}, as Keras does; labels already in {-1, 1} pass.
"""
import numpy as np

from ...ops import math as M
from ...ops import reduction as R
from .loss import BuiltinLoss, labels_and_predictions


def _hinge_labels(y_true):
    """{0, 1} labels as {-1, 1}; any other labels unchanged."""
    v = y_true._value
    if np.all((v == 0) | (v == 1)):
        return M.subtract(M.multiply(y_true, 2.0), 1.0)
    return y_true


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)) over the last axis."""
    y_true, y_pred = labels_and_predictions("hinge", y_true, y_pred, align_ranks=False)
    y_true = _hinge_labels(y_true)
    return R.reduce_mean(M.maximum(M.subtract(1.0, M.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0) ** 2) over the last axis."""
    y_true, y_pred = labels_and_predictions("squared_hinge", y_true, y_pred, align_ranks=False)
    y_true = _hinge_labels(y_true)
    return R.reduce_mean(M.square(M.maximum(M.subtract(1.0, M.multiply(y_true, y_pred)), 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis."""
    y_true, y_pred = labels_and_predictions("categorical_hinge", y_true, y_pred, align_ranks=False)
    pos = R.reduce_sum(M.multiply(y_true, y_pred), axis=-1)
    neg = R.reduce_max(M.multiply(M.subtract(1.0, y_true), y_pred), axis=-1)
    return M.maximum(M.add(M.subtract(neg, pos), 1.0), 0.0)


class Hinge(BuiltinLoss):
    """Hinge loss: max(1 - y_true * y_pred, 0)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(BuiltinLoss):
    """Squared hinge loss: max(1 - y_true * y_pred, 0) ** 2."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(BuiltinLoss):
    """Categorical hinge loss for one-hot labels."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

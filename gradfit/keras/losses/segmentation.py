"""Overlap losses for segmentation masks (Dice, Tversky): functions and classes.

Both sum over `axis` (every axis when None, giving one value for the whole batch), as Keras does.
"""
from ... import backend
from ...ops import math as M
from ...ops import reduction as R
from .loss import BuiltinLoss, labels_and_predictions


def dice(y_true, y_pred, axis=None):
    """1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon), the sums over `axis`."""
    y_true, y_pred = labels_and_predictions("dice", y_true, y_pred, align_ranks=False)
    intersection = R.reduce_sum(M.multiply(y_true, y_pred), axis=axis)
    total = M.add(M.add(R.reduce_sum(y_true, axis=axis), R.reduce_sum(y_pred, axis=axis)), backend.epsilon())
    return M.subtract(1.0, M.divide(M.multiply(intersection, 2.0), total))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha * sum(y_true * (1 - y_pred)) + beta * sum((1 - y_true) * y_pred) + epsilon),
    with TP = sum(y_true * y_pred), the sums over `axis`; alpha = beta = 0.5 is the Dice loss.

    The terms are paired with alpha and beta as Keras pairs them (its documentation says alpha weighs the
    false positives; in its computation alpha weighs the missed positives, y_true * (1 - y_pred)).
    """
    y_true, y_pred = labels_and_predictions("tversky", y_true, y_pred, align_ranks=False)
    intersection = R.reduce_sum(M.multiply(y_true, y_pred), axis=axis)
    missed = R.reduce_sum(M.multiply(M.subtract(1.0, y_pred), y_true), axis=axis)
    spurious = R.reduce_sum(M.multiply(y_pred, M.subtract(1.0, y_true)), axis=axis)
    denominator = M.add(M.add(M.add(intersection, M.multiply(missed, float(alpha))),
                              M.multiply(spurious, float(beta))), backend.epsilon())
    return M.subtract(1.0, M.divide(intersection, denominator))


class Dice(BuiltinLoss):
    """Dice loss: one minus the overlap of labels and predictions, summed over `axis` (all axes if None)."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)


class Tversky(BuiltinLoss):
    """Tversky loss (Salehi et al., 2017): the Dice loss with its two error terms weighted by alpha and beta."""

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis)

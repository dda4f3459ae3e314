"""Cross-entropies (binary, categorical, sparse, focal, generalized), KL divergence and Poisson: functions and classes.

The functions return per-sample losses. `from_logits=True` goes through TensorFlow's fused, stable
ops; probabilities are clipped to [epsilon, 1 - epsilon] first, as Keras does. Probabilities that a
Keras softmax/sigmoid activation produced carry their logits, which are used instead, as in Keras.
"""
import warnings

import numpy as np

from ... import backend
from ...errors import InvalidArgumentError
from ...ops import array as A
from ...ops import math as M
from ...ops import nn
from ...ops import reduction as R
from ...tensor import Tensor
from .loss import BuiltinLoss, float_tensor, labels_and_predictions


def _get_logits(output, from_logits, op_name, fn_name):
    """(logits, True) when `output` came out of a Keras softmax/sigmoid activation, else (output, from_logits).

    Keras computes the cross-entropy from those logits (`_keras_logits`): exact where the clipped
    probabilities would saturate, and stable to train through.
    """
    logits = getattr(output, "_keras_logits", None)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(f"`{fn_name}` received `from_logits=True`, but the `output` argument was produced by a "
                      f"{op_name} activation and thus does not represent logits. Was this intended?", stacklevel=3)
    return logits, True


def _check_same_shape(target, output, fn_name):
    if target._value.shape != output._value.shape:
        raise ValueError(f"{fn_name}: y_true and y_pred must have the same shape. Received: "
                         f"y_true.shape={tuple(target.shape)}, y_pred.shape={tuple(output.shape)}")


def _check_axis(axis, fn_name):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{fn_name}: `axis` must be of type `int`. Received: axis={axis!r} of type {type(axis)}")


def _warn_single_class(y_pred, fn_name):
    if y_pred._value.shape[-1:] == (1,):
        warnings.warn(f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
                      f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. Consider using "
                      "'binary_crossentropy' if you only have 2 classes.", SyntaxWarning, stacklevel=3)


def _clip_probabilities(p):
    eps = backend.epsilon()
    return M.clip_by_value(p, eps, 1.0 - eps)


def _smooth_binary(y_true, label_smoothing):
    if label_smoothing:
        return M.add(M.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return y_true


def _smooth_categorical(y_true, label_smoothing):
    if label_smoothing:
        num_classes = float(y_true._value.shape[-1])
        return M.add(M.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)
    return y_true


# ---------------------------------------------------------------------------------------- binary
def _binary_crossentropy_elementwise(target, output, from_logits, fn_name):
    """Elementwise binary cross-entropy (no mean) from logits or clipped probabilities."""
    _check_same_shape(target, output, fn_name)
    if from_logits:
        return nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    output = _clip_probabilities(output)
    bce = M.add(M.multiply(target, M.log(output)), M.multiply(M.subtract(1.0, target), M.log(M.subtract(1.0, output))))
    return M.negative(bce)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy per sample: the mean over `axis` of the elementwise cross-entropy."""
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    y_pred, from_logits = _get_logits(y_pred, from_logits, "Sigmoid", "binary_crossentropy")
    return R.reduce_mean(_binary_crossentropy_elementwise(y_true, y_pred, from_logits, "binary_crossentropy"),
                         axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy scaled by (1 - p_t) ** gamma (and alpha-balanced on request), mean over `axis`."""
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    y_pred, from_logits = _get_logits(y_pred, from_logits, "Sigmoid", "binary_focal_crossentropy")
    # Keras takes the cross-entropy term from the logits when it has them (exact where sigmoid saturates).
    bce = _binary_crossentropy_elementwise(y_true, y_pred, from_logits, "binary_focal_crossentropy")
    if from_logits:
        y_pred = M.sigmoid(y_pred)
    p_t = M.add(M.multiply(y_true, y_pred), M.multiply(M.subtract(1.0, y_true), M.subtract(1.0, y_pred)))
    focal_bce = M.multiply(M.pow(M.subtract(1.0, p_t), float(gamma)), bce)
    if apply_class_balancing:
        weight = M.add(M.multiply(y_true, float(alpha)), M.multiply(M.subtract(1.0, y_true), 1.0 - alpha))
        focal_bce = M.multiply(weight, focal_bce)
    return R.reduce_mean(focal_bce, axis=axis)


# ----------------------------------------------------------------------------------- categorical
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(y_pred)) over `axis`; probabilities are renormalized along `axis` first."""
    _check_axis(axis, "categorical_crossentropy")
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred)
    _warn_single_class(y_pred, "categorical_crossentropy")
    y_true = _smooth_categorical(y_true, label_smoothing)
    if y_true.ndim < 1:
        raise ValueError("categorical_crossentropy: y_true and y_pred must be at least rank 1. Received: "
                         f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}")
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    y_pred, from_logits = _get_logits(y_pred, from_logits, "Softmax", "categorical_crossentropy")
    if from_logits:
        return nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred, axis=axis)
    output = M.divide(y_pred, R.reduce_sum(y_pred, axis=axis, keepdims=True))
    output = _clip_probabilities(output)
    return M.negative(R.reduce_sum(M.multiply(y_true, M.log(output)), axis=axis))


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy with each class term scaled by alpha * (1 - p) ** gamma."""
    _check_axis(axis, "categorical_focal_crossentropy")
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred)
    _warn_single_class(y_pred, "categorical_focal_crossentropy")
    _check_same_shape(y_true, y_pred, "categorical_focal_crossentropy")
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = nn.softmax(y_pred, axis=axis)
    output = M.divide(y_pred, R.reduce_sum(y_pred, axis=axis, keepdims=True))
    output = _clip_probabilities(output)
    cce = M.multiply(M.negative(y_true), M.log(output))
    weighting = M.multiply(M.pow(M.subtract(1.0, output), float(gamma)), float(alpha))
    return R.reduce_sum(M.multiply(weighting, cce), axis=axis)


def _sparse_labels(y_true):
    """`y_true` as an integer array of class ids (the cross-entropy op checks they are in range)."""
    labels = y_true._value if isinstance(y_true, Tensor) else np.asarray(y_true)
    if labels.dtype.kind not in "iu":
        ids = labels.astype(np.int64)
        if not np.array_equal(ids, labels):
            raise InvalidArgumentError("sparse_categorical_crossentropy: y_true must hold integer class ids, "
                                       f"got non-integer values such as {labels[ids != labels][0]}")
        labels = ids
    return labels


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy with integer class ids; `ignore_class` entries give 0 loss and are masked out."""
    y_pred = float_tensor(y_pred)
    pred_shape = y_pred._value.shape
    ndim = len(pred_shape)
    if ndim < 1:
        raise ValueError(f"sparse_categorical_crossentropy: y_pred must be at least rank 1, got shape {pred_shape}")
    axis = axis + ndim if -ndim <= axis < 0 else axis
    if not 0 <= axis < ndim:
        raise ValueError(f"sparse_categorical_crossentropy: axis {axis} is out of range for y_pred of shape "
                         f"{pred_shape}")
    labels = _sparse_labels(y_true)
    if labels.ndim == ndim and labels.shape[axis] == 1:
        labels = labels.reshape(labels.shape[:axis] + labels.shape[axis + 1:])
    expected = pred_shape[:axis] + pred_shape[axis + 1:]
    if labels.shape != expected:
        raise ValueError(f"sparse_categorical_crossentropy: y_true of shape {labels.shape} does not match y_pred "
                         f"of shape {pred_shape}; expected y_true of shape {expected} (class ids) or "
                         f"{expected[:axis] + (1,) + expected[axis:]}")
    if axis != ndim - 1:
        y_pred = A.transpose(y_pred, [i for i in range(ndim) if i != axis] + [axis])
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = np.where(valid, labels, 0)
        y_pred = M.where(valid[..., None], y_pred, np.zeros((), y_pred._value.dtype))
    y_pred, from_logits = _get_logits(y_pred, from_logits, "Softmax", "sparse_categorical_crossentropy")
    logits = y_pred if from_logits else M.log(_clip_probabilities(y_pred))
    res = nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    if valid is not None:
        res = M.where(valid, res, np.zeros((), res._value.dtype))
        res._keras_mask = Tensor(valid)
    return res


# Integer class ids reach this function as they are (a Loss wrapping it does not cast them to float):
# Keras's round trip through float changes nothing but time.
sparse_categorical_crossentropy.takes_class_ids = True


def categorical_generalized_cross_entropy(y_true, y_pred, q=0.5):
    """(1 - p ** q) / q per sample, p the predicted probability of the true class (Zhang & Sabuncu, 2018).

    `y_true` holds integer class ids, shape (batch,) or (batch, 1); an id outside [0, num_classes) gives p = 0.
    Keras's function has no default for `q`; 0.5 (its class's default) lets the name be used in compile().
    """
    y_pred = float_tensor(y_pred)
    labels = _sparse_labels(y_true)
    if labels.ndim == y_pred._value.ndim and labels.shape[-1:] == (1,):
        labels = labels[..., 0]
    expected = y_pred._value.shape[:-1]
    if labels.shape != expected:
        raise ValueError(f"categorical_generalized_cross_entropy: y_true of shape {labels.shape} does not match "
                         f"y_pred of shape {y_pred._value.shape}; expected class ids of shape {expected}")
    one_hot = np.equal(labels[..., None], np.arange(y_pred._value.shape[-1])).astype(y_pred._value.dtype)
    p = R.reduce_sum(M.multiply(y_pred, one_hot), axis=-1)
    q = float(q)
    return M.divide(M.subtract(1.0, M.pow(p, q)), q)


categorical_generalized_cross_entropy.takes_class_ids = True


# ------------------------------------------------------------------------------- KL, Poisson
def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1]."""
    y_true, y_pred = labels_and_predictions("kl_divergence", y_true, y_pred, align_ranks=False)
    eps = backend.epsilon()
    y_true = M.clip_by_value(y_true, eps, 1.0)
    y_pred = M.clip_by_value(y_pred, eps, 1.0)
    return R.reduce_sum(M.multiply(y_true, M.log(M.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis."""
    y_true, y_pred = labels_and_predictions("poisson", y_true, y_pred, align_ranks=False)
    return R.reduce_mean(M.subtract(y_pred, M.multiply(y_true, M.log(M.add(y_pred, backend.epsilon())))), axis=-1)


# ------------------------------------------------------------------------------------- classes
class BinaryCrossentropy(BuiltinLoss):
    """Binary cross-entropy between labels in [0, 1] and predicted probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(BuiltinLoss):
    """Focal binary cross-entropy (Lin et al., 2018): hard examples weigh more."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction="sum_over_batch_size", name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma)


class CategoricalCrossentropy(BuiltinLoss):
    """Cross-entropy between one-hot (or soft) labels and predicted class probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(BuiltinLoss):
    """Focal categorical cross-entropy: each class term scaled by alpha * (1 - p) ** gamma."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None):
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis, alpha=alpha, gamma=gamma)


class SparseCategoricalCrossentropy(BuiltinLoss):
    """Cross-entropy between integer class ids and predicted class probabilities (or logits). Its config
    keeps `axis`, which Keras leaves out (losing it on a round trip)."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class CategoricalGeneralizedCrossEntropy(BuiltinLoss):
    """Generalized cross-entropy between integer class ids and predicted class probabilities: robust to noisy
    labels, between cross-entropy (q -> 0) and mean absolute error (q = 1)."""

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"q must be in the interval (0, 1). Received: q={q}")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q)


class KLDivergence(BuiltinLoss):
    """Kullback-Leibler divergence between label and predicted distributions."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(BuiltinLoss):
    """Poisson loss: y_pred - y_true * log(y_pred)."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

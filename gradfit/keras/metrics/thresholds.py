"""Confusion counts at decision thresholds: the NumPy kernel behind Precision, Recall, AUC and friends.

`confusion_counts` gives, for each threshold t, the (weighted) number of true/false positives/negatives
when a prediction counts as positive if it is > t. Evenly spaced thresholds (AUC's) are counted by
bucketing each prediction once (O(n + thresholds)) instead of comparing it with every threshold.
"""
import numpy as np

from ... import backend
from .metric import as_array
from .reduction import squeeze_or_expand

NEG_INF = -1e10
KINDS = ("tp", "fp", "tn", "fn")


def parse_thresholds(thresholds, default_threshold=0.5):
    """A list of thresholds (checked to lie in [0, 1]), or [default] when none are given."""
    if thresholds is None:
        return [default_threshold]
    listed = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in listed if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return listed


def is_evenly_distributed(thresholds):
    """Whether the thresholds are i / (n - 1) for i = 0..n-1 (within epsilon), n >= 3."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def filter_top_k(x, k):
    """x with everything but the k largest entries of each row (ties: lower index first) set to NEG_INF."""
    top = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, x, x.dtype.type(NEG_INF))


def confusion_counts(kinds, y_true, y_pred, thresholds, evenly=False, sample_weight=None, top_k=None,
                     class_id=None, multi_label=False, label_weights=None, dtype="float32", name="metric"):
    """{kind: counts} for the kinds asked ('tp', 'fp', 'tn', 'fn'), one count per threshold.

    With `multi_label`, y_pred is (batch, labels) and each count is per label: shape (thresholds, labels).
    """
    dtype = np.dtype(dtype)
    y_true = as_array(y_true).astype(dtype, copy=False)
    y_pred = as_array(y_pred).astype(dtype, copy=False)
    thresholds = np.asarray(thresholds, dtype=dtype)
    y_pred, y_true = squeeze_or_expand(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"Metric '{name}': y_true of shape {y_true.shape} does not match y_pred of shape "
                         f"{y_pred.shape}")
    if sample_weight is not None:
        sample_weight = as_array(sample_weight).astype(dtype, copy=False)[..., None]
        _, sample_weight = squeeze_or_expand(y_true, sample_weight, expand_rank_1=False)
        try:
            sample_weight = np.broadcast_to(sample_weight, y_pred.shape)
        except ValueError:
            raise ValueError(f"Metric '{name}': sample_weight of shape {sample_weight.shape[:-1]} does not match "
                             f"y_pred of shape {y_pred.shape}") from None
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape (num_samples, "
                             f"num_classes), found shape: {y_pred.shape}")
        if not 0 <= class_id < y_pred.shape[-1]:
            raise ValueError(f"Metric '{name}': class_id={class_id} is out of range for y_pred with "
                             f"{y_pred.shape[-1]} classes")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id, None]
    weights = _weights(sample_weight, label_weights, y_pred.shape, multi_label, dtype)
    is_true = y_true != 0
    if not multi_label:
        is_true, y_pred = is_true.reshape(-1), y_pred.reshape(-1)
        weights = None if weights is None else weights.reshape(-1)
    if evenly:
        counts = _counts_by_bucket(kinds, is_true, y_pred, weights, thresholds, multi_label, dtype)
    else:
        counts = _counts_by_comparison(kinds, is_true, y_pred, weights, thresholds, multi_label)
    return {k: np.asarray(v, dtype=dtype) for k, v in counts.items()}


def _weights(sample_weight, label_weights, shape, multi_label, dtype):
    """Sample weights times (for single-label counts) per-class label weights, broadcast to `shape`."""
    weights = sample_weight
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(np.asarray(label_weights, dtype=dtype), shape)
        weights = lw if weights is None else weights * lw
    return weights


def _counts_by_comparison(kinds, is_true, y_pred, weights, thresholds, multi_label):
    """Counts from comparing every prediction with every threshold: (T, N[, L]) booleans."""
    t = thresholds.reshape((-1,) + (1,) * y_pred.ndim)
    pred_pos = y_pred[None] > t
    cases = {"tp": (is_true, True), "fp": (~is_true, True), "fn": (is_true, False), "tn": (~is_true, False)}
    counts = {}
    for kind in kinds:
        label, positive = cases[kind]
        hit = (pred_pos if positive else ~pred_pos) & label[None]
        if weights is None:
            counts[kind] = np.count_nonzero(hit, axis=1)
        else:
            counts[kind] = np.sum(np.where(hit, weights[None], 0), axis=1)
    return counts


def _counts_by_bucket(kinds, is_true, y_pred, weights, thresholds, multi_label, dtype):
    """Counts for evenly spaced thresholds: each prediction lands in one bucket; reverse cumsums give tp/fp."""
    n = len(thresholds)
    with_epsilon = thresholds[0] < 0 or thresholds[-1] > 1
    w = np.ones(y_pred.shape, dtype) if weights is None else weights.astype(dtype, copy=False)
    true_w = np.where(is_true, w, 0)
    false_w = np.where(is_true, 0, w)
    bucket = np.ceil(np.clip(y_pred, 0, 1) * dtype.type(n - 1)) - 1
    if with_epsilon:
        bucket = np.maximum(bucket, 0)
    bucket = bucket.astype(np.intp)
    keep = bucket >= 0  # below every threshold: positive at none of them
    if multi_label:
        labels = y_pred.shape[1]
        index = (bucket + n * np.arange(labels)[None, :])[keep]
        tp_b = np.bincount(index, weights=true_w[keep], minlength=n * labels).reshape(labels, n).T
        fp_b = np.bincount(index, weights=false_w[keep], minlength=n * labels).reshape(labels, n).T
        total_true, total_false = true_w.sum(axis=0), false_w.sum(axis=0)
    else:
        tp_b = np.bincount(bucket[keep], weights=true_w[keep], minlength=n)
        fp_b = np.bincount(bucket[keep], weights=false_w[keep], minlength=n)
        total_true, total_false = true_w.sum(), false_w.sum()
    tp = np.cumsum(tp_b[::-1], axis=0)[::-1]
    fp = np.cumsum(fp_b[::-1], axis=0)[::-1]
    values = {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}
    return {k: values[k] for k in kinds}

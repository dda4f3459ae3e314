"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k, as classes and functions.

Each function has a NumPy kernel (registered in `KERNELS`) that the metric classes call directly:
an update on a (32, 10) batch is a handful of vectorized NumPy calls.
"""
import numpy as np

from ... import backend
from ...tensor import Tensor
from .metric import as_array
from .reduction import KERNELS, MeanMetricWrapper, squeeze_or_expand


def _shape_error(fn_name, y_true, y_pred, expected):
    return ValueError(f"{fn_name}: y_true of shape {y_true.shape} does not match y_pred of shape {y_pred.shape}; "
                      f"expected {expected}")


def _same_shape(fn_name, y_true, y_pred):
    y_true, y_pred = squeeze_or_expand(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        try:
            np.broadcast_shapes(y_true.shape, y_pred.shape)
        except ValueError:
            raise _shape_error(fn_name, y_true, y_pred, "the same shape") from None
    return y_true, y_pred


def _accuracy(y_true, y_pred):
    y_true, y_pred = _same_shape("accuracy", y_true, y_pred)
    return np.equal(y_true.astype(y_pred.dtype, copy=False), y_pred)


def _binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _same_shape("binary_accuracy", y_true, y_pred)
    return np.equal(y_true, np.greater(y_pred, threshold))


def _categorical_accuracy(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise _shape_error("categorical_accuracy", y_true, y_pred, "one-hot labels shaped like y_pred")
    return y_true.argmax(-1) == y_pred.argmax(-1)


def _class_ids(fn_name, y_true, y_pred):
    """Sparse labels lined up with y_pred's leading axes ((batch, 1) labels lose their last axis)."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
        y_true = y_true.reshape(y_true.shape[:-1])
    if y_true.shape != y_pred.shape[:-1]:
        raise _shape_error(fn_name, y_true, y_pred, f"class ids of shape {y_pred.shape[:-1]}")
    return y_true


def _sparse_categorical_accuracy(y_true, y_pred):
    y_true = _class_ids("sparse_categorical_accuracy", y_true, y_pred)
    return y_true == y_pred.argmax(-1)


def _in_top_k(targets, predictions, k):
    """Whether each target's score is among the k largest of its row (ties at the boundary count in)."""
    flat = predictions.reshape(-1, predictions.shape[-1])
    t = targets.reshape(-1).astype(np.intp)
    n = flat.shape[-1]
    valid = (t >= 0) & (t < n)
    scores = flat[np.arange(flat.shape[0]), np.where(valid, t, 0)]
    higher = np.count_nonzero(flat > scores[:, None], axis=-1)
    return (valid & (higher < k) & np.isfinite(scores)).reshape(targets.shape)


def _top_k_categorical_accuracy(y_true, y_pred, k=5):
    if y_true.shape != y_pred.shape:
        raise _shape_error("top_k_categorical_accuracy", y_true, y_pred, "one-hot labels shaped like y_pred")
    return _in_top_k(y_true.argmax(-1), y_pred, k)


def _sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    y_true = _class_ids("sparse_top_k_categorical_accuracy", y_true, y_pred)
    if from_sorted_ids:
        return np.any(np.equal(y_true[..., None], y_pred[..., :k]), axis=-1)
    return _in_top_k(y_true, y_pred, k)


def _as_floatx(matches):
    return Tensor(matches.astype(backend.floatx()))


def accuracy(y_true, y_pred):
    """1.0 where y_true equals y_pred exactly, else 0.0."""
    return _as_floatx(_accuracy(as_array(y_true), as_array(y_pred)))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the binary label, else 0.0."""
    return _as_floatx(_binary_accuracy(as_array(y_true), as_array(y_pred), threshold))


def categorical_accuracy(y_true, y_pred):
    """1.0 where the predicted class (argmax) is the one-hot label's class, else 0.0."""
    return _as_floatx(_categorical_accuracy(as_array(y_true), as_array(y_pred)))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the predicted class (argmax) equals the integer label, else 0.0."""
    return _as_floatx(_sparse_categorical_accuracy(as_array(y_true), as_array(y_pred)))


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k highest predictions, else 0.0."""
    return _as_floatx(_top_k_categorical_accuracy(as_array(y_true), as_array(y_pred), k))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the k highest predictions (or the first k sorted ids)."""
    return _as_floatx(_sparse_top_k_categorical_accuracy(as_array(y_true), as_array(y_pred), k, from_sorted_ids))


KERNELS.update({
    accuracy: _accuracy, binary_accuracy: _binary_accuracy, categorical_accuracy: _categorical_accuracy,
    sparse_categorical_accuracy: _sparse_categorical_accuracy,
    top_k_categorical_accuracy: _top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy: _sparse_top_k_categorical_accuracy,
})


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the one-hot label."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the integer label."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the top `k` predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top `k` predictions."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config

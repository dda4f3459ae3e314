"""Intersection-over-union metrics for segmentation: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU.

The state is a (num_classes, num_classes) confusion matrix (rows: true class, columns: predicted); as
in Keras its dtype defaults to int64, so sample weights count as integers.
"""
import warnings

import numpy as np

from ... import backend
from ...tensor import Tensor
from .metric import Metric, add_to, as_array


class _IoUBase(Metric):
    _direction = "up"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "int64")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(name="total_confusion_matrix", shape=(num_classes, num_classes),
                                          initializer="zeros", dtype=self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        dtype = np.dtype(self.dtype)
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(dtype).reshape(-1)
        y_pred = y_pred.astype(dtype).reshape(-1)
        if y_true.shape != y_pred.shape:
            raise ValueError(f"Metric '{self.name}': y_true and y_pred hold {y_true.size} and {y_pred.size} class "
                             "ids; expected one prediction per label")
        if sample_weight is None:
            weight = np.ones(y_true.shape, dtype)
        else:
            sw = as_array(sample_weight)
            if sw.dtype.kind == "f" and dtype.kind in "iu":
                warnings.warn("You are passing weight as `float`, but dtype is `int`. This may result in an "
                              "incorrect weight due to type casting Consider using integer weights.", stacklevel=2)
            sw = sw.astype(dtype).reshape(-1) if sw.ndim > 1 else sw.astype(dtype)
            try:
                weight = np.broadcast_to(sw, y_true.shape)
            except ValueError:
                raise ValueError(f"Metric '{self.name}': sample_weight of shape {sw.shape} does not match "
                                 f"{y_true.size} labels") from None
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid &= y_true != self.ignore_class
        index = y_true[valid].astype(np.intp) * self.num_classes + y_pred[valid].astype(np.intp)
        cm = np.bincount(index, weights=weight[valid], minlength=self.num_classes ** 2)
        add_to(self.total_cm, cm.reshape(self.num_classes, self.num_classes).astype(dtype))


class IoU(_IoUBase):
    """IoU = tp / (tp + fp + fn) of the `target_class_ids`, averaged over those that occur."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis, dtype=dtype)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which is [0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = self.total_cm._value.astype(np.float32)
        true_positives = np.diag(cm)
        denominator = cm.sum(axis=0) + cm.sum(axis=1) - true_positives
        ids = np.asarray(self.target_class_ids, dtype=np.intp)
        true_positives, denominator = true_positives[ids], denominator[ids]
        valid = denominator > 1e-9
        iou = np.where(valid, true_positives / (denominator + np.float32(backend.epsilon())), 0.0)
        return Tensor(np.asarray(np.sum(iou) / (np.sum(valid) + np.float32(backend.epsilon())), np.float32))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of binary predictions thresholded at `threshold` (prediction >= threshold is class 1)."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = (as_array(y_pred).astype(np.float32) >= self.threshold).astype(np.dtype(self.dtype))
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class MeanIoU(IoU):
    """Mean IoU over all `num_classes` classes (those that occur)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True,
                 axis=-1):
        super().__init__(name=name, num_classes=num_classes, target_class_ids=list(range(num_classes)), axis=axis,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU of the `target_class_ids` for one-hot labels (and, by default, scores per class)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids, "name": self.name,
                "dtype": self.dtype, "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """Mean IoU over all classes for one-hot labels (and, by default, scores per class)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, axis=axis, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}

"""`Sum`, `Mean` and `MeanMetricWrapper` (the mean of any fn(y_true, y_pred) over all batches seen)."""
import numpy as np

from ...tensor import Tensor
from ..losses.loss import keras_mask
from ..losses.serialization import deserialize_object, serialize_object
from .metric import Metric, add_to, as_array, detached


def squeeze_or_expand(x1, x2, expand_rank_1=True):
    """NumPy twin of the losses' rank alignment: fix a last axis of 1 when the ranks differ by one."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[:, None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[:, None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def mask_weights(sample_weight, mask, dtype):
    """Sample weights with masked-out entries set to 0 (None when neither is given)."""
    if mask is None:
        return sample_weight
    mask = as_array(mask).astype(dtype)
    if sample_weight is None:
        return mask
    mask, sample_weight = squeeze_or_expand(mask, as_array(sample_weight, dtype))
    return sample_weight * mask


def broadcast_weights(sample_weight, shape, metric):
    """`sample_weight` broadcast to `shape`, or a ValueError naming the metric and both shapes."""
    try:
        return np.broadcast_to(sample_weight, shape)
    except ValueError:
        raise ValueError(f"Metric '{metric.name}': sample_weight of shape {sample_weight.shape} does not match "
                         f"values of shape {tuple(shape)}; expected a scalar, per-sample weights or weights that "
                         "broadcast to the values") from None


def samplewise_values(values, sample_weight, reduce_fn, dtype, metric):
    """Per-sample values (and weights), reduced over the non-batch axes as Keras's Mean/Sum do.

    Unweighted boolean values (accuracy matches) of rank <= 1 come back as they are, to be counted.
    """
    mask = keras_mask(values)
    values = values._value if isinstance(values, Tensor) else np.asarray(values)
    if sample_weight is None and values.ndim <= 1 and values.dtype.kind == "b":
        return values, None
    if values.dtype != dtype:
        values = values.astype(dtype)
    if sample_weight is not None:
        sample_weight = as_array(sample_weight, dtype)
        if mask is not None:
            sample_weight = mask_weights(sample_weight, mask, dtype)
        values, sample_weight = squeeze_or_expand(values, sample_weight)
        weight_ndim = sample_weight.ndim
        if values.ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values.ndim)))
        if sample_weight.shape != values.shape:
            sample_weight = broadcast_weights(sample_weight, values.shape, metric)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = samplewise_values(values, sample_weight, np.sum, self.total._value.dtype, self)
        add_to(self.total, np.sum(values))

    def result(self):
        return Tensor(self.total._value.copy())


class Mean(Metric):
    """The (weighted) mean of all values seen: total / count."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        if (values.__class__ is Tensor and values._value.ndim == 0 and getattr(values, "_keras_mask", None) is None
                and (sample_weight is None or type(sample_weight) in (int, float))):
            # One scalar with a plain weight (the trainer's loss tracker, every step): no array work.
            weight = 1 if sample_weight is None else sample_weight
            add_to(self.total, values._value.astype(self.total._value.dtype, copy=False) * weight)
            add_to(self.count, weight)
            return
        values, sample_weight = samplewise_values(values, sample_weight, np.mean, self.total._value.dtype, self)
        self._accumulate(values, sample_weight)

    def _accumulate(self, values, sample_weight):
        """total += sum(values); count += the weight (or the number) of samples."""
        if sample_weight is not None:
            count = sample_weight.sum()
        else:
            count = values.shape[0] if values.ndim else 1
        total = int(np.count_nonzero(values)) if values.dtype.kind == "b" else values.sum()
        add_to(self.total, total)
        add_to(self.count, count)

    def result(self):
        total, count = self.total._value, self.count._value
        return Tensor(np.asarray(total / count if count != 0 else np.zeros((), total.dtype)))


def _is_loss(fn):
    from .. import losses

    return isinstance(fn, losses.Loss) or any(fn is obj for obj in losses.ALL_OBJECTS)


# A built-in metric function's NumPy kernel: kernel(y_true_array, y_pred_array, **kwargs) -> per-sample values.
KERNELS = {}


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over every sample seen (any such function works)."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        self._kernel = KERNELS.get(fn)
        if _is_loss(fn):
            self._direction = "down"  # a loss tracked as a metric is minimized

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = keras_mask(y_pred)
        try:
            if self._kernel is not None:
                values = self._kernel(as_array(y_true), as_array(y_pred), **self._fn_kwargs)
            else:
                values = self._fn(detached(y_true), detached(y_pred), **self._fn_kwargs)
        except ValueError as e:
            raise type(e)(f"Metric '{self.name}': {e}") from None
        if mask is not None:
            sample_weight = mask_weights(sample_weight, mask, self.total._value.dtype)
        values, sample_weight = samplewise_values(values, sample_weight, np.mean, self.total._value.dtype, self)
        self._accumulate(values, sample_weight)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_object(self._fn, "keras.metrics")
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from . import ALL_OBJECTS_DICT, FUNCTIONS

            config["fn"] = deserialize_object(config["fn"], {**ALL_OBJECTS_DICT, **FUNCTIONS}, kind="metric")
        return cls(**config)

"""The `Loss` base class, its reductions and sample weighting, `LossFunctionWrapper` and `BuiltinLoss`.

A loss object is called `loss(y_true, y_pred, sample_weight=None)`: `call` gives per-sample values,
which are weighted (sample weights times any Keras mask on `y_pred`) and reduced to a scalar.
Everything runs through gradfit ops, so a GradientTape differentiates it.
"""
import numpy as np

from ... import backend
from ...ops import array as A
from ...ops import math as M
from ...ops import reduction as R
from ...tensor import Tensor, convert_to_tensor
from .. import backend as keras_backend
from .serialization import deserialize_object, serialize_object

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. "
                         f"Received: reduction={reduction!r}")
    return reduction


def as_tensor(x, dtype):
    """`x` as a Tensor of `dtype`; a tensor of another dtype is cast (differentiably)."""
    if isinstance(x, Tensor):
        return x if x._value.dtype == dtype else M.cast(x, dtype)
    return convert_to_tensor(np.asarray(x, dtype=dtype))


def float_tensor(x, like=None):
    """`x` as a float Tensor: of `like`'s dtype if given, else its own float dtype, else floatx."""
    if like is not None:
        return as_tensor(x, like._value.dtype)
    if not isinstance(x, Tensor):
        x = Tensor(backend.to_array(x))
    return x if x._value.dtype.kind == "f" else M.cast(x, backend.floatx())


def labels_and_predictions(fn_name, y_true, y_pred, align_ranks=True):
    """Float tensors of y_pred's dtype (ranks lined up if asked), checked to broadcast together."""
    y_pred = float_tensor(y_pred)
    y_true = float_tensor(y_true, y_pred)
    if align_ranks:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    try:
        np.broadcast_shapes(y_true._value.shape, y_pred._value.shape)
    except ValueError:
        raise ValueError(f"{fn_name}: y_true of shape {y_true._value.shape} does not match y_pred of shape "
                         f"{y_pred._value.shape}") from None
    return y_true, y_pred


def keras_mask(x):
    """The Keras padding mask carried by a tensor, or None."""
    return getattr(x, "_keras_mask", None)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeeze or expand the last axis of one input when the ranks differ by one and that axis is 1."""
    s1, s2 = x1._value.shape, x2._value.shape
    r1, r2 = len(s1), len(s2)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and s1[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = A.expand_dims(x2, -1)
        else:
            x1 = A.squeeze(x1, -1)
    if r2 == r1 + 1 and s2[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = A.expand_dims(x1, -1)
        else:
            x2 = A.squeeze(x2, -1)
    return x1, x2


def align_sample_weight(values, sample_weight, what="loss"):
    """`sample_weight` shaped to multiply `values`.

    A weight shaped like the leading axes of the values (per sample, e.g. (batch,) for (batch, steps)
    values) scales everything under it, as Keras documents; otherwise the two broadcast as NumPy does.
    """
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    vshape, wshape = values._value.shape, sample_weight._value.shape
    if len(wshape) < len(vshape) and vshape[:len(wshape)] == wshape:
        return values, A.reshape(sample_weight, wshape + (1,) * (len(vshape) - len(wshape)))
    try:
        np.broadcast_shapes(vshape, wshape)
    except ValueError:
        raise ValueError(f"{what}: sample_weight of shape {wshape} cannot weight values of shape {vshape}; "
                         "expected a scalar, a per-sample weight or a shape that broadcasts") from None
    return values, sample_weight


def apply_mask(sample_weight, mask, dtype, reduction):
    """Merge a Keras mask into the sample weights (masked entries weigh 0).

    For mean-like reductions the valid entries are scaled by total/valid, so that dividing by the
    number of entries averages over the valid ones only.
    """
    if mask is None:
        return sample_weight
    mask_value = np.asarray(mask._value if isinstance(mask, Tensor) else mask).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = np.count_nonzero(mask_value)
        weight = mask_value.size / valid if valid else 0.0
        float_mask = Tensor(np.where(mask_value, weight, 0.0).astype(dtype))
    else:
        float_mask = Tensor(mask_value.astype(dtype))
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, as_tensor(sample_weight, dtype))
    return M.multiply(sample_weight, float_mask)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Sum the (weighted) values, divided by their count or by the sum of the weights as asked (0 if that is 0)."""
    if reduction is None or reduction == "none" or values._value.shape in ((), (0,)):
        return values
    if reduction == "sum":
        return R.reduce_sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = R.reduce_sum(sample_weight)
        if float(divisor._value) == 0:
            return M.multiply(R.reduce_sum(values), 0.0)
        return M.divide(R.reduce_sum(values), divisor)
    return R.reduce_mean(values)  # the sum over the number of values, in one op


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size",
                           dtype=None, what="loss"):
    """Per-sample loss values weighted by `sample_weight` and `mask`, then reduced."""
    reduction = standardize_reduction(reduction)
    dtype = dtype if isinstance(dtype, np.dtype) else backend.np_dtype(dtype or backend.floatx())
    values = as_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = as_tensor(sample_weight, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = align_sample_weight(values, sample_weight, what)
        values = M.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of losses: subclasses implement `call(y_true, y_pred)` returning per-sample losses.

    Calling the loss weights and reduces them: `reduction` is 'sum_over_batch_size' (the default),
    'sum', 'mean', 'mean_with_sample_weight', or 'none'/None for the unreduced values.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or keras_backend.unique_object_name(keras_backend.to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = backend.as_dtype(dtype or backend.floatx()).name
        self._np_dtype = np.dtype(self._dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = keras_mask(y_pred)
        dtype = self._np_dtype
        y_pred = as_tensor(y_pred, dtype)
        y_true = self._labels(y_true, dtype)
        losses = self.call(y_true, y_pred)
        out_mask = keras_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = np.logical_and(np.asarray(in_mask), np.asarray(out_mask))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(losses, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=dtype, what=f"Loss '{self.name}'")

    def _labels(self, y_true, dtype):
        """y_true as `call` receives it: a tensor of the loss's dtype, as in Keras."""
        return as_tensor(y_true, dtype)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A Loss around any `fn(y_true, y_pred, **kwargs)` returning per-sample losses."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def _labels(self, y_true, dtype):
        if getattr(self.fn, "takes_class_ids", False):
            if not isinstance(y_true, Tensor):
                y_true = Tensor(np.asarray(y_true))
            if y_true._value.dtype.kind in "iu":
                return y_true
        return super()._labels(y_true, dtype)

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_object(self.fn, "keras.losses")
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from . import ALL_OBJECTS_DICT

            config["fn"] = deserialize_object(config["fn"], ALL_OBJECTS_DICT, kind="loss")
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class BuiltinLoss(LossFunctionWrapper):
    """A built-in loss class around one loss function: the function's keyword arguments are the class's
    attributes and, with the base settings, its config (the function itself is implied by the class)."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        return {**Loss.get_config(self), **{key: getattr(self, key) for key in self._fn_kwargs}}

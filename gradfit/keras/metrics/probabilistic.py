"""Losses tracked as metrics: cross-entropies, KL divergence, Poisson and the hinge losses (means over samples)."""
from .. import losses
from .reduction import MeanMetricWrapper


class _LossMetric(MeanMetricWrapper):
    """The mean of a loss function over every sample seen; its config is its name, dtype and options."""

    _options = ()

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype}
        config.update({key: getattr(self, key) for key in self._options})
        return config


class BinaryCrossentropy(_LossMetric):
    """Mean binary cross-entropy between labels and predictions."""

    _options = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(_LossMetric):
    """Mean categorical cross-entropy between one-hot labels and predictions."""

    _options = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        super().__init__(losses.categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(_LossMetric):
    """Mean cross-entropy between integer labels and predictions."""

    _options = ("from_logits", "ignore_class", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis


class KLDivergence(_LossMetric):
    """Mean Kullback-Leibler divergence between label and predicted distributions."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=losses.kl_divergence, name=name, dtype=dtype)


class Poisson(_LossMetric):
    """Mean Poisson loss between labels and predictions."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=losses.poisson, name=name, dtype=dtype)


class Hinge(_LossMetric):
    """Mean hinge loss between labels and predictions."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=losses.hinge, name=name, dtype=dtype)


class SquaredHinge(_LossMetric):
    """Mean squared hinge loss between labels and predictions."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_LossMetric):
    """Mean categorical hinge loss between one-hot labels and predictions."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=losses.categorical_hinge, name=name, dtype=dtype)

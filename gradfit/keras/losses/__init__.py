"""keras.losses: loss classes (called as `loss(y_true, y_pred, sample_weight=None)` -> scalar) and
loss functions (`fn(y_true, y_pred)` -> per-sample values), with Keras 3's names and defaults.

`get(identifier)` resolves a name ('mse', 'sparse_categorical_crossentropy', 'BinaryCrossentropy'),
a config dict, a Loss instance or any `fn(y_true, y_pred)`.
"""

from .hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from .loss import Loss, LossFunctionWrapper, reduce_weighted_values
from .probabilistic import (BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
                            CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, KLDivergence, Poisson,
                            SparseCategoricalCrossentropy, binary_crossentropy, binary_focal_crossentropy,
                            categorical_crossentropy, categorical_focal_crossentropy,
                            categorical_generalized_cross_entropy, kl_divergence, poisson,
                            sparse_categorical_crossentropy)
from .regression import (CosineSimilarity, Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, cosine_similarity, huber, log_cosh,
                         mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                         mean_squared_logarithmic_error)
from .segmentation import Dice, Tversky, dice, tversky
from .serialization import deserialize_object, get_object, serialize_object
from .similarity import Circle, circle

ALL_OBJECTS = (
    Loss, LossFunctionWrapper,
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCosh, Huber,
    Hinge, SquaredHinge, CategoricalHinge,
    Dice, Tversky, Circle, CategoricalGeneralizedCrossEntropy,
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, sparse_categorical_crossentropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, log_cosh, huber,
    hinge, squared_hinge, categorical_hinge,
    dice, tversky, circle, categorical_generalized_cross_entropy,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
})


def serialize(loss):
    """The Keras config dict of a Loss instance or loss function."""
    return serialize_object(loss, "keras.losses")


def deserialize(name, custom_objects=None):
    """The Loss instance or loss function a config dict or name describes."""
    return deserialize_object(name, ALL_OBJECTS_DICT, custom_objects, kind="loss")


def get(identifier):
    """A Loss instance or loss function from a name, config dict, Loss instance, class or function."""
    def unknown():
        known = ", ".join(sorted(k for k in ALL_OBJECTS_DICT if k[0].islower()))
        return (f"Could not interpret loss identifier: {identifier!r}. Expected a loss name ({known}), "
                "a Loss instance, a config dict or a function fn(y_true, y_pred)")

    return get_object(identifier, ALL_OBJECTS_DICT, deserialize, unknown)


__all__ = [obj.__name__ for obj in ALL_OBJECTS] + ["get", "serialize", "deserialize", "reduce_weighted_values"]

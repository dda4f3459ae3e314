"""keras.metrics: stateful metrics (`update_state`, `result`, `reset_state`) and metric functions, as Keras 3.

`get(identifier)` resolves a class name or its snake_case ('AUC', 'auc', 'mean_absolute_error'), an
alias ('mse', 'mae', 'mape', 'msle', 'bce', 'acc'), a config dict, or passes a Metric/function through.
Choosing the accuracy variant for 'accuracy' from the loss and output shapes is the trainer's job.
"""

from ..losses import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
                      categorical_focal_crossentropy, categorical_hinge, hinge, huber, kl_divergence, log_cosh,
                      mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                      mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge)
from ..backend import to_snake_case
from ..losses.serialization import deserialize_object, get_object, serialize_object
from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                       SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy, binary_accuracy,
                       categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                       top_k_categorical_accuracy)
from .auc import AUC
from .confusion import (FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall, RecallAtPrecision,
                        SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives)
from .correlation import ConcordanceCorrelation, PearsonCorrelation, concordance_correlation, pearson_correlation
from .f_score import F1Score, FBetaScore
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .metric import Metric
from .probabilistic import (BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, Hinge, KLDivergence,
                            Poisson, SparseCategoricalCrossentropy, SquaredHinge)
from .reduction import Mean, MeanMetricWrapper, Sum
from .regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, R2Score, RootMeanSquaredError)

ALL_OBJECTS = (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall, RecallAtPrecision,
    SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives,
    ConcordanceCorrelation, PearsonCorrelation,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore,
    IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    # Keras's compile() accepts 'acc' for 'accuracy'; get() accepts it too.
    "acc": Accuracy,
})

# Metric functions, by name (what a MeanMetricWrapper's config refers to).
FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, sparse_categorical_crossentropy, kl_divergence, poisson, hinge, squared_hinge,
    categorical_hinge, mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, huber, log_cosh, pearson_correlation, concordance_correlation)}


def serialize(metric):
    """The Keras config dict of a Metric (or metric function)."""
    return serialize_object(metric, "keras.metrics")


def deserialize(config, custom_objects=None):
    """The Metric a config dict or name describes."""
    return deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, kind="metric")


def get(identifier):
    """A Metric instance or metric function from a name, config dict, Metric instance, class or function."""
    return get_object(identifier, ALL_OBJECTS_DICT, deserialize,
                      lambda: f"Could not interpret metric identifier: {identifier!r}. Expected a metric name "
                              "such as 'accuracy', 'mae' or 'AUC', a Metric instance, a config dict or a function "
                              "fn(y_true, y_pred)")


__all__ = [cls.__name__ for cls in ALL_OBJECTS] + [n for n in FUNCTIONS if n != "accuracy"] + [
    "get", "serialize", "deserialize"]

"""Records Keras 3's metric results over several weighted update_state calls.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_metrics.py
Writes tests/fixtures/metrics/metrics.npz: the cases as JSON, each update's inputs, and Keras's result()
after every update.
"""
import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

rng = np.random.default_rng(4321)


def probs(*shape):
    x = rng.random(shape) + 0.05
    return (x / x.sum(-1, keepdims=True)).astype(np.float32)


def unit(*shape):
    return rng.random(shape).astype(np.float32)


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def binary(*shape):
    return (rng.random(shape) > 0.5).astype(np.float32)


def labels(n, k, *shape):
    return rng.integers(0, k, (n,) + shape).astype(np.int32)


def onehot(n, k):
    return np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]


def weights(*shape):
    return rng.uniform(0.0, 2.0, shape).astype(np.float32)


def batches(make, weight_shapes):
    """One (y_true, y_pred, sample_weight) per weight shape (None: unweighted)."""
    return [make() + (None if s is None else weights(*s),) for s in weight_shapes]


def binary_batch(n=8, cols=1):
    return lambda: (binary(n, cols), unit(n, cols))


def multiclass_batch(n=8, k=4):
    return lambda: (onehot(n, k), probs(n, k))


def sparse_batch(n=8, k=4):
    return lambda: (labels(n, k), probs(n, k))


def regression_batch(n=6, cols=3):
    return lambda: (normal(n, cols), normal(n, cols))


def positive_batch(n=6, cols=3):
    return lambda: (unit(n, cols) * 3 + 0.1, unit(n, cols) * 3 + 0.1)


W1 = [None, (8,), (8,)]
W2 = [(6,), None, (6,)]

# (metric class, constructor kwargs, updates: [(y_true, y_pred, sample_weight)])
CASES = [
    ("Accuracy", {}, batches(lambda: (labels(8, 3), labels(8, 3)), W1)),
    ("BinaryAccuracy", {}, batches(binary_batch(8, 2), W1)),
    ("BinaryAccuracy", {"threshold": 0.7}, batches(binary_batch(8, 1), W1)),
    ("CategoricalAccuracy", {}, batches(multiclass_batch(), W1)),
    ("SparseCategoricalAccuracy", {}, batches(sparse_batch(), W1)),
    ("SparseCategoricalAccuracy", {}, batches(lambda: (labels(8, 4, 1), probs(8, 4)), W1)),
    ("SparseCategoricalAccuracy", {}, batches(lambda: (labels(4, 3, 5), probs(4, 5, 3)), [None, (4,), (4, 5)])),
    ("TopKCategoricalAccuracy", {"k": 2}, batches(multiclass_batch(8, 5), W1)),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, batches(sparse_batch(8, 5), W1)),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, batches(lambda: (labels(8, 6, 1), probs(8, 6)), W1)),
    ("Precision", {}, batches(binary_batch(8, 1), W1)),
    ("Precision", {"thresholds": [0.3, 0.5, 0.8]}, batches(binary_batch(8, 2), W1)),
    ("Precision", {"top_k": 2}, batches(multiclass_batch(8, 5), W1)),
    ("Precision", {"class_id": 1}, batches(multiclass_batch(8, 4), W1)),
    ("Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, batches(binary_batch(8, 1), W1)),
    ("Recall", {}, batches(binary_batch(8, 1), W1)),
    ("Recall", {"thresholds": [0.2, 0.6]}, batches(binary_batch(8, 3), W1)),
    ("Recall", {"top_k": 2, "class_id": 2}, batches(multiclass_batch(8, 5), W1)),
    ("TruePositives", {}, batches(binary_batch(8, 1), W1)),
    ("FalsePositives", {"thresholds": [0.25, 0.75]}, batches(binary_batch(8, 1), W1)),
    ("TrueNegatives", {}, batches(binary_batch(8, 2), W1)),
    ("FalseNegatives", {"thresholds": [0.4]}, batches(binary_batch(8, 1), W1)),
    ("AUC", {}, batches(binary_batch(8, 1), W1)),
    ("AUC", {"curve": "PR"}, batches(binary_batch(8, 1), W1)),
    ("AUC", {"curve": "PR", "summation_method": "majoring", "num_thresholds": 50}, batches(binary_batch(8, 1), W1)),
    ("AUC", {"summation_method": "minoring", "num_thresholds": 20}, batches(binary_batch(8, 2), W1)),
    ("AUC", {"curve": "PRGAIN"}, batches(binary_batch(8, 1), W1)),
    ("AUC", {"thresholds": [0.1, 0.4, 0.45, 0.9]}, batches(binary_batch(8, 1), W1)),
    ("AUC", {"multi_label": True, "num_labels": 3}, batches(binary_batch(8, 3), W1)),
    ("AUC", {"multi_label": True, "label_weights": [0.2, 0.5, 0.3], "curve": "PR"}, batches(binary_batch(8, 3), W1)),
    ("AUC", {"label_weights": [0.2, 0.5, 0.3]}, batches(binary_batch(8, 3), W1)),
    ("AUC", {"from_logits": True}, batches(lambda: (binary(8, 1), normal(8, 1) * 2), W1)),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 20}, batches(binary_batch(8, 1), W1)),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6}, batches(binary_batch(8, 1), W1)),
    ("PrecisionAtRecall", {"recall": 0.5}, batches(binary_batch(8, 1), W1)),
    ("RecallAtPrecision", {"precision": 0.4, "num_thresholds": 30}, batches(binary_batch(8, 1), W1)),
    ("F1Score", {}, batches(multiclass_batch(8, 3), W1)),
    ("F1Score", {"average": "micro"}, batches(multiclass_batch(8, 3), W1)),
    ("F1Score", {"average": "macro", "threshold": 0.3}, batches(lambda: (binary(8, 3), unit(8, 3)), W1)),
    ("F1Score", {"average": "weighted"}, batches(multiclass_batch(8, 3), W1)),
    ("FBetaScore", {"beta": 2.0, "average": "macro"}, batches(multiclass_batch(8, 3), W1)),
    ("MeanSquaredError", {}, batches(regression_batch(), W2)),
    ("MeanAbsoluteError", {}, batches(regression_batch(), W2)),
    ("MeanAbsolutePercentageError", {}, batches(regression_batch(), W2)),
    ("MeanSquaredLogarithmicError", {}, batches(positive_batch(), W2)),
    ("RootMeanSquaredError", {}, batches(regression_batch(), W2)),
    ("CosineSimilarity", {}, batches(regression_batch(), W2)),
    ("CosineSimilarity", {"axis": 0}, batches(regression_batch(), [None, None])),
    ("LogCoshError", {}, batches(regression_batch(), W2)),
    ("R2Score", {}, batches(regression_batch(), W2)),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, batches(regression_batch(), W2)),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, batches(regression_batch(), W2)),
    ("MeanIoU", {"num_classes": 3}, batches(lambda: (labels(8, 3), labels(8, 3)), [None, (8,), None])),
    ("MeanIoU", {"num_classes": 4, "ignore_class": 0}, batches(lambda: (labels(8, 4), labels(8, 4)), [None, None])),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]},
     batches(lambda: (labels(8, 3), labels(8, 3)), [None, None])),
    ("BinaryIoU", {"threshold": 0.4}, batches(binary_batch(8, 1), [None, None])),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [1]}, batches(multiclass_batch(8, 3), [None, None])),
    ("OneHotMeanIoU", {"num_classes": 3}, batches(multiclass_batch(8, 3), [None, None])),
    ("MeanMetricWrapper", {"fn": "huber", "delta": 0.5}, batches(regression_batch(), W2)),
    ("MeanMetricWrapper", {"fn": "mean_squared_error"}, batches(lambda: (normal(4, 3, 2), normal(4, 3, 2)),
                                                                 [(4,), (4, 3), None])),
    ("BinaryCrossentropy", {}, batches(lambda: (binary(6, 2), unit(6, 2) * 0.9 + 0.05), W2)),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     batches(lambda: (binary(6, 2), normal(6, 2)), W2)),
    ("CategoricalCrossentropy", {}, batches(multiclass_batch(6, 4), W2)),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
     batches(lambda: (onehot(6, 4), normal(6, 4)), W2)),
    ("SparseCategoricalCrossentropy", {}, batches(sparse_batch(6, 4), W2)),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, batches(lambda: (labels(6, 4), normal(6, 4)), W2)),
    ("KLDivergence", {}, batches(lambda: (probs(6, 3), probs(6, 3)), W2)),
    ("Poisson", {}, batches(positive_batch(), W2)),
    ("Hinge", {}, batches(lambda: (binary(6, 3), normal(6, 3)), W2)),
    ("SquaredHinge", {}, batches(lambda: (binary(6, 3) * 2 - 1, normal(6, 3)), W2)),
    ("CategoricalHinge", {}, batches(lambda: (onehot(6, 4), normal(6, 4)), W2)),
]

# Metrics updated with values: (class, kwargs, [(values, sample_weight)]).
VALUE_CASES = [
    ("Mean", {}, [(normal(5), None), (normal(5), weights(5)), (normal(3, 4), weights(3)), (normal(2, 3), weights(2, 3)),
                  (np.float32(2.5), np.float32(4.0))]),
    ("Sum", {}, [(normal(5), None), (normal(5), weights(5)), (normal(3, 4), weights(3)),
                 (normal(2, 3), weights(2, 3))]),
]



def correlated_batch(shape, slope=0.8, offset=0.3):
    def make():
        y_true = normal(*shape)
        return y_true, (y_true * slope + offset + normal(*shape) * 0.5).astype(np.float32)
    return make


# Correlation metrics, drawn after every case above (whose inputs stay as they were).
CASES += [
    ("PearsonCorrelation", {}, batches(correlated_batch((6, 3)), W2)),
    ("PearsonCorrelation", {"axis": 0}, batches(correlated_batch((6, 3)), [None, None])),
    ("PearsonCorrelation", {}, batches(correlated_batch((8,), slope=-1.0), [None, None, None])),
    ("PearsonCorrelation", {}, batches(correlated_batch((4, 3, 2)), [(4, 3), (4,), None])),
    ("ConcordanceCorrelation", {}, batches(correlated_batch((6, 3)), W2)),
    ("ConcordanceCorrelation", {"axis": 0}, batches(correlated_batch((6, 4), slope=1.0, offset=0.0), [None, None])),
    ("ConcordanceCorrelation", {}, batches(correlated_batch((6, 5), slope=1.2, offset=-0.5), [(6, 1), None, (6,)])),
    ("ConcordanceCorrelation", {}, batches(correlated_batch((8,)), [None, None])),
]


def with_functions(kwargs):
    """Constructor arguments with a function named by "fn" (MeanMetricWrapper's) looked up in keras.losses."""
    return {k: getattr(keras.losses, v) if k == "fn" else v for k, v in kwargs.items()}


def main():
    specs, arrays = [], {}
    for i, (name, kwargs, updates) in enumerate(CASES):
        metric = getattr(keras.metrics, name)(**with_functions(kwargs))
        key = f"case{i}"
        for j, (y_true, y_pred, sw) in enumerate(updates):
            metric.update_state(y_true, y_pred, sample_weight=sw)
            arrays.update({f"{key}/u{j}/y_true": y_true, f"{key}/u{j}/y_pred": y_pred,
                           f"{key}/u{j}/result": np.asarray(metric.result())})
            if sw is not None:
                arrays[f"{key}/u{j}/sample_weight"] = sw
        specs.append({"key": key, "kind": "labels", "name": name, "kwargs": kwargs,
                      "weighted": [sw is not None for _, _, sw in updates]})
    for i, (name, kwargs, updates) in enumerate(VALUE_CASES):
        metric = getattr(keras.metrics, name)(**kwargs)
        key = f"values{i}"
        for j, (values, sw) in enumerate(updates):
            metric.update_state(values, sample_weight=sw)
            arrays.update({f"{key}/u{j}/values": values, f"{key}/u{j}/result": np.asarray(metric.result())})
            if sw is not None:
                arrays[f"{key}/u{j}/sample_weight"] = sw
        specs.append({"key": key, "kind": "values", "name": name, "kwargs": kwargs,
                      "weighted": [sw is not None for _, sw in updates]})
    out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "metrics", "metrics.npz")
    np.savez_compressed(out, cases=np.array(json.dumps(specs)), **arrays)
    print(f"wrote {len(specs)} cases to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()

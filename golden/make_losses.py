"""Records Keras 3's loss values and their gradients with respect to y_pred.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_losses.py
Writes tests/fixtures/losses/losses.npz: the cases as JSON, their inputs, Keras's loss and d loss / d y_pred.
"""
import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

rng = np.random.default_rng(1234)


def probs(*shape):
    """Rows of class probabilities along the last axis."""
    x = rng.random(shape) + 0.05
    return (x / x.sum(-1, keepdims=True)).astype(np.float32)


def unit(*shape):
    return rng.uniform(0.02, 0.98, shape).astype(np.float32)


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def onehot(labels, n):
    return np.eye(n, dtype=np.float32)[labels]


def binary(*shape):
    return (rng.random(shape) > 0.5).astype(np.float32)


def weights(*shape):
    return rng.uniform(0.0, 2.0, shape).astype(np.float32)


# (class name, constructor kwargs, y_true, y_pred, sample_weight or None)
labels6 = rng.integers(0, 4, 6)
CASES = [
    ("BinaryCrossentropy", {}, binary(6, 3), unit(6, 3), None),
    ("BinaryCrossentropy", {"from_logits": True}, binary(6, 3), normal(6, 3) * 3, weights(6)),
    ("BinaryCrossentropy", {"label_smoothing": 0.2, "reduction": "sum"}, binary(6, 3), unit(6, 3), None),
    ("BinaryCrossentropy", {"reduction": "none"}, binary(6, 1), unit(6, 1), weights(6)),
    ("BinaryCrossentropy", {"reduction": "mean_with_sample_weight"}, binary(6, 3), unit(6, 3), weights(6)),
    ("BinaryCrossentropy", {"axis": 1}, binary(4, 3, 2), unit(4, 3, 2), None),
    ("BinaryCrossentropy", {}, binary(6), unit(6, 1), None),
    ("BinaryFocalCrossentropy", {}, binary(6, 3), unit(6, 3), None),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5}, binary(6, 3),
     unit(6, 3), weights(6)),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, binary(6, 3), normal(6, 3) * 2, None),
    ("CategoricalCrossentropy", {}, onehot(labels6, 4), probs(6, 4), None),
    ("CategoricalCrossentropy", {"from_logits": True}, onehot(labels6, 4), normal(6, 4) * 2, weights(6)),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1, "reduction": "sum"}, onehot(labels6, 4),
     normal(6, 4) ** 2 + 0.1, None),
    ("CategoricalCrossentropy", {"axis": 1, "from_logits": True},
     onehot(rng.integers(0, 3, (2, 4)), 3).transpose(0, 2, 1), normal(2, 3, 4), None),
    ("CategoricalCrossentropy", {"reduction": "none"}, probs(5, 3), probs(5, 3), None),
    ("CategoricalFocalCrossentropy", {}, onehot(labels6, 4), probs(6, 4), None),
    ("CategoricalFocalCrossentropy", {"alpha": 0.5, "gamma": 1.0, "from_logits": True, "label_smoothing": 0.1},
     onehot(labels6, 4), normal(6, 4), weights(6)),
    ("SparseCategoricalCrossentropy", {}, labels6.astype(np.int32), probs(6, 4), None),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, labels6.reshape(6, 1).astype(np.int32),
     normal(6, 4) * 3, weights(6)),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}, labels6.astype(np.int32),
     normal(6, 4), None),
    ("SparseCategoricalCrossentropy", {"ignore_class": 0, "reduction": "sum"}, labels6.astype(np.int32),
     probs(6, 4), weights(6)),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, rng.integers(0, 5, (3, 4)).astype(np.int32),
     normal(3, 4, 5), weights(3, 4)),
    ("SparseCategoricalCrossentropy", {"reduction": "none"}, labels6.astype(np.int64), probs(6, 4), None),
    ("KLDivergence", {}, probs(5, 3), probs(5, 3), None),
    ("KLDivergence", {"reduction": "sum"}, probs(5, 3), probs(5, 3), weights(5)),
    ("Poisson", {}, rng.poisson(2.0, (5, 3)).astype(np.float32), unit(5, 3) * 4, None),
    ("Poisson", {"reduction": "none"}, rng.poisson(2.0, (5, 3)).astype(np.float32), unit(5, 3) * 4, weights(5)),
    ("MeanSquaredError", {}, normal(6, 3), normal(6, 3), None),
    ("MeanSquaredError", {}, normal(6), normal(6, 1), weights(6)),
    ("MeanSquaredError", {"reduction": "sum"}, normal(4, 3, 2), normal(4, 3, 2), weights(4, 3)),
    ("MeanSquaredError", {"reduction": "mean_with_sample_weight"}, normal(6, 3), normal(6, 3), weights(6)),
    ("MeanSquaredError", {"reduction": "mean"}, normal(6, 3), normal(6, 3), weights(6)),
    ("MeanSquaredError", {"reduction": "none"}, normal(6, 3), normal(6, 3), weights(6, 1)),
    ("MeanSquaredError", {}, normal(4, 3, 2), normal(4, 3, 2), np.float32(0.5)),
    ("MeanAbsoluteError", {}, normal(6, 3), normal(6, 3), None),
    ("MeanAbsoluteError", {"reduction": "sum"}, normal(6, 3), normal(6, 3), weights(6)),
    ("MeanAbsolutePercentageError", {}, normal(6, 3), normal(6, 3), None),
    ("MeanAbsolutePercentageError", {}, normal(6, 3), normal(6, 3), weights(6)),
    ("MeanSquaredLogarithmicError", {}, unit(6, 3) * 3, unit(6, 3) * 3, None),
    ("MeanSquaredLogarithmicError", {"reduction": "none"}, unit(6, 3) * 3, unit(6, 3) * 3, weights(6)),
    ("Huber", {}, normal(6, 3), normal(6, 3) * 2, None),
    ("Huber", {"delta": 0.5, "reduction": "sum"}, normal(6, 3), normal(6, 3) * 2, weights(6)),
    ("LogCosh", {}, normal(6, 3), normal(6, 3) * 2, None),
    ("LogCosh", {}, normal(6, 3), normal(6, 3) * 2, weights(6)),
    ("CosineSimilarity", {}, normal(6, 3), normal(6, 3), None),
    ("CosineSimilarity", {"axis": 0, "reduction": "none"}, normal(6, 3), normal(6, 3), None),
    ("Hinge", {}, binary(6, 3), normal(6, 3), None),
    ("Hinge", {}, binary(6, 3) * 2 - 1, normal(6, 3), weights(6)),
    ("SquaredHinge", {}, binary(6, 3), normal(6, 3), None),
    ("SquaredHinge", {"reduction": "sum"}, binary(6, 3) * 2 - 1, normal(6, 3), weights(6)),
    ("CategoricalHinge", {}, onehot(labels6, 4), normal(6, 4), None),
    ("CategoricalHinge", {"reduction": "none"}, onehot(labels6, 4), normal(6, 4), weights(6)),
]

# Loss functions called directly: (function name, kwargs, y_true, y_pred) -> per-sample values.
FUNCTIONS = [
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, binary(5, 3), normal(5, 3)),
    ("categorical_crossentropy", {}, onehot(labels6[:5], 4), probs(5, 4)),
    ("sparse_categorical_crossentropy", {"from_logits": True}, labels6[:5].astype(np.int32), normal(5, 4)),
    ("mean_squared_error", {}, normal(5, 3), normal(5, 3)),
    ("huber", {"delta": 0.7}, normal(5, 3), normal(5, 3)),
    ("kl_divergence", {}, probs(5, 3), probs(5, 3)),
    ("cosine_similarity", {"axis": -1}, normal(5, 3), normal(5, 3)),
    ("categorical_focal_crossentropy", {"gamma": 3.0}, onehot(labels6[:5], 4), probs(5, 4)),
    ("binary_focal_crossentropy", {"apply_class_balancing": True}, binary(5, 3), unit(5, 3)),
]

# Masked predictions: (class name, kwargs, y_true, y_pred, mask, sample_weight or None).
MASKED = [
    ("MeanSquaredError", {}, normal(4, 5, 2), normal(4, 5, 2), rng.random((4, 5)) > 0.3, None),
    ("MeanSquaredError", {"reduction": "sum"}, normal(4, 5, 2), normal(4, 5, 2), rng.random((4, 5)) > 0.3,
     weights(4, 5)),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, rng.integers(0, 3, (4, 5)).astype(np.int32),
     normal(4, 5, 3), rng.random((4, 5)) > 0.3, None),
]


def embeddings(n, dim):
    """Rows of unit L2 norm, as a UnitNormalization layer gives them."""
    x = rng.standard_normal((n, dim))
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


# Segmentation, similarity and generalized cross-entropy losses; drawn after the cases above, which keep their values.
circle_labels = np.array([0, 0, 1, 1, 2, 2, 0, 1], np.int32)
lonely_labels = np.array([0, 0, 1, 1, 2, 3, 3, 0], np.int32)  # class 2 has no other member: its row is masked out
CASES += [
    ("Dice", {}, binary(4, 3, 2), unit(4, 3, 2), None),
    ("Dice", {"axis": [1, 2], "reduction": "none"}, binary(4, 3, 2), unit(4, 3, 2), None),
    ("Dice", {"axis": [1, 2]}, binary(4, 3, 2), unit(4, 3, 2), weights(4)),
    ("Dice", {"reduction": "sum"}, binary(6, 3), unit(6, 3), weights(6)),
    ("Dice", {"axis": -1, "reduction": "mean_with_sample_weight"}, binary(6, 3), unit(6, 3), weights(6)),
    ("Tversky", {}, binary(4, 3, 2), unit(4, 3, 2), None),
    ("Tversky", {"alpha": 0.3, "beta": 0.7, "axis": [1, 2]}, binary(4, 3, 2), unit(4, 3, 2), weights(4)),
    ("Tversky", {"alpha": 0.8, "beta": 0.2, "axis": -1, "reduction": "none"}, binary(6, 3), unit(6, 3), None),
    ("Circle", {}, circle_labels, embeddings(8, 4), None),
    ("Circle", {"gamma": 10.0, "margin": 0.25}, circle_labels, embeddings(8, 4), weights(8)),
    ("Circle", {"remove_diagonal": False, "reduction": "sum"}, circle_labels, embeddings(8, 3), None),
    ("Circle", {"gamma": 20.0}, lonely_labels, embeddings(8, 4), None),
    ("Circle", {"gamma": 20.0, "reduction": "none"}, lonely_labels.reshape(8, 1), embeddings(8, 4), weights(8)),
    ("CategoricalGeneralizedCrossEntropy", {}, labels6.astype(np.int32), probs(6, 4), None),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.8, "reduction": "sum"}, labels6.astype(np.int32), probs(6, 4),
     weights(6)),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.2, "reduction": "mean_with_sample_weight"},
     labels6.astype(np.float32), probs(6, 4), weights(6)),
]
FUNCTIONS += [
    ("dice", {}, binary(5, 3), unit(5, 3)),
    ("dice", {"axis": [1]}, binary(5, 3), unit(5, 3)),
    ("tversky", {"alpha": 0.4, "beta": 0.6, "axis": -1}, binary(5, 3), unit(5, 3)),
    ("circle", {"gamma": 30.0, "margin": 0.3, "remove_diagonal": False}, circle_labels[:6], embeddings(6, 3)),
    ("categorical_generalized_cross_entropy", {"q": 0.6}, labels6[:5].astype(np.int32), probs(5, 4)),
]


def keras_loss_and_grad(loss_fn, y_true, y_pred, mask=None):
    yp = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(yp)
        pred = tf.identity(yp)
        if mask is not None:
            pred._keras_mask = tf.constant(mask)
        value = loss_fn(tf.constant(y_true), pred)
        total = tf.reduce_sum(value)
    return value.numpy(), tape.gradient(total, yp).numpy()


def main():
    specs, arrays = [], {}
    for i, (name, kwargs, y_true, y_pred, sw) in enumerate(CASES):
        loss = getattr(keras.losses, name)(**kwargs)
        key = f"case{i}"
        call = (lambda t, p, loss=loss, sw=sw: loss(t, p, sample_weight=None if sw is None else tf.constant(sw)))
        value, grad = keras_loss_and_grad(call, y_true, y_pred)
        specs.append({"key": key, "kind": "class", "name": name, "kwargs": kwargs, "weighted": sw is not None})
        arrays.update({f"{key}/y_true": y_true, f"{key}/y_pred": y_pred, f"{key}/loss": value, f"{key}/grad": grad})
        if sw is not None:
            arrays[f"{key}/sample_weight"] = np.asarray(sw)
    for i, (name, kwargs, y_true, y_pred) in enumerate(FUNCTIONS):
        fn = getattr(keras.losses, name)
        key = f"fn{i}"
        value, grad = keras_loss_and_grad(lambda t, p, fn=fn, kw=kwargs: fn(t, p, **kw), y_true, y_pred)
        specs.append({"key": key, "kind": "function", "name": name, "kwargs": kwargs, "weighted": False})
        arrays.update({f"{key}/y_true": y_true, f"{key}/y_pred": y_pred, f"{key}/loss": value, f"{key}/grad": grad})
    for i, (name, kwargs, y_true, y_pred, mask, sw) in enumerate(MASKED):
        loss = getattr(keras.losses, name)(**kwargs)
        key = f"masked{i}"
        call = (lambda t, p, loss=loss, sw=sw: loss(t, p, sample_weight=None if sw is None else tf.constant(sw)))
        value, grad = keras_loss_and_grad(call, y_true, y_pred, mask)
        specs.append({"key": key, "kind": "class", "name": name, "kwargs": kwargs, "weighted": sw is not None,
                      "masked": True})
        arrays.update({f"{key}/y_true": y_true, f"{key}/y_pred": y_pred, f"{key}/mask": mask,
                       f"{key}/loss": value, f"{key}/grad": grad})
        if sw is not None:
            arrays[f"{key}/sample_weight"] = sw
    out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "losses", "losses.npz")
    np.savez_compressed(out, cases=np.array(json.dumps(specs)), **arrays)
    print(f"wrote {len(specs)} cases to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()

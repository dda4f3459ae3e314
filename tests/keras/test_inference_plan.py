"""A Sequential model of Dense layers answers `model(x)` and `predict_on_batch` by a shortcut that must give
exactly what the layer calls give, and must step aside wherever the layers' own calls matter."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras


def mlp():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dropout(0.5),
                             keras.layers.Dense(4), keras.layers.Dense(3, activation="softmax")])


def through_layers(model, x, **kwargs):
    plan, model._inference_plan = model._inference_plan, None
    try:
        return model(x, **kwargs)
    finally:
        model._inference_plan = plan


def test_the_shortcut_gives_exactly_the_layers_outputs_and_logits():
    model = mlp()
    assert model._inference_plan is not None
    x = np.random.default_rng(0).random((7, 6), dtype=np.float32)
    for inputs in (x, tf.constant(x)):
        fast, slow = model(inputs), through_layers(model, inputs)
        np.testing.assert_array_equal(fast.numpy(), slow.numpy())
        np.testing.assert_array_equal(fast._keras_logits.numpy(), slow._keras_logits.numpy())
    np.testing.assert_array_equal(model.predict_on_batch(x), through_layers(model, x, training=False).numpy())
    np.testing.assert_array_equal(model.predict(x, verbose=0), through_layers(model, x).numpy())


def test_training_calls_tapes_and_other_inputs_use_the_layers():
    model = mlp()
    x = np.random.default_rng(1).random((64, 6), dtype=np.float32)
    keras.utils.set_random_seed(3)
    dropped = model(x, training=True).numpy()
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(dropped, through_layers(model, x, training=True).numpy())
    assert not np.allclose(dropped, model(x).numpy())  # dropout acted
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x))
    assert all(g is not None for g in tape.gradient(loss, model.trainable_variables))
    np.testing.assert_allclose(model(x.astype("float64")).numpy(), model(x).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match=r"expected input of shape \(None, 6\), got shape \(2, 5\)"):
        model(np.ones((2, 5), "float32"))


def test_fit_and_evaluate_are_unchanged_by_the_shortcut():
    x = np.random.default_rng(2).random((32, 6), dtype=np.float32)
    y = (x.sum(axis=1) > 3).astype("int32")
    results = []
    for shortcut in (True, False):
        model = mlp()
        if not shortcut:
            model._inference_plan = None  # nothing rebuilds the model below, so it stays off
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, validation_data=(x, y))
        results.append((history.history, model.evaluate(x, y, verbose=0)))
    assert results[0] == results[1]


def test_the_plan_follows_the_stack():
    model = mlp()
    model.pop()
    assert model._inference_plan is not None and len(model._inference_plan.steps) == 2
    model.add(keras.layers.Dense(2, activation="tanh"))  # no shortcut for tanh: the layers answer
    assert model._inference_plan is None
    assert model(np.ones((1, 6), "float32")).shape == (1, 2)
    regularized = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activity_regularizer="l2")])
    assert regularized._inference_plan is None

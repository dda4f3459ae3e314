"""The MAML example in --quick mode, and its meta-gradient checked against finite differences."""
import numpy as np

import gradfit as tf
from gradfit import keras

import maml_sinusoid as maml


def test_maml_beats_the_pretrained_baseline_after_one_step():
    results = maml.main(["--quick"])
    assert results["bar_met"]
    assert results["MAML"] == "second-order"
    assert results["MAML MSE after one step"] < results["baseline MSE after one step"]
    assert results["MAML MSE after one step"] < results["MAML MSE before the step"]  # the step helps


def test_first_order_maml_runs_and_adapts():
    results = maml.main(["--quick", "--first-order", "--steps", "50"])
    assert results["MAML"] == "first-order"
    assert results["MAML MSE after one step"] < results["MAML MSE before the step"]


def meta_loss_and_gradient(model, support, query, first_order):
    with tf.GradientTape() as tape:
        adapted = maml.adapt(maml.per_task(model.trainable_variables, len(support[0])), *support, first_order)
        loss = tf.reduce_mean(tf.square(maml.forward(adapted, query[0]) - query[1]))
    return float(loss), tape.gradient(loss, model.trainable_variables)


def test_second_order_meta_gradient_matches_finite_differences_and_first_order_differs(float64):
    keras.utils.set_random_seed(0)
    model = maml.build_model()
    rng = np.random.default_rng(0)
    waves = maml.random_waves(3, rng)
    support, query = maml.random_points_on(waves, rng, 10), maml.random_points_on(waves, rng, 10)
    support, query = [a.astype("float64") for a in support], [a.astype("float64") for a in query]
    _, second = meta_loss_and_gradient(model, support, query, first_order=False)
    _, first = meta_loss_and_gradient(model, support, query, first_order=True)

    for variable, second_grad, first_grad in zip(model.trainable_variables, second, first):
        direction = rng.standard_normal(variable.shape)
        direction /= np.linalg.norm(direction)
        start = variable.numpy().copy()
        step = 1e-5
        variable.assign(start + step * direction)
        up = meta_loss_and_gradient(model, support, query, False)[0]
        variable.assign(start - step * direction)
        down = meta_loss_and_gradient(model, support, query, False)[0]
        variable.assign(start)
        numeric = (up - down) / (2 * step)
        np.testing.assert_allclose(np.sum(second_grad.numpy() * direction), numeric, rtol=1e-6, atol=1e-9)
        # First-order MAML drops the second-order term: a different, approximate gradient.
        assert not np.allclose(first_grad.numpy(), second_grad.numpy(), rtol=1e-3)


def test_adapt_gives_each_task_its_own_step():
    keras.utils.set_random_seed(0)
    model = maml.build_model()
    rng = np.random.default_rng(1)
    x, y = maml.random_points_on(maml.random_waves(2, rng), rng, 10)
    together = maml.adapt(maml.per_task(model.trainable_variables, 2), x, y)
    alone = maml.adapt(maml.per_task(model.trainable_variables, 1), x[1:], y[1:])
    for both, one in zip(together, alone):
        np.testing.assert_allclose(both.numpy()[1], one.numpy()[0], rtol=1e-5, atol=1e-7)

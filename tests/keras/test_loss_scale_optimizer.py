"""LossScaleOptimizer: dynamic loss scaling around another optimizer, in fit and in a GradientTape loop."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

LossScaleOptimizer = keras.optimizers.LossScaleOptimizer


def regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.3


def model_compiled_with(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def test_fit_with_loss_scaling_takes_the_inner_optimizers_steps():
    # Scales are powers of two, so scaling the loss and unscaling the gradients changes no bit.
    x, y = regression()
    scaled = model_compiled_with(LossScaleOptimizer(keras.optimizers.Adam(0.05), dynamic_growth_steps=3))
    losses = scaled.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0).history["loss"]
    plain = model_compiled_with(keras.optimizers.Adam(0.05))
    plain.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0)
    assert losses[-1] < 0.5 * losses[0]
    for a, b in zip(scaled.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
    optimizer = scaled.optimizer
    assert int(optimizer.iterations.numpy()) == 16 == int(optimizer.inner_optimizer.iterations.numpy())
    assert float(optimizer.dynamic_scale.numpy()) == 2.0 ** 15 * 2 ** 5 and int(optimizer.step_counter.numpy()) == 1


def test_gradient_tape_loop_scales_the_loss_and_skips_non_finite_steps():
    optimizer = LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=8.0)
    v = tf.Variable([2.0, -1.0])
    assert optimizer.scale_loss(3.0) == 24.0  # before building: initial_scale
    with tf.GradientTape() as tape:
        loss = optimizer.scale_loss(tf.reduce_sum(v * v))
    assert float(loss) == 40.0
    optimizer.apply_gradients([(tape.gradient(loss, v), v)])
    np.testing.assert_allclose(v.numpy(), [0.0, 0.0])
    assert int(optimizer.step_counter.numpy()) == 1
    optimizer.apply_gradients([(tf.constant([np.inf, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])
    assert float(optimizer.dynamic_scale.numpy()) == 4.0 and int(optimizer.step_counter.numpy()) == 0
    optimizer.apply_gradients([(tf.constant([np.nan, 0.0]), v)])
    assert float(optimizer.dynamic_scale.numpy()) == 2.0 and int(optimizer.iterations.numpy()) == 1
    assert float(optimizer.scale_loss(tf.constant(1.0))) == 2.0


def test_scale_doubles_after_dynamic_growth_steps_finite_steps():
    optimizer = LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=1.0, dynamic_growth_steps=2)
    v = tf.Variable([1.0])
    scales = []
    for _ in range(5):
        optimizer.apply_gradients([(tf.constant([1.0]), v)])
        scales.append(float(optimizer.dynamic_scale.numpy()))
    assert scales == [1.0, 2.0, 2.0, 4.0, 4.0]


def test_variables_are_its_own_then_the_inner_optimizers():
    optimizer = LossScaleOptimizer(keras.optimizers.Adam(name="adam"), name="loss_scale_optimizer")
    optimizer.build([tf.Variable(np.zeros(3, "float32"), name="bias")])
    assert [v.path for v in optimizer.variables] == [
        "loss_scale_optimizer/iteration", "loss_scale_optimizer/learning_rate", "loss_scale_optimizer/step_counter",
        "loss_scale_optimizer/dynamic_scale", "adam/iteration", "adam/learning_rate", "adam/bias_momentum",
        "adam/bias_velocity"]
    assert optimizer.step_counter.dtype == tf.int64 and optimizer.dynamic_scale.dtype == tf.float32
    assert float(optimizer.dynamic_scale.numpy()) == 32768.0


def test_learning_rate_and_finalize_are_the_inner_optimizers():
    inner = keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    optimizer = LossScaleOptimizer(inner, initial_scale=1.0)
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(0.1)
    optimizer.learning_rate = 0.5
    assert float(inner.learning_rate.numpy()) == 0.5
    v = tf.Variable([0.0])
    for _ in range(2):
        optimizer.apply_gradients([(tf.constant([-1.0]), v)])
    optimizer.finalize_variable_values([v])
    np.testing.assert_allclose(v.numpy(), [0.75])  # the average of 0.5 and 1.0 (momentum 0.5)


def test_a_bad_gradient_changes_nothing_even_next_to_a_non_finite_one():
    optimizer = LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=4.0)
    a, b = tf.Variable([1.0, 1.0], name="a"), tf.Variable([1.0], name="b")
    optimizer.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant([1.0]), b)])
    before = [v.numpy().copy() for v in optimizer.variables + [a, b]]
    with pytest.raises(ValueError, match=r"'b'.*\(2,\).*\(1,\)"):
        optimizer.apply_gradients([(tf.constant([np.inf, 1.0]), a), (tf.constant([1.0, 2.0]), b)])
    for old, v in zip(before, optimizer.variables + [a, b]):
        np.testing.assert_array_equal(old, v.numpy())


def test_config_round_trip_and_deserialize():
    optimizer = LossScaleOptimizer(keras.optimizers.RMSprop(0.01, momentum=0.5, name="rms"), initial_scale=64.0,
                                   dynamic_growth_steps=10, name="scaled")
    config = optimizer.get_config()
    assert list(config) == ["name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"]
    assert config["inner_optimizer"]["class_name"] == "RMSprop"
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert isinstance(restored, LossScaleOptimizer) and isinstance(restored.inner_optimizer, keras.optimizers.RMSprop)
    assert restored.get_config() == config
    assert keras.mixed_precision.LossScaleOptimizer is LossScaleOptimizer


def test_inner_loss_scale_factor_is_switched_off():
    inner = keras.optimizers.SGD(0.1, loss_scale_factor=4.0)
    LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None


@pytest.mark.parametrize("kwargs, match", [
    ({"dynamic": False}, "dynamic=False"),
    ({"clipnorm": 1.0}, "`clipnorm`"),
    ({"use_ema": True}, "`use_ema`"),
    ({"momentum": 0.9}, "momentum"),
])
def test_invalid_arguments_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LossScaleOptimizer(keras.optimizers.SGD(), **kwargs)


def test_the_base_defaults_old_configs_hold_are_accepted():
    optimizer = LossScaleOptimizer(keras.optimizers.SGD(), clipnorm=None, use_ema=False, ema_momentum=0.99)
    assert optimizer.get_config()["initial_scale"] == 32768.0


def test_inner_optimizer_must_be_an_optimizer():
    with pytest.raises(ValueError, match="inner_optimizer='adam'"):
        LossScaleOptimizer("adam")

"""Ftrl, Adafactor and Lamb as a user meets them: compile by name and fit, Keras's variable layouts, configs."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras


def blobs(n=256, inputs=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((classes, inputs)) * 3
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.standard_normal((n, inputs))).astype(np.float32), y


def classifier():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(3, activation="softmax")])


@pytest.mark.parametrize("name, cls", [("ftrl", keras.optimizers.Ftrl), ("adafactor", keras.optimizers.Adafactor),
                                       ("lamb", keras.optimizers.Lamb)])
def test_compile_by_name_and_fit_lowers_the_loss(name, cls):
    x, y = blobs()
    model = classifier()
    model.compile(optimizer=name, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    losses = model.fit(x, y, epochs=5, batch_size=32, verbose=0).history["loss"]
    assert type(model.optimizer) is cls
    assert all(later < earlier for earlier, later in zip(losses, losses[1:])), losses
    assert losses[-1] < 0.95 * losses[0]
    assert int(model.optimizer.iterations.numpy()) == 5 * 8


def test_fit_and_a_gradient_tape_loop_take_the_same_steps():
    x, y = blobs(64)
    fitted = classifier()
    fitted.compile(optimizer=keras.optimizers.Adafactor(0.05), loss="sparse_categorical_crossentropy")
    fitted.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    looped = classifier()
    optimizer = keras.optimizers.Adafactor(0.05)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    for start in range(0, 64, 16):
        with tf.GradientTape() as tape:
            loss = loss_fn(y[start:start + 16], looped(x[start:start + 16], training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, looped.trainable_variables), looped.trainable_variables))
    for a, b in zip(fitted.get_weights(), looped.get_weights()):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------- Keras's layouts
def build(optimizer):
    variables = [tf.Variable(np.ones((3, 4), "float32"), name="kernel"),
                 tf.Variable(np.ones(4, "float32"), name="bias"),
                 tf.Variable(np.ones((2, 3, 2), "float32"), name="scale")]
    optimizer.build(variables)
    return [(v.path, tuple(v.shape)) for v in optimizer.variables]


def test_ftrl_and_lamb_slots_are_named_like_keras():
    assert build(keras.optimizers.Ftrl(name="ftrl")) == [
        ("ftrl/iteration", ()), ("ftrl/learning_rate", ()), ("ftrl/kernel_accumulator", (3, 4)),
        ("ftrl/kernel_linear", (3, 4)), ("ftrl/bias_accumulator", (4,)), ("ftrl/bias_linear", (4,)),
        ("ftrl/scale_accumulator", (2, 3, 2)), ("ftrl/scale_linear", (2, 3, 2))]
    assert build(keras.optimizers.Lamb(name="lamb")) == [
        ("lamb/iteration", ()), ("lamb/learning_rate", ()), ("lamb/kernel_momentum", (3, 4)),
        ("lamb/kernel_velocity", (3, 4)), ("lamb/bias_momentum", (4,)), ("lamb/bias_velocity", (4,)),
        ("lamb/scale_momentum", (2, 3, 2)), ("lamb/scale_velocity", (2, 3, 2))]


def test_adafactor_keeps_row_and_column_statistics_interleaved_as_keras_does():
    optimizer = keras.optimizers.Adafactor(name="adafactor")
    assert build(optimizer) == [
        ("adafactor/iteration", ()), ("adafactor/learning_rate", ()),
        ("adafactor/kernel", (3,)), ("adafactor/kernel", (4,)), ("adafactor/kernel_velocity", (3, 4)),
        ("bias", ()), ("bias", ()), ("adafactor/bias_velocity", (4,)),
        ("adafactor/scale", (2, 3)), ("adafactor/scale", (2, 2)), ("adafactor/scale_velocity", (2, 3, 2))]
    assert [v.dtype for v in optimizer.variables[5:7]] == [tf.int32, tf.int32]


def test_ftrl_accumulators_start_at_initial_accumulator_value():
    optimizer = keras.optimizers.Ftrl(initial_accumulator_value=0.25)
    optimizer.build([tf.Variable([1.0, 2.0])])
    np.testing.assert_array_equal(optimizer.variables[2].numpy(), [0.25, 0.25])
    np.testing.assert_array_equal(optimizer.variables[3].numpy(), [0.0, 0.0])


def test_ftrl_l1_keeps_weights_with_small_accumulated_gradients_at_zero():
    optimizer = keras.optimizers.Ftrl(learning_rate=0.5, l1_regularization_strength=1.0)
    w = tf.Variable([0.3, -0.2, 0.1])
    for g in ([0.5, -0.5, 3.0], [0.2, 0.1, 3.0]):
        optimizer.apply_gradients([(tf.constant(g), w)])
    np.testing.assert_array_equal(w.numpy()[:2], [0.0, 0.0])
    assert w.numpy()[2] < 0


def test_lamb_steps_are_a_fixed_fraction_of_the_weight_norm():
    w = tf.Variable(np.full(4, 3.0, "float32"))
    before = np.linalg.norm(w.numpy())
    keras.optimizers.Lamb(learning_rate=0.1).apply_gradients([(tf.constant([1.0, -2.0, 0.5, 4.0]), w)])
    assert np.linalg.norm(w.numpy() - 3.0) == pytest.approx(0.1 * before, rel=1e-5)


# ------------------------------------------------------------------------------------ arguments, configs
@pytest.mark.parametrize("kwargs, argument", [
    ({"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
    ({"learning_rate_power": 0.5}, "learning_rate_power"),
    ({"l1_regularization_strength": -1.0}, "l1_regularization_strength"),
    ({"l2_regularization_strength": -1.0}, "l2_regularization_strength"),
    ({"l2_shrinkage_regularization_strength": -1.0}, "l2_shrinkage_regularization_strength"),
    ({"l3_regularization_strength": 1.0}, "not recognized"),
])
def test_ftrl_rejects_invalid_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        keras.optimizers.Ftrl(**kwargs)


@pytest.mark.parametrize("optimizer, keys", [
    (keras.optimizers.Ftrl(0.1, learning_rate_power=-0.3, initial_accumulator_value=0.5,
                           l1_regularization_strength=0.01, l2_regularization_strength=0.02,
                           l2_shrinkage_regularization_strength=0.03, beta=0.5, clipnorm=1.0),
     ["learning_rate_power", "initial_accumulator_value", "l1_regularization_strength", "l2_regularization_strength",
      "l2_shrinkage_regularization_strength", "beta"]),
    (keras.optimizers.Adafactor(0.01, beta_2_decay=-0.5, epsilon_1=1e-20, epsilon_2=1e-2, clip_threshold=0.5,
                                relative_step=False, weight_decay=0.01),
     ["beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step"]),
    (keras.optimizers.Lamb(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5), beta_1=0.8, beta_2=0.99,
                           epsilon=1e-6, global_clipnorm=2.0),
     ["beta_1", "beta_2", "epsilon"]),
])
def test_config_round_trip_keeps_every_argument(optimizer, keys):
    config = optimizer.get_config()
    base = ["name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
            "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"]
    assert list(config) == base + keys
    assert type(optimizer).from_config(config).get_config() == config
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(restored) is type(optimizer) and restored.get_config() == config


@pytest.mark.parametrize("name", ["ftrl", "adafactor", "lamb"])
def test_float64_variables_and_their_slots_stay_float64(name):
    variables = [tf.Variable(np.ones((3, 2)), dtype="float64", name="kernel"),
                 tf.Variable(np.ones(2), dtype="float64", name="bias")]
    optimizer = keras.optimizers.get(name)
    for _ in range(2):
        optimizer.apply_gradients(zip([tf.constant(np.full((3, 2), 0.5, "float32")), tf.constant([1.0, -1.0])],
                                      variables))
    assert all(v.dtype == tf.float64 for v in variables)
    slots = [v for v in optimizer.variables[2:] if v.dtype.is_floating]
    assert slots and all(v.dtype == tf.float64 for v in slots)

"""BatchNormalization's training/inference behaviour and the per-example normalizations.

Values against Keras are in test_layers_advanced_golden.py.
"""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

L = keras.layers
RNG = np.random.default_rng(3)


def batch(*shape, scale=2.0, shift=1.0):
    return (RNG.standard_normal(shape) * scale + shift).astype(np.float32)


def test_batch_norm_weights_and_defaults_follow_keras():
    bn = L.BatchNormalization()
    bn(batch(4, 3))
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert (bn.momentum, bn.epsilon) == (0.99, 1e-3)
    np.testing.assert_array_equal(bn.moving_variance.numpy(), np.ones(3))


def test_batch_norm_training_normalizes_with_batch_statistics_and_updates_moving_averages():
    x = batch(32, 4)
    bn = L.BatchNormalization(momentum=0.9)
    y = bn(x, training=True).numpy()
    np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(0), x.var(0) / (x.var(0) + 1e-3), rtol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * x.var(0), rtol=1e-5)


def test_batch_norm_inference_uses_moving_statistics_and_changes_nothing():
    x = batch(16, 3)
    bn = L.BatchNormalization()
    bn(x)
    bn.set_weights([np.full(3, 2.0), np.full(3, 0.5), np.array([1.0, 2.0, 3.0]), np.array([4.0, 1.0, 0.25])])
    before = bn.get_weights()
    y = bn(x, training=False).numpy()
    expected = (x - before[2]) / np.sqrt(before[3] + 1e-3) * 2.0 + 0.5
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    for a, b in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_frozen_batch_norm_runs_in_inference_mode_even_when_training():
    x = batch(16, 3)
    bn = L.BatchNormalization()
    bn(x)
    bn.trainable = False
    moving = bn.moving_mean.numpy().copy()
    np.testing.assert_allclose(bn(x, training=True).numpy(), bn(x, training=False).numpy())
    np.testing.assert_array_equal(bn.moving_mean.numpy(), moving)
    assert bn.trainable_weights == []


def test_fit_updates_moving_statistics_and_predict_uses_them():
    keras.utils.set_random_seed(0)
    x = batch(64, 2, scale=3.0, shift=5.0)
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((2,)), L.BatchNormalization(momentum=0.5), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False)
    bn = model.layers[0]
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(0), rtol=0.1)
    # predict() is inference: the same batch twice gives the same result, and statistics stay put.
    moving = bn.moving_mean.numpy().copy()
    np.testing.assert_allclose(model.predict(x[:5], verbose=0), model.predict(x[:5], verbose=0))
    np.testing.assert_array_equal(bn.moving_mean.numpy(), moving)


def test_batch_norm_on_images_normalizes_each_channel_over_batch_and_space():
    x = batch(8, 5, 5, 3)
    y = L.BatchNormalization(axis=-1, center=False, scale=False, epsilon=0.0)(x, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(0, 1, 2)), 1.0, rtol=1e-4)
    y = L.BatchNormalization(axis=1, center=False, scale=False, epsilon=0.0)(x, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-5)


def test_batch_norm_masked_statistics_ignore_padding():
    values = batch(2, 4, 3)
    values[0, 2:] = 0.0
    masked = L.Masking(0.0)(values)
    bn = L.BatchNormalization(momentum=0.0)
    bn(masked, training=True)
    valid = np.concatenate([values[0, :2], values[1]])
    np.testing.assert_allclose(bn.moving_mean.numpy(), valid.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), valid.var(0), rtol=1e-5)


def test_batch_norm_gradient_through_batch_statistics():
    x = tf.constant(batch(6, 2))
    bn = L.BatchNormalization(center=False, scale=False, epsilon=0.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = bn(x, training=True)
        loss = tf.reduce_sum(y * y)
    # sum of squares of a standardized batch is constant (= batch size per feature): zero gradient.
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), 0.0, atol=1e-4)


def test_layer_normalization_standardizes_each_example():
    x = batch(4, 3, 8)
    ln = L.LayerNormalization(epsilon=1e-6)
    y = ln(x).numpy()
    np.testing.assert_allclose(y.mean(-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(-1), 1.0, rtol=1e-3)
    assert [w.name for w in ln.weights] == ["gamma", "beta"]
    assert ln.epsilon == 1e-6 and L.LayerNormalization().epsilon == 1e-3
    y = L.LayerNormalization(axis=[1, 2], epsilon=1e-6)(x).numpy()
    np.testing.assert_allclose(y.reshape(4, -1).mean(-1), 0.0, atol=1e-5)


def test_group_normalization_with_one_group_is_layer_normalization_over_all_but_batch():
    x = batch(3, 4, 6)
    group = L.GroupNormalization(groups=1)(x).numpy()
    layer = L.LayerNormalization(axis=[1, 2])(x).numpy()
    np.testing.assert_allclose(group, layer, rtol=1e-4, atol=1e-5)


def test_group_normalization_groups_must_divide_channels():
    with pytest.raises(ValueError, match="GroupNormalization 'gn'.*multiple of the number of groups"):
        L.GroupNormalization(groups=4, name="gn")(batch(2, 3, 6))
    with pytest.raises(ValueError, match="groups"):
        L.GroupNormalization(groups=0)


def test_unit_and_rms_normalization():
    x = batch(5, 7)
    np.testing.assert_allclose(np.linalg.norm(L.UnitNormalization()(x).numpy(), axis=-1), 1.0, rtol=1e-5)
    rms = L.RMSNormalization()(x).numpy()
    np.testing.assert_allclose(np.sqrt((rms ** 2).mean(-1)), 1.0, rtol=1e-4)


def test_normalized_axis_size_is_checked_on_later_calls():
    bn = L.BatchNormalization(name="bn")
    bn(batch(4, 3))
    with pytest.raises(ValueError, match=r"BatchNormalization 'bn' expected input with last dimension 3, got shape "
                                         r"\(4, 5\)"):
        bn(batch(4, 5))
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        L.BatchNormalization(axis=3)(batch(4, 3))


@pytest.mark.parametrize("layer", [
    L.BatchNormalization(axis=1, momentum=0.9, center=False, gamma_regularizer="l2"),
    L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 2.0}),
    L.LayerNormalization(axis=[1, 2], epsilon=1e-5, scale=False),
    L.GroupNormalization(groups=2, axis=1),
    L.UnitNormalization(axis=[1, 2]),
    L.RMSNormalization(epsilon=1e-4),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


@pytest.mark.parametrize("masked", ["masking", "embedding"])
def test_building_a_model_leaves_batch_normalization_statistics_alone(masked):
    # Building a Functional model runs mask-aware layers on stand-in values; those runs leave no trace.
    if masked == "masking":
        inputs = keras.Input((4, 3))
        x = keras.layers.Masking()(inputs)
    else:
        inputs = keras.Input((5,), dtype="int32")
        x = keras.layers.Embedding(10, 3, mask_zero=True)(inputs)
    bn = keras.layers.BatchNormalization()
    keras.Model(inputs, bn(x, training=True))
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0.0)
    np.testing.assert_array_equal(bn.moving_variance.numpy(), 1.0)


def test_normalization_exposes_mean_and_variance_in_broadcast_shape():
    layer = keras.layers.Normalization()
    assert layer.mean is None and layer.variance is None
    layer.adapt(np.array([[1.0, 2.0], [3.0, 6.0]], "float32"))
    np.testing.assert_allclose(layer.mean, [[2.0, 4.0]])
    np.testing.assert_allclose(layer.variance, [[1.0, 4.0]])
    fixed = keras.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    fixed.build((None, 2))
    np.testing.assert_allclose(fixed.variance, [[4.0, 9.0]])

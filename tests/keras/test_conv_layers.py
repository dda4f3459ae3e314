"""Convolution and pooling layers: shapes, weights, data formats, arguments, errors and training.

Values against Keras are in test_layers_advanced_golden.py; these tests check what a user relies on
beyond single outputs.
"""
import os
import sys

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from gradcheck import numeric_gradient  # noqa: E402

L = keras.layers
RNG = np.random.default_rng(0)


def images(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("layer, input_shape, output_shape, weight_shapes", [
    (lambda: L.Conv2D(8, 3), (2, 9, 9, 3), (2, 7, 7, 8), [(3, 3, 3, 8), (8,)]),
    (lambda: L.Conv2D(8, (3, 5), strides=2, padding="same"), (2, 9, 9, 3), (2, 5, 5, 8), [(3, 5, 3, 8), (8,)]),
    (lambda: L.Conv2D(6, 3, groups=3, use_bias=False), (2, 9, 9, 3), (2, 7, 7, 6), [(3, 3, 1, 6)]),
    (lambda: L.Conv2D(4, 2, data_format="channels_first"), (2, 3, 9, 9), (2, 4, 8, 8), [(2, 2, 3, 4), (4,)]),
    (lambda: L.Conv1D(5, 4, padding="causal", dilation_rate=3), (2, 10, 3), (2, 10, 5), [(4, 3, 5), (5,)]),
    (lambda: L.Conv1D(5, 3, strides=2), (2, 10, 3), (2, 4, 5), [(3, 3, 5), (5,)]),
    (lambda: L.Conv2DTranspose(4, 3, strides=2), (2, 5, 5, 3), (2, 11, 11, 4), [(3, 3, 4, 3), (4,)]),
    (lambda: L.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1), (2, 5, 5, 3), (2, 10, 10, 4),
     [(3, 3, 4, 3), (4,)]),
    (lambda: L.Conv1DTranspose(2, 3, strides=3), (2, 4, 3), (2, 12, 2), [(3, 2, 3), (2,)]),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=2), (2, 9, 9, 3), (2, 7, 7, 6), [(3, 3, 3, 2), (6,)]),
    (lambda: L.DepthwiseConv1D(3, padding="same"), (2, 9, 3), (2, 9, 3), [(3, 3, 1), (3,)]),
    (lambda: L.SeparableConv2D(5, 3, depth_multiplier=2), (2, 9, 9, 3), (2, 7, 7, 5),
     [(3, 3, 3, 2), (1, 1, 6, 5), (5,)]),
    (lambda: L.SeparableConv1D(5, 3, padding="same"), (2, 9, 3), (2, 9, 5), [(3, 3, 1), (1, 3, 5), (5,)]),
    (lambda: L.MaxPooling2D(), (2, 9, 9, 3), (2, 4, 4, 3), []),
    (lambda: L.AveragePooling2D(3, strides=2, padding="same"), (2, 9, 9, 3), (2, 5, 5, 3), []),
    (lambda: L.MaxPooling1D(3, padding="same"), (2, 10, 3), (2, 4, 3), []),
    (lambda: L.AveragePooling1D(2, strides=1), (2, 10, 3), (2, 9, 3), []),
    (lambda: L.GlobalAveragePooling2D(), (2, 9, 9, 3), (2, 3), []),
    (lambda: L.GlobalMaxPooling2D(keepdims=True), (2, 9, 9, 3), (2, 1, 1, 3), []),
    (lambda: L.GlobalAveragePooling1D(data_format="channels_first"), (2, 3, 10), (2, 3), []),
    (lambda: L.GlobalMaxPooling1D(keepdims=True), (2, 10, 3), (2, 1, 3), []),
    (lambda: L.Conv3D(4, 3), (2, 5, 6, 7, 3), (2, 3, 4, 5, 4), [(3, 3, 3, 3, 4), (4,)]),
    (lambda: L.Conv3D(4, (3, 1, 2), strides=(2, 1, 3), padding="same"), (2, 5, 6, 7, 3), (2, 3, 6, 3, 4),
     [(3, 1, 2, 3, 4), (4,)]),
    (lambda: L.Conv3D(6, 2, dilation_rate=(1, 2, 3), groups=3, use_bias=False), (2, 5, 6, 7, 3), (2, 4, 4, 4, 6),
     [(2, 2, 2, 1, 6)]),
    (lambda: L.Convolution3D(2, 2, data_format="channels_first"), (2, 3, 5, 6, 7), (2, 2, 4, 5, 6),
     [(2, 2, 2, 3, 2), (2,)]),
    (lambda: L.MaxPooling3D(), (2, 5, 6, 7, 3), (2, 2, 3, 3, 3), []),
    (lambda: L.MaxPool3D((1, 3, 2), strides=(1, 2, 2), padding="same"), (2, 5, 6, 7, 3), (2, 5, 3, 4, 3), []),
    (lambda: L.AveragePooling3D(3, strides=2, padding="same"), (2, 5, 6, 7, 3), (2, 3, 3, 4, 3), []),
    (lambda: L.AvgPool3D(2, data_format="channels_first"), (2, 3, 5, 6, 7), (2, 3, 2, 3, 3), []),
    (lambda: L.GlobalAveragePooling3D(), (2, 5, 6, 7, 3), (2, 3), []),
    (lambda: L.GlobalAvgPool3D(data_format="channels_first", keepdims=True), (2, 3, 5, 6, 7), (2, 3, 1, 1, 1), []),
    (lambda: L.GlobalMaxPooling3D(keepdims=True), (2, 5, 6, 7, 3), (2, 1, 1, 1, 3), []),
    (lambda: L.GlobalMaxPool3D(data_format="channels_first"), (2, 3, 5, 6, 7), (2, 3), []),
])
def test_output_and_weight_shapes(layer, input_shape, output_shape, weight_shapes):
    layer = layer()
    y = layer(images(*input_shape))
    assert tuple(y.shape) == output_shape
    assert [tuple(w.shape) for w in layer.get_weights()] == weight_shapes
    # The symbolic shape (None batch) agrees with the computed one.
    assert tuple(layer.compute_output_shape((None,) + input_shape[1:])) == (None,) + output_shape[1:]


def test_kernel_and_bias_names_follow_keras():
    conv = L.Conv2D(4, 3)
    sep = L.SeparableConv2D(4, 3)
    depth = L.DepthwiseConv2D(3)
    for layer in (conv, sep, depth):
        layer(images(1, 5, 5, 2))
    assert [w.name for w in conv.weights] == ["kernel", "bias"]
    assert [w.name for w in sep.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert [w.name for w in depth.weights] == ["kernel", "bias"]


@pytest.mark.parametrize("make, shape", [
    (lambda **kw: L.Conv2D(4, 3, strides=2, padding="same", **kw), (2, 3, 8, 7)),
    (lambda **kw: L.Conv3D(4, (2, 3, 2), strides=(1, 2, 2), padding="same", activation="relu", **kw), (2, 3, 4, 6, 5)),
    (lambda **kw: L.MaxPooling3D((2, 1, 2), padding="same", **kw), (2, 3, 5, 4, 3)),
    (lambda **kw: L.AveragePooling3D(2, strides=1, **kw), (2, 3, 5, 4, 3)),
])
def test_channels_first_is_channels_last_transposed(make, shape):
    x = images(*shape)
    last, first = make(), make(data_format="channels_first")
    last(np.moveaxis(x, 1, -1))
    first(x)
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(x).numpy(), np.moveaxis(last(np.moveaxis(x, 1, -1)).numpy(), -1, 1),
                               rtol=1e-5, atol=1e-6)


def test_grouped_convolution_is_separate_convolutions_concatenated():
    x = images(2, 7, 7, 4)
    grouped = L.Conv2D(6, 3, groups=2)
    y = grouped(x).numpy()
    kernel, bias = grouped.get_weights()
    for g in range(2):
        part = L.Conv2D(3, 3)
        part(x[..., 2 * g:2 * g + 2])
        part.set_weights([kernel[..., 3 * g:3 * g + 3], bias[3 * g:3 * g + 3]])
        np.testing.assert_allclose(y[..., 3 * g:3 * g + 3], part(x[..., 2 * g:2 * g + 2]).numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_causal_conv1d_never_looks_ahead():
    conv = L.Conv1D(3, 3, padding="causal", dilation_rate=2)
    x = images(1, 12, 2)
    y = conv(x).numpy()
    changed = x.copy()
    changed[:, 7:] += 5.0
    y2 = conv(changed).numpy()
    np.testing.assert_array_equal(y[:, :7], y2[:, :7])
    assert not np.allclose(y[:, 7:], y2[:, 7:])


def test_average_pooling_same_padding_averages_only_in_bounds_values():
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    y = L.AveragePooling2D(2, strides=2, padding="same")(x).numpy()[0, :, :, 0]
    # Windows: [[1,2],[4,5]], [[3],[6]], [[7,8]], [[9]].
    np.testing.assert_allclose(y, [[3.0, 4.5], [7.5, 9.0]])


def test_global_average_pooling_1d_skips_masked_steps():
    tokens = np.array([[3, 4, 0, 0], [5, 0, 0, 0]])
    embed = L.Embedding(10, 2, mask_zero=True)
    pooled = L.GlobalAveragePooling1D()(embed(tokens)).numpy()
    table = embed.get_weights()[0]
    np.testing.assert_allclose(pooled, [table[[3, 4]].mean(0), table[5]], rtol=1e-6)


@pytest.mark.parametrize("layer, shape", [
    (lambda: L.Conv2D(2, 2, groups=2), (2, 5, 5, 4)),
    (lambda: L.Conv1D(2, 3, padding="causal", dilation_rate=2), (2, 7, 3)),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same"), (1, 3, 3, 2)),
    (lambda: L.SeparableConv2D(2, 2, depth_multiplier=2), (1, 4, 4, 2)),
    (lambda: L.AveragePooling2D(2, strides=1, padding="same"), (1, 3, 3, 2)),
    (lambda: L.Conv3D(2, 2, strides=(1, 2, 1), padding="same", activation="tanh"), (1, 3, 3, 3, 2)),
    (lambda: L.Conv3D(2, 2, groups=2, data_format="channels_first"), (1, 2, 3, 2, 3)),
    (lambda: L.MaxPooling3D(2, strides=1, padding="same"), (1, 2, 3, 3, 2)),
    (lambda: L.AveragePooling3D((1, 2, 2), padding="same"), (1, 2, 3, 3, 2)),
])
def test_gradients_match_finite_differences(layer, shape):
    check_layer_gradients(layer(), RNG.standard_normal(shape))


def check_layer_gradients(layer, x):
    """The tape's gradients of sum(layer(x) * u) with respect to x and every weight, in float64, against
    central differences."""
    layer.dtype_policy = "float64"
    layer(x)
    weights = layer.trainable_weights
    u = RNG.standard_normal(tuple(layer(x).shape))

    def loss(arrays):
        for w, value in zip(weights, arrays[1:]):
            w.assign(value)
        return float(np.sum(layer(arrays[0]).numpy() * u))

    arrays = [x] + [w.numpy().copy() for w in weights]
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        total = tf.reduce_sum(layer(xt) * u)
    grads = tape.gradient(total, [xt] + weights)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g.numpy(), numeric_gradient(loss, arrays, i), rtol=1e-5, atol=1e-6)


def test_cnn_trains_with_fit():
    keras.utils.set_random_seed(1)
    x = images(64, 8, 8, 1)
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    model = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(8, 3, activation="relu", padding="same"),
                              L.MaxPooling2D(), L.Conv2D(8, 3, activation="relu"), L.GlobalAveragePooling2D(),
                              L.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert model.output_shape == (None, 2)


def test_volume_cnn_trains_with_fit():
    keras.utils.set_random_seed(2)
    x = images(48, 4, 6, 6, 1)
    y = (x[:, :2].mean(axis=(1, 2, 3, 4)) > x[:, 2:].mean(axis=(1, 2, 3, 4))).astype(np.int64)
    model = keras.Sequential([keras.Input((4, 6, 6, 1)), L.Conv3D(6, 3, activation="relu", padding="same"),
                              L.MaxPooling3D((1, 2, 2)), L.Conv3D(6, 2, activation="relu"),
                              L.AveragePooling3D(1), L.GlobalAveragePooling3D(), L.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    assert model.output_shape == (None, 2)


@pytest.mark.parametrize("make, message", [
    (lambda: L.Conv2D(0, 3), "filters"),
    (lambda: L.Conv2D(6, 3, groups=4), "divisible by the number of groups"),
    (lambda: L.Conv2D(4, (3, 0)), "kernel_size"),
    (lambda: L.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: L.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: L.Conv2D(4, 3, data_format="NHWC"), "data_format"),
    (lambda: L.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: L.MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
    (lambda: L.Conv3D(4, (3, 3)), "kernel_size"),
    (lambda: L.Conv3D(4, 3, strides=(1, 2, 1), dilation_rate=(2, 1, 1)), "dilation_rate"),
    (lambda: L.Conv3D(4, 3, padding="causal"), "padding"),
    (lambda: L.MaxPooling3D(pool_size=(2, 2)), "pool_size"),
    (lambda: L.AveragePooling3D(2, strides=(1, 0, 1)), "strides"),
    (lambda: L.GlobalMaxPooling3D(data_format="NDHWC"), "data_format"),
])
def test_invalid_arguments_are_rejected_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_rank_names_the_layer_and_both_shapes():
    conv = L.Conv2D(4, 3, name="features")
    with pytest.raises(ValueError, match=r"Conv2D 'features' expected input of rank 4.*\(2, 9, 3\)"):
        conv(images(2, 9, 3))
    assert not conv.built


def test_wrong_channel_count_names_the_layer_and_both_shapes():
    conv = L.Conv2D(4, 3, name="features")
    conv(images(2, 9, 9, 3))
    with pytest.raises(ValueError, match=r"Conv2D 'features' expected input with last dimension 3, got shape "
                                         r"\(2, 9, 9, 5\)"):
        conv(images(2, 9, 9, 5))
    pool = L.MaxPooling1D(name="pool")
    with pytest.raises(ValueError, match=r"MaxPooling1D 'pool' expected input of rank 3.*\(2, 9, 9, 5\)"):
        pool(images(2, 9, 9, 5))
    volume = L.Conv3D(4, 2, name="volume")
    with pytest.raises(ValueError, match=r"Conv3D 'volume' expected input of rank 5.*\(2, 9, 9, 5\)"):
        volume(images(2, 9, 9, 5))
    volume(images(2, 4, 4, 4, 3))
    with pytest.raises(ValueError, match=r"Conv3D 'volume' expected input with last dimension 3"):
        volume(images(2, 4, 4, 4, 2))


def test_window_larger_than_input_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Conv2D 'tiny'.*zero or negative.*\(1, 2, 2, 1\)"):
        L.Conv2D(2, 3, name="tiny")(images(1, 2, 2, 1))
    with pytest.raises(ValueError, match=r"MaxPooling2D 'p'.*zero or negative"):
        L.MaxPooling2D(3, name="p")(images(1, 2, 2, 1))
    with pytest.raises(ValueError, match=r"Conv3D 'deep'.*zero or negative.*\(1, 2, 5, 5, 1\)"):
        L.Conv3D(2, 3, name="deep")(images(1, 2, 5, 5, 1))
    with pytest.raises(ValueError, match=r"AveragePooling3D 'q'.*zero or negative"):
        L.AveragePooling3D((1, 3, 1), name="q")(images(1, 4, 2, 4, 1))


@pytest.mark.parametrize("layer", [
    L.Conv2D(4, (3, 2), strides=(1, 2), padding="same", groups=2, activation="relu", kernel_regularizer="l2"),
    L.Conv1D(3, 2, padding="causal", dilation_rate=2, data_format="channels_first"),
    L.Conv2DTranspose(3, 3, strides=2, output_padding=1),
    L.SeparableConv2D(3, 3, depth_multiplier=2, pointwise_initializer="he_normal"),
    L.DepthwiseConv2D(3, depth_multiplier=3),
    L.AveragePooling2D(3, strides=1, padding="same", data_format="channels_first"),
    L.GlobalMaxPooling1D(keepdims=True),
    L.Conv3D(4, (3, 2, 1), strides=(1, 2, 1), padding="same", groups=2, activation="relu", kernel_regularizer="l2"),
    L.MaxPooling3D((1, 2, 2), strides=1, data_format="channels_first"),
    L.AveragePooling3D(2, padding="same"),
    L.GlobalAveragePooling3D(keepdims=True),
    L.GlobalMaxPooling3D(data_format="channels_first"),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    serialized = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(serialized) is type(layer)

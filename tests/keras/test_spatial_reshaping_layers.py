"""ZeroPadding, Cropping and UpSampling for sequences (1-D) and volumes (3-D), and SpatialDropout3D: shapes,
values, data formats, configs, errors and training behaviour.

Values against Keras are in test_layers_golden.py (fixtures from golden/make_layers.py).
"""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

L = keras.layers
RNG = np.random.default_rng(0)


def values(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("layer, input_shape, output_shape", [
    (lambda: L.ZeroPadding1D(), (2, 5, 3), (2, 7, 3)),
    (lambda: L.ZeroPadding1D((0, 3)), (2, 5, 3), (2, 8, 3)),
    (lambda: L.ZeroPadding1D(2, data_format="channels_first"), (2, 3, 5), (2, 3, 9)),
    (lambda: L.Cropping1D(), (2, 5, 3), (2, 3, 3)),
    (lambda: L.Cropping1D((0, 4)), (2, 5, 3), (2, 1, 3)),
    (lambda: L.UpSampling1D(), (2, 5, 3), (2, 10, 3)),
    (lambda: L.UpSampling1D(3), (2, 5, 3), (2, 15, 3)),
    (lambda: L.ZeroPadding3D(), (2, 3, 4, 5, 2), (2, 5, 6, 7, 2)),
    (lambda: L.ZeroPadding3D((1, (0, 2), 3)), (2, 3, 4, 5, 2), (2, 5, 6, 11, 2)),
    (lambda: L.ZeroPadding3D(1, data_format="channels_first"), (2, 2, 3, 4, 5), (2, 2, 5, 6, 7)),
    (lambda: L.Cropping3D(), (2, 3, 4, 5, 2), (2, 1, 2, 3, 2)),
    (lambda: L.Cropping3D(((0, 1), 1, (2, 0))), (2, 3, 4, 5, 2), (2, 2, 2, 3, 2)),
    (lambda: L.Cropping3D((1, 0, 2), data_format="channels_first"), (2, 2, 3, 4, 5), (2, 2, 1, 4, 1)),
    (lambda: L.UpSampling3D(), (2, 3, 4, 5, 2), (2, 6, 8, 10, 2)),
    (lambda: L.UpSampling3D((1, 2, 3), data_format="channels_first"), (2, 2, 3, 4, 5), (2, 2, 3, 8, 15)),
    (lambda: L.SpatialDropout3D(0.5), (2, 3, 4, 5, 2), (2, 3, 4, 5, 2)),
])
def test_output_shapes_computed_and_symbolic(layer, input_shape, output_shape):
    layer = layer()
    assert tuple(layer(values(*input_shape)).shape) == output_shape
    assert layer.get_weights() == []
    assert tuple(layer.compute_output_shape((None,) + input_shape[1:])) == (None,) + output_shape[1:]
    symbolic = layer(keras.Input(input_shape[1:]))
    assert tuple(symbolic.shape) == (None,) + output_shape[1:]


def test_values_are_moved_where_keras_puts_them():
    x = values(2, 3, 4, 5, 2)
    padded = L.ZeroPadding3D(((1, 0), (0, 2), (3, 1)))(x).numpy()
    np.testing.assert_array_equal(padded[:, 1:, :4, 3:8], x)
    assert np.count_nonzero(padded) == np.count_nonzero(x)
    np.testing.assert_array_equal(L.Cropping3D(((1, 0), (0, 2), (1, 1)))(x).numpy(), x[:, 1:, :2, 1:4])
    up = L.UpSampling3D((2, 1, 3))(x).numpy()
    np.testing.assert_array_equal(up, x.repeat(2, axis=1).repeat(3, axis=3))
    steps = values(2, 5, 3)
    np.testing.assert_array_equal(L.Cropping1D((2, 1))(steps).numpy(), steps[:, 2:4])
    np.testing.assert_array_equal(L.UpSampling1D(2)(steps).numpy(), steps.repeat(2, axis=1))
    first = L.ZeroPadding1D((1, 2), data_format="channels_first")(steps).numpy()
    np.testing.assert_array_equal(first[:, :, 1:4], steps)
    assert first.shape == (2, 5, 6)


def test_gradients_flow_back_through_reshaping():
    x = tf.constant(values(1, 2, 3, 2, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = L.Cropping3D(((0, 1), (1, 0), 0))(L.UpSampling3D(2)(L.ZeroPadding3D(1)(x)))
        total = tf.reduce_sum(y)
    g = tape.gradient(total, x).numpy()
    # Every input value is repeated 8 times; cropping removes copies of edge values only.
    assert g.shape == x.shape
    assert g.max() == 8.0 and g.min() > 0


@pytest.mark.parametrize("layer", [
    L.ZeroPadding1D((1, 3), data_format="channels_first"),
    L.ZeroPadding3D((1, (2, 0), 3)),
    L.Cropping1D(2),
    L.Cropping3D(((1, 0), (0, 2), (1, 1)), data_format="channels_first"),
    L.UpSampling1D(4),
    L.UpSampling3D((1, 2, 3)),
    L.SpatialDropout3D(0.25, data_format="channels_first", seed=3),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    serialized = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(serialized) is type(layer)
    assert serialized.get_config() == config


def test_configs_have_keras_keys():
    base = {"name", "trainable", "dtype"}
    assert set(L.Cropping1D().get_config()) == base | {"cropping"}
    assert set(L.UpSampling1D().get_config()) == base | {"size"}
    assert set(L.ZeroPadding1D().get_config()) == base | {"padding", "data_format"}
    assert set(L.ZeroPadding3D().get_config()) == base | {"padding", "data_format"}
    assert set(L.UpSampling3D().get_config()) == base | {"size", "data_format"}
    assert set(L.SpatialDropout3D(0.1).get_config()) == {"name", "dtype", "rate", "seed", "data_format"}
    assert L.ZeroPadding3D(2).padding == ((2, 2), (2, 2), (2, 2))
    assert L.Cropping3D().cropping == ((1, 1), (1, 1), (1, 1))
    assert L.ZeroPadding1D(3).padding == (3, 3)


@pytest.mark.parametrize("make, error, message", [
    (lambda: L.ZeroPadding1D((1, 2, 3)), ValueError, r"ZeroPadding1D: .*padding"),
    (lambda: L.ZeroPadding1D(-1), ValueError, r"ZeroPadding1D: .*padding"),
    (lambda: L.ZeroPadding3D((1, 2)), ValueError, r"ZeroPadding3D: `padding` should be .*3"),
    (lambda: L.ZeroPadding3D((1, (1, 2, 3), 1)), ValueError, r"ZeroPadding3D: .*2nd entry of padding"),
    (lambda: L.ZeroPadding3D(1, data_format="NDHWC"), ValueError, "data_format"),
    (lambda: L.Cropping1D("1"), ValueError, r"Cropping1D: .*cropping"),
    (lambda: L.Cropping3D(-1), ValueError, r"Cropping3D: .*cropping"),
    (lambda: L.Cropping3D(((1, 1), (1, 1))), ValueError, r"Cropping3D: `cropping` should be .*3"),
    (lambda: L.UpSampling1D(2.0), TypeError, r"UpSampling1D: .*integer"),
    (lambda: L.UpSampling1D(0), ValueError, r"UpSampling1D: .*positive"),
    (lambda: L.UpSampling3D((2, 2)), ValueError, r"UpSampling3D: .*size"),
    (lambda: L.SpatialDropout3D(1.5), ValueError, "rate"),
    (lambda: L.SpatialDropout3D(0.5, data_format="NDHWC"), ValueError, "data_format"),
])
def test_invalid_arguments_are_rejected_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_input_errors_name_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r"Cropping1D 'trim'.*\(2, 3, 4\)"):
        L.Cropping1D((2, 1), name="trim")(values(2, 3, 4))
    with pytest.raises(ValueError, match=r"Cropping3D 'crop'.*\(None, 3, 2, 5, 1\)"):
        L.Cropping3D(1, name="crop")(keras.Input((3, 2, 5, 1)))
    with pytest.raises(ValueError, match=r"UpSampling3D 'up' expected input of rank 5.*\(2, 3, 4\)"):
        L.UpSampling3D(name="up")(values(2, 3, 4))
    with pytest.raises(ValueError, match=r"ZeroPadding1D 'pad' expected input of rank 3"):
        L.ZeroPadding1D(name="pad")(values(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"SpatialDropout3D 'drop' expected input of rank 5"):
        L.SpatialDropout3D(0.5, name="drop")(values(2, 3, 4, 5), training=True)


@pytest.mark.parametrize("data_format, channel_axis", [("channels_last", -1), ("channels_first", 1)])
def test_spatial_dropout3d_drops_whole_feature_volumes_in_training(data_format, channel_axis):
    shape = (8, 64, 2, 3, 2) if data_format == "channels_first" else (8, 2, 3, 2, 64)
    x = np.ones(shape, np.float32)
    layer = L.SpatialDropout3D(0.4, data_format=data_format, seed=5)
    np.testing.assert_array_equal(layer(x).numpy(), x)  # inference: the identity
    y = np.moveaxis(layer(x, training=True).numpy(), channel_axis, -1).reshape(8, 12, 64)
    dropped = (y == 0).all(axis=1)
    assert (dropped | np.isclose(y, 1 / 0.6).all(axis=1)).all()  # kept volumes are scaled by 1/(1-rate)
    assert 0.3 < dropped.mean() < 0.5  # 512 volumes, each dropped with probability 0.4
    # The mean activation is kept in expectation.
    assert abs(y.mean() - 1.0) < 0.12


def test_spatial_dropout3d_is_repeatable_under_a_seed():
    x = np.ones((4, 2, 2, 2, 16), np.float32)
    keras.utils.set_random_seed(7)
    a = L.SpatialDropout3D(0.5)(x, training=True).numpy()
    keras.utils.set_random_seed(7)
    b = L.SpatialDropout3D(0.5)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    model = keras.Sequential([keras.Input((2, 2, 2, 16)), L.SpatialDropout3D(0.5)])
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()

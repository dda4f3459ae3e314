"""Core layers, initializers, regularizers, constraints and activations: behaviour beyond the golden values."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras import activations, constraints, initializers, layers, regularizers

X = np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32)


# ------------------------------------------------------------------------------------------ random layers
def test_dropout_is_identity_in_inference_and_scales_kept_units_in_training():
    dropout = layers.Dropout(0.25)
    assert dropout(X) is not None and np.array_equal(dropout(X).numpy(), X)
    y = dropout(X, training=True).numpy()
    kept = y != 0
    assert 0.65 < kept.mean() < 0.85
    np.testing.assert_allclose(y[kept], X[kept] / 0.75, rtol=1e-6)


def test_dropout_is_repeatable_under_set_random_seed_and_with_its_own_seed():
    def run():
        keras.utils.set_random_seed(3)
        layer = layers.Dropout(0.5)
        return [layer(X, training=True).numpy() for _ in range(2)]

    first, second = run(), run()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])
    # A seeded layer draws from its own stream: other random work in between does not change its masks.
    keras.utils.set_random_seed(3)
    a = layers.Dropout(0.5, seed=11)(X, training=True).numpy()
    keras.utils.set_random_seed(3)
    tf.random.normal((100,))
    layers.Dense(3).build((None, 4))
    b = layers.Dropout(0.5, seed=11)(X, training=True).numpy()
    np.testing.assert_array_equal(a, b)


def test_dropout_noise_shape_and_spatial_dropout_drop_whole_channels():
    y = layers.Dropout(0.5, noise_shape=(None, 1))(X, training=True).numpy()
    rows_zero = (y == 0).all(axis=1)
    assert ((y != 0).all(axis=1) | rows_zero).all()
    images = np.ones((4, 5, 5, 8), np.float32)
    maps = layers.SpatialDropout2D(0.5)(images, training=True).numpy()
    per_channel = maps.reshape(4, 25, 8)
    assert ((per_channel == 0).all(axis=1) | (per_channel != 0).all(axis=1)).all()
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_gaussian_layers_only_add_noise_in_training():
    noise = layers.GaussianNoise(0.5, seed=1)
    np.testing.assert_array_equal(noise(X).numpy(), X)
    diff = noise(X, training=True).numpy() - X
    assert 0.4 < diff.std() < 0.6
    gd = layers.GaussianDropout(0.5, seed=1)
    ratio = gd(np.ones((200, 50), np.float32), training=True).numpy()
    assert abs(ratio.mean() - 1.0) < 0.05 and 0.9 < ratio.std() < 1.1


def test_model_training_flag_switches_dropout():
    model = keras.Sequential([keras.Input((32,)), layers.Dropout(0.5)])
    np.testing.assert_array_equal(model(X).numpy(), X)
    assert (model(X, training=True).numpy() == 0).any()


# ------------------------------------------------------------------------------------ other core layers
def test_lambda_infers_shapes_passes_arguments_and_round_trips():
    square = layers.Lambda(lambda x, power: x ** power, arguments={"power": 2})
    np.testing.assert_allclose(square(X).numpy(), X ** 2, rtol=1e-6)
    assert square(keras.Input((3, 4))).shape == (None, 3, 4)
    halves = layers.Lambda(lambda x: x[:, :2])
    assert halves(keras.Input((5,))).shape == (None, 2)
    fixed = layers.Lambda(lambda x: tf.reduce_sum(x, axis=1, keepdims=True), output_shape=(1,))
    assert fixed.compute_output_shape((None, 6)) == (None, 1)
    with pytest.raises(ValueError, match="can run arbitrary code"):
        layers.Lambda.from_config(square.get_config())
    clone = layers.Lambda.from_config(square.get_config(), safe_mode=False)
    np.testing.assert_allclose(clone(X).numpy(), X ** 2, rtol=1e-6)
    named = layers.Lambda(activations.relu)
    assert layers.Lambda.from_config(named.get_config()).function is activations.relu


def test_merge_layers_check_their_inputs():
    with pytest.raises(ValueError, match="Subtract 'subtract.*' must be called on exactly 2 inputs"):
        layers.Subtract()([X, X, X])
    with pytest.raises(ValueError, match=r"incompatible shapes \[\(None, 3\), \(None, 4\)\]"):
        layers.Add()([keras.Input((3,)), keras.Input((4,))])
    with pytest.raises(ValueError, match="Concatenate .* matching shapes"):
        layers.Concatenate(axis=1)([keras.Input((3, 2)), keras.Input((4, 5))])
    assert layers.add([keras.Input((3,)), keras.Input((3,))]).shape == (None, 3)
    assert layers.concatenate([keras.Input((3,)), keras.Input((2,))]).shape == (None, 5)
    np.testing.assert_allclose(layers.Add()([X, X[:, :1]]).numpy(), X + X[:, :1], rtol=1e-6)


def test_concatenate_combines_masks():
    a = layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0, 2]]))
    b = layers.Embedding(5, 2, mask_zero=True)(np.array([[0, 0, 3]]))
    joined = layers.Concatenate(axis=1)([a, b])
    np.testing.assert_array_equal(joined._keras_mask.numpy(), [[True, False, True, False, False, True]])


def test_softmax_layer_respects_mask_and_masking_layer_marks_padding():
    logits = np.zeros((1, 4), np.float32)
    probs = layers.Softmax()(logits, mask=np.array([[True, True, False, False]])).numpy()
    np.testing.assert_allclose(probs, [[0.5, 0.5, 0.0, 0.0]])
    seq = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], np.float32)
    masked = layers.Masking()(seq)
    np.testing.assert_array_equal(masked._keras_mask.numpy(), [[True, False, True]])


def test_normalization_adapts_on_iterables_and_rejects_bad_data():
    data = X * 3.0 + 1.0
    norm = layers.Normalization()
    norm.adapt(x for x in np.split(data, 4))
    y = norm(data).numpy()
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0), 1.0, atol=1e-4)
    restored = layers.Normalization(invert=True, mean=norm.get_weights()[0], variance=norm.get_weights()[1])
    np.testing.assert_allclose(restored(y).numpy(), data, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match=r"built for input shape \(16, 32\), but adapt\(\) got data of shape"):
        norm.adapt(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match="pass both `mean` and `variance`"):
        layers.Normalization(mean=1.0)


def test_embedding_and_reshape_errors():
    with pytest.raises(ValueError, match="`input_dim` to be a positive integer"):
        layers.Embedding(0, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices must be in"):
        layers.Embedding(4, 2)(np.array([[5]]))
    with pytest.raises(ValueError, match=r"cannot reshape input of shape \(None, 6\) .* to \(4,\)"):
        layers.Reshape((4,))(keras.Input((6,)))


def test_dense_computes_integer_features_in_its_float_dtype():
    dense = layers.Dense(2, kernel_initializer="ones")
    y = dense(np.array([[1, 2, 3]], np.int32))
    assert y.dtype == "float32"
    np.testing.assert_array_equal(y.numpy(), [[6.0, 6.0]])


def test_upsampling_nearest_repeats_pixels():
    image = np.arange(4, dtype=np.float32).reshape(1, 2, 2, 1)
    up = layers.UpSampling2D(2)(image).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(up, [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]])


# ------------------------------------------------------------------------------------------ initializers
def test_initializers_resolve_by_name_and_seeded_ones_repeat():
    assert isinstance(initializers.get("glorot_uniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("HeNormal"), initializers.HeNormal)
    with pytest.raises(ValueError, match="Unknown initializer 'glorot_unifrom'. Available: .*glorot_uniform"):
        initializers.get("glorot_unifrom")
    seeded = initializers.RandomNormal(seed=5)
    np.testing.assert_array_equal(seeded((3, 3)).numpy(), seeded((3, 3)).numpy())
    np.testing.assert_array_equal(initializers.RandomNormal(seed=5)((3, 3)).numpy(), seeded((3, 3)).numpy())
    config = initializers.serialize(initializers.GlorotUniform(seed=3))
    assert config == {"module": "keras.initializers", "class_name": "GlorotUniform",
                      "config": {"seed": 3, "input_axes": None, "output_axes": None}, "registered_name": None}
    assert initializers.deserialize(config).seed == 3


def test_initializer_distributions_have_keras_scales():
    fan_in, fan_out = 400, 200
    glorot = initializers.GlorotUniform(seed=1)((fan_in, fan_out)).numpy()
    limit = np.sqrt(6 / (fan_in + fan_out))
    assert glorot.max() <= limit and glorot.min() >= -limit and abs(glorot.std() - limit / np.sqrt(3)) < 2e-3
    he = initializers.HeNormal(seed=1)((fan_in, fan_out)).numpy()
    assert abs(he.std() - np.sqrt(2 / fan_in)) < 3e-3
    assert np.abs(he).max() <= 2 * np.sqrt(2 / fan_in) / 0.87962566103423978 + 1e-6
    q = initializers.Orthogonal(seed=2)((6, 4)).numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)).numpy(), 2 * np.eye(2, 3))
    np.testing.assert_array_equal(initializers.Constant(3.0)((2,)).numpy(), [3.0, 3.0])


def test_unseeded_initializers_follow_the_global_seed():
    keras.utils.set_random_seed(9)
    a = layers.Dense(4)
    a.build((None, 3))
    keras.utils.set_random_seed(9)
    b = layers.Dense(4)
    b.build((None, 3))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())


# ------------------------------------------------------------------------- regularizers and constraints
def test_regularizers_compute_keras_penalties():
    w = tf.constant([[1.0, -2.0], [3.0, -4.0]])
    assert float(regularizers.L1(0.1)(w)) == pytest.approx(1.0)
    assert float(regularizers.L2()(w)) == pytest.approx(0.3)
    assert float(regularizers.L1L2(l1=0.1, l2=0.01)(w)) == pytest.approx(1.3)
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="non-negative"):
        regularizers.L2(-1.0)


def test_constraints_project_weights():
    w = tf.constant([[3.0, 0.0], [4.0, -1.0]])
    np.testing.assert_allclose(constraints.MaxNorm(1.0)(w).numpy(), [[0.6, 0.0], [0.8, -1.0]], atol=1e-6)
    np.testing.assert_allclose(constraints.NonNeg()(w).numpy(), [[3.0, 0.0], [4.0, 0.0]])
    np.testing.assert_allclose(constraints.UnitNorm()(w).numpy(), [[0.6, 0.0], [0.8, -1.0]], atol=1e-6)
    np.testing.assert_allclose(constraints.get("min_max_norm")(w).numpy(), [[0.6, 0.0], [0.8, -1.0]], atol=1e-6)
    dense = layers.Dense(2, kernel_constraint="non_neg")
    dense.build((None, 2))
    assert isinstance(dense.kernel.constraint, constraints.NonNeg)


# ---------------------------------------------------------------------------------------- activations
def test_activations_resolve_by_name_and_unknown_names_list_the_choices():
    assert activations.get("relu") is activations.relu and activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu
    with pytest.raises(ValueError, match="Unknown activation 'rleu'. Available: .*'relu'"):
        activations.get("rleu")
    with pytest.raises(ValueError, match="Unknown activation 'rleu'"):
        layers.Dense(3, activation="rleu")
    assert activations.serialize(activations.gelu) == "gelu"
    assert activations.serialize(tf.nn.relu) == "relu"


def test_relu_options_and_sparsemax_projection():
    x = tf.constant([-2.0, -0.5, 0.5, 3.0])
    np.testing.assert_allclose(activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.0).numpy(),
                               [-0.2, -0.05, 0.5, 2.0])
    np.testing.assert_allclose(activations.relu(x, threshold=1.0).numpy(), [0.0, 0.0, 0.0, 3.0])
    probs = activations.sparsemax(tf.constant([[0.5, 0.3, 0.1, -2.0], [-3.0, -3.5, -8.0, -2.9]])).numpy()
    np.testing.assert_allclose(probs.sum(axis=1), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(probs[0], [0.5333333, 0.3333333, 0.1333333, 0.0], rtol=1e-5)
    np.testing.assert_allclose(probs[1], [0.45, 0.0, 0.0, 0.55], rtol=1e-5, atol=1e-7)
    with tf.GradientTape() as tape:
        z = tf.Variable([[0.5, 0.3, 0.1, -2.0]])
        loss = tf.reduce_sum(activations.sparsemax(z) * tf.constant([[1.0, 0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), [[2 / 3, -1 / 3, -1 / 3, 0.0]], rtol=1e-5)


def test_softmax_output_remembers_its_logits_for_losses():
    logits = tf.constant([[1.0, 2.0]])
    assert activations.softmax(logits)._keras_logits is logits

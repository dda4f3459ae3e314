"""EinsumDense, SpectralNormalization, GroupQueryAttention, ConvLSTM1D/2D and AlphaDropout against Keras 3.15 (fixtures from
golden/make_layers_extra.py), plus training and saving them the way users do."""
import json
import os

import numpy as np
import pytest

from gradfit import keras

HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "layers_extra")
GOLDEN = np.load(os.path.join(HERE, "layers_extra.npz"))
with open(os.path.join(HERE, "cases.json")) as f:
    CASES = json.load(f)


def numbered(key, prefix):
    out, i = [], 0
    while f"{key}/{prefix}{i}" in GOLDEN:
        out.append(GOLDEN[f"{key}/{prefix}{i}"])
        i += 1
    return out


def make(case):
    if case["class"] == "EinsumDense":
        return keras.layers.EinsumDense(**case["kwargs"])
    if case["class"].startswith("ConvLSTM"):
        return getattr(keras.layers, case["class"])(**case["kwargs"])
    if case["class"] == "SpectralNormalization":
        inner = {"Dense": lambda: keras.layers.Dense(3), "Conv2D": lambda: keras.layers.Conv2D(2, 3),
                 "Embedding": lambda: keras.layers.Embedding(7, 3)}[case["inner"]]()
        return keras.layers.SpectralNormalization(inner, power_iterations=2)
    return keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, **case["kwargs"])


@pytest.mark.parametrize("case", CASES, ids=[c["key"] for c in CASES])
def test_layer_matches_keras(case):
    key, layer = case["key"], make(case)
    inputs, weights, expected = numbered(key, "x"), numbered(key, "w"), numbered(key, "y")
    if case["class"] == "GroupQueryAttention":
        call = dict(case["call"])
        if call.get("attention_mask") == "mask":
            call["attention_mask"] = inputs[2]
        layer(inputs[0], inputs[1], **call)
        assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in weights]
        layer.set_weights(weights)
        out = layer(inputs[0], inputs[1], **call)
        outputs = list(out) if isinstance(out, tuple) else [out]
    elif case["class"] == "SpectralNormalization":
        layer(inputs[0])
        layer.set_weights(weights)
        outputs = [layer(inputs[0], training=True), layer(inputs[0], training=True), layer(inputs[0])]
        np.testing.assert_allclose(layer.get_weights()[-1], GOLDEN[f"{key}/u"], rtol=1e-5, atol=1e-6)
    else:
        layer(inputs[0])
        assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in weights]
        layer.set_weights(weights)
        out = layer(inputs[0])
        outputs = list(out) if isinstance(out, (list, tuple)) else [out]
    assert len(outputs) == len(expected)
    for ours, theirs in zip(outputs, expected):
        np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-5, atol=1e-5)


def test_einsum_dense_shapes_and_errors():
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
    assert layer.compute_output_shape((8, 3, 5)) == (8, None, 2, 4)  # as Keras: None stays None
    layer.build((8, 3, 5))
    assert [tuple(w.shape) for w in layer.weights] == [(5, 2, 4), (2, 4)]
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        keras.layers.EinsumDense("ab->b", 3).build((2, 3))
    with pytest.raises(ValueError, match="Bias dimension 'q' was requested"):
        keras.layers.EinsumDense("ab,bc->ac", 3, bias_axes="q").build((2, 4))
    with pytest.raises(ValueError, match="do not match at shared dimension 'b'"):
        keras.layers.EinsumDense("abc,cd->abd", (4, 6)).build((2, 3, 5))


def test_a_transformer_block_with_einsum_dense_and_gqa_trains_and_saves(tmp_path):
    inputs = keras.Input((6, 8))
    attended = keras.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)(
        inputs, inputs, use_causal_mask=True)
    x = keras.layers.LayerNormalization()(keras.layers.Add()([inputs, attended]))
    x = keras.layers.EinsumDense("abc,cd->abd", output_shape=(None, 16), bias_axes="d", activation="relu")(x)
    x = keras.layers.AlphaDropout(0.1)(x)
    x = keras.layers.SpectralNormalization(keras.layers.Dense(8, activation="relu"))(
        keras.layers.GlobalAveragePooling1D()(x))
    outputs = keras.layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    rng = np.random.default_rng(0)
    x_train = rng.standard_normal((32, 6, 8)).astype("float32")
    y_train = x_train.mean(axis=(1, 2))[:, None] * 4
    history = model.fit(x_train, y_train, epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = str(tmp_path / "block.keras")
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x_train, verbose=0), model.predict(x_train, verbose=0))


def test_alpha_dropout_keeps_selu_statistics():
    layer = keras.layers.AlphaDropout(0.3, seed=1)
    x = np.random.default_rng(0).standard_normal(200_000).astype("float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)  # inference: unchanged
    y = layer(x, training=True).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.std() - 1.0) < 0.01
    # Keras 3.15 gives exactly these two values for ones: kept, and dropped (SELU's saturation value).
    ones = layer(np.ones(64, "float32"), training=True).numpy()
    np.testing.assert_allclose(np.unique(np.round(ones, 5)), [-1.05955, 1.31504])


def test_conv_lstm_learns_a_moving_frame_and_saves(tmp_path):
    rng = np.random.default_rng(0)
    frames = rng.standard_normal((16, 4, 6, 6, 1)).astype("float32")
    target = frames[:, -1].mean(axis=(1, 2))  # the last frame's mean
    inputs = keras.Input((4, 6, 6, 1))
    x = keras.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True, dropout=0.1)(inputs)
    x = keras.layers.ConvLSTM2D(2, 3, recurrent_dropout=0.1)(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(x)))
    model.compile(keras.optimizers.Adam(0.01), "mse")
    history = model.fit(frames, target, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.layers[1].compute_output_shape((None, 4, 6, 6, 1)) == (None, 4, 6, 6, 4)
    path = str(tmp_path / "convlstm.keras")
    model.save(path)
    np.testing.assert_array_equal(keras.models.load_model(path).predict(frames, verbose=0),
                                  model.predict(frames, verbose=0))


def test_conv_lstm_masks_and_channels_first():
    x = np.random.default_rng(1).standard_normal((2, 3, 1, 4, 4)).astype("float32")
    first = keras.layers.ConvLSTM2D(2, 3, padding="same", data_format="channels_first", return_sequences=True)
    out = first(x)
    assert out.shape == (2, 3, 2, 4, 4)
    last = keras.layers.ConvLSTM2D(2, 3, padding="same", data_format="channels_last")
    moved = np.moveaxis(x, 2, -1)
    last(moved)
    last.set_weights(first.get_weights())
    np.testing.assert_allclose(np.moveaxis(out.numpy()[:, -1], 1, -1), last(moved).numpy(), rtol=1e-5, atol=1e-6)
    # A masked last step keeps the state of the step before it.
    mask = np.array([[True, True, False], [True, True, True]])
    masked = last(moved, mask=mask).numpy()
    np.testing.assert_allclose(masked[0], last(moved[:, :2]).numpy()[0], rtol=1e-6)


def test_reversible_embedding_projects_back_to_logits():
    layer = keras.layers.ReversibleEmbedding(7, 3, logit_soft_cap=2.0)
    ids = np.array([[1, 4, 6]])
    vectors = layer(ids)
    logits = layer(vectors, reverse=True).numpy()
    table = layer.embeddings.numpy()
    np.testing.assert_allclose(logits, 2.0 * np.tanh(vectors.numpy() @ table.T / 2.0), rtol=1e-6)
    assert logits.shape == (1, 3, 7) and layer.compute_output_shape((1, 3, 3), reverse=True) == (1, 3, 7)
    untied = keras.layers.ReversibleEmbedding(7, 3, tie_weights=False)
    untied(ids)
    assert [w.path.split("/")[-1] for w in untied.weights] == ["embeddings", "reverse_embeddings"]


def test_pipeline_chains_layers():
    pipeline = keras.layers.Pipeline([keras.layers.Rescaling(2.0), keras.layers.Dense(2, kernel_initializer="ones")])
    assert pipeline(np.ones((2, 3), "float32")).numpy().tolist() == [[6.0, 6.0], [6.0, 6.0]]
    assert list(pipeline.get_config()) == ["layers", "name"]
    again = keras.layers.Pipeline.from_config(pipeline.get_config())
    assert [type(layer).__name__ for layer in again.layers] == ["Rescaling", "Dense"]


def _adaptive_reference(x, size, reduce):
    """Adaptive pooling written out window by window (channels_last, 2-D)."""
    n, m = x.shape[1:3]
    out = np.empty((x.shape[0], size[0], size[1], x.shape[3]), x.dtype)
    for i in range(size[0]):
        for j in range(size[1]):
            rows = slice(i * n // size[0], -(-(i + 1) * n // size[0]))
            cols = slice(j * m // size[1], -(-(j + 1) * m // size[1]))
            out[:, i, j] = reduce(x[:, rows, cols], axis=(1, 2))
    return out


@pytest.mark.parametrize("layer_class, reduce", [(keras.layers.AdaptiveAveragePooling2D, np.mean),
                                                 (keras.layers.AdaptiveMaxPooling2D, np.max)])
def test_adaptive_pooling_windows(layer_class, reduce):
    x = np.random.default_rng(0).standard_normal((2, 7, 5, 3)).astype("float32")
    np.testing.assert_allclose(layer_class((3, 4))(x).numpy(), _adaptive_reference(x, (3, 4), reduce), atol=1e-6)
    first = layer_class((3, 4), data_format="channels_first")(np.moveaxis(x, -1, 1)).numpy()
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), _adaptive_reference(x, (3, 4), reduce), atol=1e-6)
    with pytest.raises(TypeError, match="must be an integer or"):
        layer_class((1, 2, 3))


def test_adaptive_pooling_trains_in_a_model():
    inputs = keras.Input((9, 9, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.AdaptiveAveragePooling2D(2)(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(x)))
    model.compile(keras.optimizers.Adam(0.01), "mse")
    rng = np.random.default_rng(0)
    images = rng.standard_normal((32, 9, 9, 1)).astype("float32")
    history = model.fit(images, images[:, :4, :4].mean(axis=(1, 2, 3)), epochs=10, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]

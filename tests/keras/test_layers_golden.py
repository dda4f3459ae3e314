"""Layers and models against real Keras: fixtures from golden/make_layers.py (weights, inputs, outputs).

Each layer is built from the same constructor arguments, given Keras's weights with set_weights, and
must produce Keras's outputs (and masks and losses) to 1e-5.
"""
import glob
import json
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "layers")
LAYER_CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "*.npz"))
                     if not os.path.basename(p).startswith("model_"))
MODEL_CASES = ["mlp", "two_heads", "nested", "cnn_like", "text"]


def load(case):
    data = np.load(os.path.join(FIXTURES, f"{case}.npz"))
    return {k: data[k] for k in data.files}


def numbered(data, prefix):
    return [data[f"{prefix}_{i}"] for i in range(len([k for k in data if k.startswith(prefix + "_")]))]


def close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-5, atol=1e-5)


def test_every_layer_family_is_recorded():
    assert len(LAYER_CASES) >= 80


@pytest.mark.parametrize("case", LAYER_CASES)
def test_layer_matches_keras(case):
    data = load(case)
    spec = json.loads(str(data["spec"]))
    layer = getattr(keras.layers, spec["class_name"])(**spec["kwargs"])
    inputs = numbered(data, "x")
    x = inputs if len(inputs) > 1 else inputs[0]
    layer(x, **spec["call_kwargs"])  # builds the weights
    weights = numbered(data, "w")
    assert [tuple(w.shape) for w in layer.get_weights()] == [w.shape for w in weights]
    layer.set_weights(weights)

    outputs = layer(x, **spec["call_kwargs"])
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for i, (ours, theirs) in enumerate(zip(outputs, numbered(data, "y"))):
        assert isinstance(ours, tf.Tensor)
        assert tuple(ours.shape) == theirs.shape
        close(ours, theirs)
        if f"mask_{i}" in data:
            np.testing.assert_array_equal(ours._keras_mask.numpy(), data[f"mask_{i}"])
    if "losses" in data:
        close([float(loss) for loss in layer.losses], data["losses"])


@pytest.mark.parametrize("case", [c for c in LAYER_CASES if c.startswith("normalization_adapt")])
def test_normalization_adapt_learns_keras_statistics(case):
    data = load(case)
    spec = json.loads(str(data["spec"]))
    layer = keras.layers.Normalization(**spec["kwargs"])
    source = data["adapt_data"]
    if data["adapt_in_batches"]:
        source = tf.data.Dataset.from_tensor_slices(source).batch(20) if hasattr(tf, "data") else [
            source[:20], source[20:45], source[45:]]
    layer.adapt(source)
    mean, variance, count = layer.get_weights()
    keras_mean, keras_variance, keras_count = numbered(data, "w")
    close(mean, keras_mean)
    close(variance, keras_variance)
    assert count.dtype == keras_count.dtype
    close(layer(data["x_0"]), data["y_0"])


def build_models(k):
    """The same builders as golden/make_layers.py."""
    k.backend.clear_session()
    L = k.layers
    mlp = k.Sequential([k.Input((8,)), L.Dense(16, activation="relu"), L.Dropout(0.3), L.Dense(4, activation="softmax")])
    a, b = k.Input((6,), name="a"), k.Input((4,), name="b")
    shared = L.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(L.Dense(5, name="proj_a")(a)), shared(L.Dense(5, name="proj_b")(b))
    two_heads = k.Model([a, b], [L.Dense(1, name="score")(L.Concatenate()([ha, hb])),
                                 L.Dense(3, activation="softmax", name="label")(L.Multiply()([ha, hb]))])
    inner = k.Sequential([L.Dense(6, activation="relu"), L.Dense(3)], name="inner")
    x = k.Input((8,))
    nested = k.Model(x, L.Dense(2)(L.Concatenate()([inner(x), L.Dense(3)(x)])))
    images = k.Input((6, 6, 2))
    y = L.ZeroPadding2D(1)(images)
    y = L.UpSampling2D(interpolation="bilinear")(y)
    y = L.Cropping2D(((1, 1), (2, 0)))(y)
    cnn_like = k.Model(images, L.Dense(3)(L.Flatten()(y)))
    tokens = k.Input((5,), dtype="int32")
    e = L.Embedding(12, 4, mask_zero=True)(tokens)
    text = k.Model(tokens, L.Dense(2)(L.Flatten()(e)))
    return {"mlp": mlp, "two_heads": two_heads, "nested": nested, "cnn_like": cnn_like, "text": text}


@pytest.fixture(scope="module")
def models():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_models(keras)


@pytest.mark.parametrize("name", MODEL_CASES)
def test_model_weights_line_up_with_keras(models, name):
    data = load(f"model_{name}")
    model = models[name]
    assert [layer.name for layer in model.layers] == list(data["layer_names"])
    assert [w.name for w in model.weights] == list(data["weight_names"])
    weights = numbered(data, "w")
    assert [tuple(w.shape) for w in model.get_weights()] == [w.shape for w in weights]
    model.set_weights(weights)
    inputs = numbered(data, "x")
    outputs = model(inputs if len(inputs) > 1 else inputs[0])
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for ours, theirs in zip(outputs, numbered(data, "y")):
        close(ours, theirs)


@pytest.mark.parametrize("name", MODEL_CASES)
def test_model_rebuilt_from_a_keras_config(name):
    """A model config written by Keras 3 (`get_config()`, through JSON) rebuilds the same model here."""
    with open(os.path.join(FIXTURES, f"model_{name}_config.json")) as f:
        config = json.load(f)
    model_class = keras.Sequential if "build_input_shape" in config else keras.Model
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = model_class.from_config(config)
        data = load(f"model_{name}")
        model.set_weights(numbered(data, "w"))
        inputs = numbered(data, "x")
        outputs = model(inputs if len(inputs) > 1 else inputs[0])
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for ours, theirs in zip(outputs, numbered(data, "y")):
        close(ours, theirs)

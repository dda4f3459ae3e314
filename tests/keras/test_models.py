"""Sequential and subclassed models: building, layers, weights, summaries and configs, as user code."""
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras import layers

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "layers")


def build_summary_models(k):
    """The same builders as golden/make_layers.py (whose Keras summaries are the fixtures)."""
    k.backend.clear_session()
    L = k.layers
    mlp = k.Sequential([k.Input((784,)), L.Dense(128, activation="relu"), L.Dropout(0.2),
                        L.Dense(10, activation="softmax")], name="mnist_mlp")
    a, b = k.Input((6,), name="features"), k.Input((4,), name="extra_information_input")
    shared = L.Dense(5, name="shared_projection_layer")
    h = L.Concatenate(name="join")([shared(L.Dense(5, name="pa")(a)), shared(L.Dense(5, name="pb")(b))])
    two_heads = k.Model([a, b], [L.Dense(1, name="score")(h), L.Normalization(name="norm")(h)], name="two_heads")
    unbuilt = k.Sequential([L.Dense(4, name="d1"), L.Dense(2, name="d2")], name="unbuilt")
    return [("mlp_88", mlp, {"line_length": 88}), ("two_heads", two_heads, {}),
            ("two_heads_trainable", two_heads, {"show_trainable": True}), ("unbuilt", unbuilt, {}),
            ("mlp_expanded", k.Sequential([mlp, L.Dense(3, name="top")], name="outer"), {"expand_nested": True})]


@pytest.mark.parametrize("index", range(5))
def test_summary_prints_what_keras_prints(monkeypatch, index):
    monkeypatch.setenv("COLUMNS", "80")
    name, model, options = build_summary_models(keras)[index]
    printed = []
    model.summary(print_fn=printed.append, **options)
    with open(os.path.join(FIXTURES, f"summary_{name}.txt"), encoding="utf-8") as f:
        assert printed == [f.read()]


def test_summary_without_print_fn_goes_to_stdout(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    keras.Sequential([keras.Input((3,)), layers.Dense(2)], name="tiny").summary()
    out = capsys.readouterr().out
    assert out.startswith('Model: "tiny"\n') and " Total params: 8 (32.00 B)\n" in out


def test_sequential_with_input_is_built_at_once():
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
    assert model.built and model.input_shape == (None, 4) and model.output_shape == (None, 2)
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.count_params() == 4 * 8 + 8 + 8 * 2 + 2
    # Built inside the model's build, so the model's name leads the paths, as in Keras 3.
    assert [w.path for w in model.weights] == ["sequential/dense/kernel", "sequential/dense/bias",
                                               "sequential/dense_1/kernel", "sequential/dense_1/bias"]
    assert model.trainable_variables == model.weights


def test_sequential_without_input_builds_on_first_call_for_that_shape():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    assert not model.built and model.weights == []
    with pytest.raises(AttributeError, match="no defined input shape yet"):
        model.input_shape
    y = model(np.ones((5, 2), np.float32))
    assert isinstance(y, tf.Tensor) and y.shape == (5, 1)
    assert model.input_shape == (5, 2) and len(model.weights) == 4
    assert model(np.ones((1, 2), np.float32)).shape == (1, 1)


def test_legacy_input_shape_argument_and_add_pop():
    model = keras.Sequential()
    model.add(layers.Dense(4, input_shape=(3,), batch_size=16))
    assert model.input_shape == (16, 3)
    model.add(layers.Dense(2))
    assert model.output_shape == (16, 2)
    top = model.pop()
    assert isinstance(top, layers.Dense) and model.output_shape == (16, 4) and len(model.layers) == 1
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(1, name=model.layers[0].name))
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")


def test_sequential_rejects_wrong_input_shapes_and_adds_a_missing_trailing_axis():
    model = keras.Sequential([keras.Input((3, 1)), layers.Flatten(), layers.Dense(2)], name="seq")
    assert model(np.ones((2, 3), np.float32)).shape == (2, 2)
    with pytest.raises(ValueError, match=r"Sequential 'seq' expected input of shape \(None, 3, 1\), got shape "
                                         r"\(2, 4, 1\)"):
        model(np.ones((2, 4, 1), np.float32))


def test_numpy_in_tensor_out_and_training_inside_a_tape():
    keras.utils.set_random_seed(0)  # unseeded, about one start in fifteen misses the halving within 100 steps
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dropout(0.5),
                              layers.Dense(1)])
    x = np.random.default_rng(1).standard_normal((16, 3)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    first = None
    for _ in range(100):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        assert all(g is not None for g in grads)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(0.05 * g)
        first = float(loss) if first is None else first
    assert float(loss) < first / 2


def test_subclassed_model_tracks_layers_and_weights():
    class Classifier(keras.Model):
        def __init__(self, classes=3, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(8, activation="relu")
            self.blocks = [layers.Dense(8), layers.Dense(8)]
            self.out = layers.Dense(classes)

        def call(self, inputs, training=False):
            x = self.hidden(inputs)
            for block in self.blocks:
                x = block(x)
            return self.out(x)

    model = Classifier(classes=2, name="clf")
    assert model.name == "clf" and not model.built
    model.build((None, 5))
    assert model.built and len(model.layers) == 4 and len(model.trainable_variables) == 8
    assert model(np.ones((3, 5), np.float32)).shape == (3, 2)
    assert model.get_layer(index=0) is model.hidden and model.get_layer(model.out.name) is model.out
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    clone = Classifier.from_config(model.get_config())
    assert clone.name == "clf" and clone.out.units == 2
    model.summary(print_fn=lambda text: None)


def test_get_and_set_weights_round_trip_between_models():
    def make():
        return keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(2)])

    a, b = make(), make()
    b.set_weights(a.get_weights())
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    with pytest.raises(ValueError, match="expecting 4 weights"):
        b.set_weights(a.get_weights()[:3])


def test_sequential_config_round_trip():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu", name="hidden"),
                              layers.Dropout(0.1), layers.Dense(2, name="head")], name="net")
    config = model.get_config()
    assert config["name"] == "net" and config["build_input_shape"] == (None, 3)
    assert [c["class_name"] for c in config["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    clone = keras.Sequential.from_config(config)
    assert clone.input_shape == (None, 3)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())
    assert keras.models.clone_model(model).count_params() == model.count_params()


def test_freezing_a_model_layer():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, name="base"), layers.Dense(2, name="head")])
    model.get_layer("base").trainable = False
    assert [v.path.split("/", 1)[1] for v in model.trainable_variables] == ["head/kernel", "head/bias"]
    assert [v.path.split("/", 1)[1] for v in model.non_trainable_variables] == ["base/kernel", "base/bias"]
    model.trainable = False
    assert model.trainable_variables == []


def test_clone_model_with_a_clone_function_rebuilds_the_graph_from_its_layers():
    inputs = keras.Input((4,))
    hidden = layers.Dense(3, name="d1")(inputs)
    model = keras.Model(inputs, layers.Dense(2, name="d2")(hidden + 1.0))

    def renamed(layer):
        config = layer.get_config()
        config["name"] = "copy_" + config["name"]
        return layer.__class__.from_config(config)

    clone = keras.models.clone_model(model, clone_function=renamed)
    assert [layer.name for layer in clone.layers if isinstance(layer, layers.Dense)] == ["copy_d1", "copy_d2"]
    assert clone.output_shape == (None, 2) and clone.inputs[0] is not model.inputs[0]
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).random((3, 4), dtype="float32")
    np.testing.assert_allclose(clone(x), model(x), rtol=1e-6)
    stack = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dropout(0.2), layers.Dense(1)])
    swapped = keras.models.clone_model(stack, clone_function=lambda layer: layers.Dropout(0.5) if isinstance(
        layer, layers.Dropout) else layer.__class__.from_config(layer.get_config()))
    assert swapped.layers[1].rate == 0.5 and swapped.input_shape == (None, 4)
    assert keras.models.clone_model(stack, clone_function=lambda layer: layer).layers[0] is stack.layers[0]
    with pytest.raises(ValueError, match="input_tensors"):
        keras.models.clone_model(stack, input_tensors=[keras.Input((4,))])

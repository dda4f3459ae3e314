"""The Functional API: graphs of layers on keras.Input, with several inputs/outputs, sharing and nesting."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras import activations, layers

RNG = np.random.default_rng(5)
XA = RNG.standard_normal((32, 6)).astype(np.float32)
XB = RNG.standard_normal((32, 4)).astype(np.float32)
Y1 = (XA.sum(axis=1, keepdims=True) - XB.sum(axis=1, keepdims=True)).astype(np.float32)
Y2 = np.tanh(XA[:, :2] + XB[:, :2]).astype(np.float32)


def two_branch_model():
    a, b = keras.Input((6,), name="a"), keras.Input((4,), name="b")
    shared = layers.Dense(8, activation="tanh", name="shared")
    ha = shared(layers.Dense(8, name="proj_a")(a))
    hb = shared(layers.Dense(8, name="proj_b")(b))
    out1 = layers.Dense(1, name="sum_head")(layers.Concatenate()([ha, hb]))
    out2 = layers.Dense(2, name="tanh_head")(layers.Add()([ha, hb]))
    return keras.Model(inputs=[a, b], outputs=[out1, out2]), shared


def test_input_is_a_symbolic_tensor():
    x = keras.Input(shape=(28, 28), batch_size=None, dtype="float32", name="image")
    assert x.shape == (None, 28, 28) and x.dtype == "float32" and x.name == "image"
    assert keras.Input((3,), batch_size=8).shape == (8, 3)
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(x)


def test_two_inputs_two_outputs_shared_layer_trains_under_a_gradient_tape():
    model, shared = two_branch_model()
    assert model.input_shape == [(None, 6), (None, 4)] and model.output_shape == [(None, 1), (None, 2)]
    assert [layer.name for layer in model.layers][:4] == ["a", "b", "proj_a", "proj_b"]
    losses = []
    for _ in range(60):
        with tf.GradientTape() as tape:
            p1, p2 = model([XA, XB], training=True)
            loss = tf.reduce_mean(tf.square(p1 - Y1)) + tf.reduce_mean(tf.square(p2 - Y2))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads):
            v.assign_sub(0.05 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0] / 3

    # The shared kernel's gradient is the sum of what each branch gives it.
    def shared_grad(use_a, use_b):
        with tf.GradientTape() as tape:
            ha = shared(model.get_layer("proj_a")(XA))
            hb = shared(model.get_layer("proj_b")(XB))
            total = use_a * tf.reduce_sum(ha) + use_b * tf.reduce_sum(hb)
        return tape.gradient(total, shared.kernel).numpy()

    from_a, from_b = shared_grad(1.0, 0.0), shared_grad(0.0, 1.0)
    assert np.abs(from_a).sum() > 0 and np.abs(from_b).sum() > 0
    np.testing.assert_allclose(shared_grad(1.0, 1.0), from_a + from_b, rtol=1e-5, atol=1e-6)


def test_dict_inputs_and_outputs():
    inputs = {"price": keras.Input((1,), name="price"), "tags": keras.Input((3,), name="tags")}
    h = layers.Concatenate()([inputs["price"], inputs["tags"]])
    model = keras.Model(inputs, {"score": layers.Dense(1)(h), "class": layers.Dense(2, activation="softmax")(h)})
    out = model({"price": np.ones((5, 1)), "tags": np.ones((5, 3))})
    assert set(out) == {"score", "class"} and out["score"].shape == (5, 1) and out["class"].shape == (5, 2)
    with pytest.raises(ValueError, match="expects inputs with keys"):
        model({"price": np.ones((5, 1))})


def test_list_model_takes_inputs_by_name_and_checks_their_number():
    model, _ = two_branch_model()
    by_name = model({"a": XA, "b": XB})
    by_position = model([XA, XB])
    np.testing.assert_allclose(by_name[0].numpy(), by_position[0].numpy())
    with pytest.raises(ValueError, match=r"expects 2 input\(s\)"):
        model([XA])
    with pytest.raises(ValueError, match=r"expected input 'b' of shape \(None, 4\), got shape \(32, 5\)"):
        model([XA, np.ones((32, 5), np.float32)])


def test_nested_models_are_layers():
    encoder = keras.Sequential([keras.Input((6,)), layers.Dense(4, activation="relu"), layers.Dense(2)],
                               name="encoder")
    x = keras.Input((6,))
    twice = keras.Model(x, layers.Add()([encoder(x), encoder(x)]))
    assert twice(XA).shape == (32, 2)
    np.testing.assert_allclose(twice(XA).numpy(), 2 * encoder(XA).numpy(), rtol=1e-6)
    assert len(twice.weights) == 4 and twice.layers[1] is encoder


def test_operators_and_activations_on_keras_tensors():
    x = keras.Input((4,))
    y = activations.relu(x * 2.0 - 1.0)[:, :3] + 1.0
    model = keras.Model(x, y)
    data = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(model(data).numpy(), np.maximum(data * 2 - 1, 0)[:, :3] + 1, rtol=1e-6)
    assert y.shape == (None, 3)
    assert [layer.name for layer in model.layers] == [model.layers[0].name]  # ops are not layers


def test_disconnected_graph_is_an_error():
    a, b = keras.Input((3,), name="a_in"), keras.Input((3,), name="b_in")
    out = layers.Dense(1)(layers.Add()([a, b]))
    with pytest.raises(ValueError, match="Graph disconnected: cannot obtain value for tensor b_in"):
        keras.Model(a, out)
    with pytest.raises(ValueError, match="must be KerasTensors"):
        keras.Model(a, np.ones(3))


def test_training_flag_reaches_dropout_in_the_graph():
    x = keras.Input((16,))
    model = keras.Model(x, layers.Dropout(0.5)(x))
    data = np.ones((8, 16), np.float32)
    np.testing.assert_array_equal(model(data).numpy(), data)
    assert (model(data, training=True).numpy() == 0).any()
    always = keras.Model(x, layers.Dropout(0.5)(x, training=True))
    assert (always(data).numpy() == 0).any()
    np.testing.assert_array_equal(always(data, training=False).numpy(), data)


def test_integer_inputs_feed_an_embedding_and_masks_flow():
    tokens = keras.Input((4,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(tokens)
    model = keras.Model(tokens, layers.Lambda(lambda t, mask=None: tf.cast(mask, "float32"))(embedded))
    np.testing.assert_array_equal(model(np.array([[1, 0, 2, 0]])).numpy(), [[1, 0, 1, 0]])


def test_functional_config_round_trip_with_shared_and_nested_layers():
    model, _ = two_branch_model()
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    shared_config = next(c for c in config["layers"] if c["name"] == "shared")
    assert len(shared_config["inbound_nodes"]) == 2
    clone = keras.Model.from_config(config)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    for ours, theirs in zip(clone([XA, XB]), model([XA, XB])):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)

    encoder = keras.Sequential([keras.Input((6,)), layers.Dense(3)], name="enc")
    x = keras.Input((6,))
    outer = keras.Model(x, layers.Dense(1)(encoder(x) + 1.0))
    rebuilt = keras.Model.from_config(outer.get_config())
    rebuilt.set_weights(outer.get_weights())
    np.testing.assert_allclose(rebuilt(XA).numpy(), outer(XA).numpy(), rtol=1e-6)


def test_subclass_built_from_inputs_and_outputs():
    class Regressor(keras.Model):
        def __init__(self):
            inputs = keras.Input((6,))
            super().__init__(inputs, layers.Dense(1)(inputs), name="regressor")

        def describe(self):
            return f"{self.name} with {self.count_params()} parameters"

    model = Regressor()
    assert model(XA).shape == (32, 1) and model.describe() == "regressor with 7 parameters"


def test_model_reused_on_new_symbolic_inputs_and_its_output_spec():
    model, _ = two_branch_model()
    a, b = keras.Input((6,)), keras.Input((4,))
    first, second = model([a, b])
    assert first.shape == (None, 1) and second.shape == (None, 2)
    assert model.compute_output_shape([(None, 6), (None, 4)]) == [(None, 1), (None, 2)]
    wrapper = keras.Model([a, b], layers.Concatenate()([first, second]))
    assert wrapper([XA, XB]).shape == (32, 3)


def test_keras_ops_on_symbolic_tensors_build_graph_nodes_that_train_and_save(tmp_path):
    inputs = keras.Input((4, 5))
    hidden = keras.layers.Dense(6)(inputs)
    pooled = keras.ops.mean(keras.ops.relu(hidden), axis=1)
    summed = keras.ops.sum(keras.ops.concatenate([hidden, hidden], axis=-1), axis=1)[:, :6]
    model = keras.Model(inputs, [pooled + summed, hidden[..., 1:3], keras.ops.transpose(hidden, (0, 2, 1))])
    assert model.output_shape == [(None, 6), (None, 4, 2), (None, 6, 4)]
    x = np.random.default_rng(0).random((3, 4, 5)).astype("float32")
    h = x @ model.layers[1].kernel.numpy() + model.layers[1].bias.numpy()
    first, second, third = model(x)
    np.testing.assert_allclose(first, np.maximum(h, 0).mean(1) + np.concatenate([h, h], -1).sum(1)[:, :6], rtol=1e-5)
    np.testing.assert_allclose(second, h[..., 1:3], rtol=1e-6)
    np.testing.assert_allclose(third, h.transpose(0, 2, 1), rtol=1e-6)
    model.compile("adam", ["mse", "mse", "mse"])
    model.fit(x, [np.zeros((3, 6)), np.zeros((3, 4, 2)), np.zeros((3, 6, 4))], epochs=1, verbose=0)
    model.save(tmp_path / "ops.keras")
    again = keras.models.load_model(tmp_path / "ops.keras")
    for a, b in zip(again(x), model(x)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert keras.ops.shape(inputs) == (None, 4, 5)  # shape stays a plain tuple

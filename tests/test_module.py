"""tf.Module: names, and variables and submodules found by walking attributes in TensorFlow's order
(expected orders recorded from TensorFlow 2.21 on the same classes)."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras


class Dense(tf.Module):
    def __init__(self, i, o, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([i, o]), name="w")
        self.b = tf.Variable(tf.zeros([o]), name="b", trainable=False)

    @tf.Module.with_name_scope
    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b


class MLP(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.z = Dense(2, 3, name="zlayer")
        self.layers = [Dense(3, 3, name="first"), (Dense(3, 2, name="second"),)]
        self.d = {"b": tf.Variable(1.0, name="db"), "a": tf.Variable(2.0, name="da")}
        self.count = 3
        self.shared = self.z.w
        self.none = None
        self.label = "text"


def names(variables):
    return [v.name for v in variables]


def test_names_and_name_scopes():
    m = MLP()
    assert (m.name, m.name_scope.name, MLP(name="x").name_scope.name) == ("mlp", "mlp/", "x/")
    for class_name, expected in [("MyModule", "my_module"), ("MLP", "mlp"), ("HTTPServer", "http_server"),
                                 ("Dense2D", "dense2_d"), ("ABCDef", "abc_def"), ("myModule", "my_module"),
                                 ("A", "a"), ("Layer_1", "layer_1"), ("XMLHttpRequest", "xml_http_request"),
                                 ("V2Block", "v2_block")]:
        assert type(class_name, (tf.Module,), {})().name == expected
    assert tf.Module(name="_x").name == "_x"
    for bad in ["1abc", "a b", "a/b", "", "x-y", "x.y", "Ünï"]:
        with pytest.raises(ValueError, match=f"{bad!r} is not a valid module name. Module names must be valid Python"):
            tf.Module(name=bad)


def test_variables_are_found_in_tensorflows_order():
    m = MLP()
    # Own attributes first (sorted by name, dict keys sorted), then each submodule's, each variable once.
    assert names(m.variables) == ["da", "db", "w", "b", "w", "b", "w", "b"]
    assert names(m.trainable_variables) == ["da", "db", "w", "w", "w"]
    assert names(m.non_trainable_variables) == ["b", "b", "b"]
    assert [s.name for s in m.submodules] == ["first", "second", "zlayer"]
    assert isinstance(m.variables, tuple) and m.variables[2] is m.z.w
    paths = [(p, v.name) for p, v in m._flatten(predicate=lambda x: isinstance(x, tf.Variable), with_path=True)]
    assert paths == [(("d", "a"), "da"), (("d", "b"), "db"), (("shared",), "w"), (("layers", 0, "b"), "b"),
                     (("layers", 0, "w"), "w"), (("layers", 1, 0, "b"), "b"), (("layers", 1, 0, "w"), "w"),
                     (("z", "b"), "b"), (("z", "w"), "w")]
    assert tf.Module().variables == () and tf.Module().submodules == ()


def test_cycles_between_modules_are_walked_once():
    a, b = tf.Module(name="a"), tf.Module(name="b")
    a.other, b.other = b, a
    a.v, b.v = tf.Variable(1.0, name="va"), tf.Variable(2.0, name="vb")
    assert names(a.variables) == ["va", "vb"] and [s.name for s in a.submodules] == ["b"]


def test_keras_layers_are_not_submodules():
    # As in TensorFlow 2.21 with Keras 3: a Keras layer is not a tf.Module, so the walk does not enter it.
    m = tf.Module()
    m.dense = keras.layers.Dense(2)
    m.dense.build((None, 3))
    m.scale = tf.Variable(1.0, name="scale")
    assert names(m.variables) == ["scale"] and m.submodules == ()


def test_ignored_properties():
    class Partial(tf.Module):
        _TF_MODULE_IGNORED_PROPERTIES = frozenset({"cache"})

        def __init__(self):
            super().__init__()
            self.kept = tf.Variable(1.0, name="kept")
            self.cache = tf.Variable(2.0, name="cache")

    assert names(Partial().variables) == ["kept"]


def test_with_name_scope_and_a_training_loop():
    model = Dense(2, 3, name="layer")
    assert model(tf.ones([1, 2])).numpy().tolist() == [[2.0, 2.0, 2.0]]
    with model.name_scope as scope:
        assert scope == "layer/"
    x = tf.constant(np.random.default_rng(0).standard_normal((8, 2)).astype(np.float32))
    target = tf.constant(np.ones((8, 3), np.float32))
    optimizer = keras.optimizers.SGD(0.1)
    losses = []
    for _ in range(20):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - target) ** 2)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    assert losses[-1] < losses[0] / 2
    assert model.b.numpy().tolist() == [0.0, 0.0, 0.0]  # not trainable, not updated

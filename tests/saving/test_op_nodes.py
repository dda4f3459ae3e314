"""Operator and keras.ops nodes of a Functional model are saved as Keras writes them (the operation class,
its constructor's arguments in the config, its call's as node arguments), so Keras can load the file."""
import json
import zipfile

import numpy as np

from gradfit import keras
from gradfit.keras import ops


def _nodes(path):
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    return {layer["config"].get("name", layer["class_name"]): layer for layer in config["config"]["layers"]}


def _reloaded_predictions_equal(model, path, x):
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    return _nodes(path)


def test_ops_and_operators_are_written_as_keras_operations(tmp_path):
    inputs = keras.Input((4, 5))
    dense = keras.layers.Dense(5)(inputs)
    mixed = (inputs + dense) * 2.0 - inputs[:, :1]
    pooled = ops.mean(ops.transpose(dense, (0, 2, 1)), axis=1)
    joined = ops.reshape(ops.concatenate([dense, inputs], axis=-1), (-1, 40))
    out = keras.layers.Concatenate()([ops.reshape(mixed, (-1, 20)), pooled, ops.softmax(joined, axis=-1)])
    model = keras.Model(inputs, out)
    x = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")
    nodes = _reloaded_predictions_equal(model, str(tmp_path / "ops.keras"), x)

    operations = {n["class_name"]: n for n in nodes.values() if n["module"].startswith("keras.src.ops.")}
    assert set(operations) == {"Add", "Multiply", "Subtract", "GetItem", "Transpose", "Mean", "Concatenate",
                               "Reshape", "Softmax"}
    assert operations["Softmax"]["module"] == "keras.src.ops.nn"
    assert operations["Mean"]["config"] == {"name": operations["Mean"]["config"]["name"], "axis": 1,
                                            "keepdims": False}
    assert operations["Transpose"]["config"]["axes"] == [0, 2, 1]
    reshapes = [n["config"]["newshape"] for n in nodes.values() if n["class_name"] == "Reshape"]
    assert sorted(reshapes) == [[-1, 20], [-1, 40]]
    # The constructor's arguments are not repeated as call arguments: the node's arguments are Keras's call's.
    multiply_args = operations["Multiply"]["inbound_nodes"][0]["args"]
    assert multiply_args[1] == 2.0 and multiply_args[0]["class_name"] == "__keras_tensor__"
    assert [len(operations[c]["inbound_nodes"][0]["args"]) for c in ("Mean", "Transpose", "Softmax")] == [1, 1, 1]


def test_comparison_and_logical_operators_on_keras_tensors():
    inputs = keras.Input((6,))
    flags = ops.cast((inputs > 0) & (inputs <= 0.5) | ~(inputs < -0.2) ^ (inputs >= 0.9), "float32")
    arithmetic = (inputs // 0.3) + (inputs % 0.3) + 2.0 ** inputs + round(inputs * 10) + (5.0 // inputs)
    different = ops.cast(inputs != 0.25, "float32")
    model = keras.Model(inputs, [flags, arithmetic, different])
    x = np.array([[-0.5, -0.1, 0.25, 0.4, 0.7, 1.2]], dtype="float32")
    got_flags, got_arithmetic, got_different = model.predict(x, verbose=0)
    expected = ((x > 0) & (x <= 0.5)) | (~(x < -0.2) ^ (x >= 0.9))
    np.testing.assert_array_equal(got_flags, expected.astype("float32"))
    np.testing.assert_allclose(got_arithmetic, x // np.float32(0.3) + x % np.float32(0.3) + 2.0 ** x + np.round(x * 10)
                               + np.float32(5.0) // x, rtol=1e-6)
    np.testing.assert_array_equal(got_different, (x != 0.25).astype("float32"))


def test_operator_nodes_save_and_load(tmp_path):
    inputs = keras.Input((3,))
    out = ops.cast((inputs > 0.1) | (inputs < -1.0), "float32") + inputs % 0.5 + round(inputs)
    model = keras.Model(inputs, out)
    x = np.array([[-1.5, 0.05, 0.7]], dtype="float32")
    nodes = _reloaded_predictions_equal(model, str(tmp_path / "operators.keras"), x)
    classes = {n["class_name"] for n in nodes.values()}
    assert {"Greater", "Less", "LogicalOr", "Cast", "Mod", "Round", "Add"} <= classes


def test_a_call_keras_has_no_operation_for_is_kept_as_a_function_node(tmp_path):
    inputs = keras.Input((3,))
    out = keras.activations.relu(inputs, max_value=1.0) + keras.activations.relu(inputs)
    model = keras.Model(inputs, out)
    x = np.array([[-1.0, 0.5, 3.0]], dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), [[0.0, 1.0, 4.0]])
    nodes = _reloaded_predictions_equal(model, str(tmp_path / "capped.keras"), x)
    classes = sorted(n["class_name"] for n in nodes.values())
    assert "Relu" in classes and "OpLayer" in classes  # relu(x) is Keras's Relu; relu(x, max_value=1) is not

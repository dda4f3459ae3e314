"""Files saved by real Keras 3 load in gradfit, predict the same, and gradfit writes them back identically.

Fixtures from golden/make_saving.py (the reverse direction, gradfit files into Keras, is its --reverse
mode). Models: a Sequential MLP, a Functional model with two inputs, two outputs, a shared layer, a
nested Sequential and a registered custom layer, a CNN, an Embedding/LSTM/GRU stack, trained
BatchNormalization, a compiled classifier with Adam state, a registered subclassed model, a Lambda
layer, and a "zoo" holding every kind of layer with weights or sublayers.
"""
import io
import os
import zipfile

import h5py
import numpy as np
import pytest

from gradfit import keras
from saving_cases import NAMES, WEIGHTS_ONLY, build, cases_for, numbered, predict

CUSTOM = cases_for(keras)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "saving")


def fixture(name, suffix=".keras"):
    return os.path.join(FIXTURES, name + suffix)


def expected(name):
    data = dict(np.load(fixture(name, ".npz")))
    return data, numbered(data, "x"), numbered(data, "y")


def datasets(source):
    """{path: array} of every dataset in an HDF5 file (a path or bytes)."""
    found = {}
    with h5py.File(io.BytesIO(source) if isinstance(source, bytes) else source, "r") as f:
        f.visititems(lambda path, obj: found.__setitem__(path, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_keras_model_file_loads_and_predicts_like_keras(name):
    _, inputs, outputs = expected(name)
    model = keras.saving.load_model(fixture(name), safe_mode=name != "lambda_layer")
    for ours, theirs in zip(predict(model, inputs), outputs):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_gradfit_writes_the_weights_file_keras_wrote(name, tmp_path):
    model = keras.saving.load_model(fixture(name), safe_mode=False)
    keras.saving.save_weights(model, tmp_path / "again.weights.h5")
    with zipfile.ZipFile(fixture(name)) as archive:
        theirs = datasets(archive.read("model.weights.h5"))
    ours = datasets(str(tmp_path / "again.weights.h5"))
    assert sorted(ours) == sorted(theirs)
    for path in theirs:
        assert ours[path].dtype == theirs[path].dtype, path
        np.testing.assert_array_equal(ours[path], theirs[path], err_msg=path)


@pytest.mark.parametrize("name", WEIGHTS_ONLY)
def test_keras_weights_file_loads_into_the_same_gradfit_architecture(name):
    _, inputs, outputs = expected(name)
    model, _, _ = build(keras, name)
    keras.saving.load_weights(model, fixture(name, ".weights.h5"))
    for ours, theirs in zip(predict(model, inputs), outputs):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_compiled_keras_model_resumes_training_where_keras_would():
    data, _, _ = expected("adam_resume")
    model = keras.saving.load_model(fixture("adam_resume"))
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    assert int(model.optimizer.iterations.numpy()) == 3
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.01)
    loss, _ = model.train_on_batch(data["next_x"], data["next_y"])
    assert loss == pytest.approx(float(data["next_loss"]), rel=1e-5)
    for weight, after in zip(model.get_weights(), numbered(data, "after"), strict=True):
        np.testing.assert_allclose(weight, after, rtol=1e-5, atol=1e-6)


def test_compile_false_loads_an_uncompiled_model_with_the_same_weights():
    model = keras.saving.load_model(fixture("adam_resume"), compile=False)
    compiled = keras.saving.load_model(fixture("adam_resume"))
    assert not model.compiled
    for a, b in zip(model.get_weights(), compiled.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_lambda_bytecode_is_refused_in_safe_mode():
    with pytest.raises(ValueError, match="lambda") as caught:
        keras.saving.load_model(fixture("lambda_layer"))
    assert "safe_mode=False" in str(caught.value) and "lambda_layer.keras" in str(caught.value)


def test_registered_custom_classes_come_back_as_themselves():
    ScaledDense, TwoBlocks = CUSTOM.ScaledDense, CUSTOM.TwoBlocks
    model = keras.saving.load_model(fixture("subclassed"))
    assert isinstance(model, TwoBlocks) and isinstance(model.first, ScaledDense)
    assert model.units == 4 and model.first.scale == 2.0
    functional = keras.saving.load_model(fixture("functional_multi_io"))
    score = functional.get_layer("score")
    assert isinstance(score, ScaledDense) and score.scale == 0.5
    assert isinstance(functional.get_layer("block"), keras.Sequential)


def test_custom_objects_stand_in_for_registration(monkeypatch):
    ScaledDense, TwoBlocks = CUSTOM.ScaledDense, CUSTOM.TwoBlocks
    registry = keras.saving.get_custom_objects()
    for key in ("gradfit_tests>ScaledDense", "gradfit_tests>TwoBlocks"):
        monkeypatch.delitem(registry, key)
    with pytest.raises(ValueError, match="TwoBlocks"):
        keras.saving.load_model(fixture("subclassed"))
    model = keras.saving.load_model(fixture("subclassed"),
                                    custom_objects={"TwoBlocks": TwoBlocks, "ScaledDense": ScaledDense})
    assert isinstance(model, TwoBlocks)
    with keras.saving.custom_object_scope({"TwoBlocks": TwoBlocks, "ScaledDense": ScaledDense}):
        assert isinstance(keras.saving.load_model(fixture("subclassed")), TwoBlocks)
    assert "TwoBlocks" not in registry

"""keras.saving as a user meets it: whole models, weights, JSON, compile state and custom objects."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras import layers
from saving_cases import cases_for

TwoBlocks = cases_for(keras).TwoBlocks

OPTIMIZERS = {
    "sgd_momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adam_amsgrad": lambda: keras.optimizers.Adam(0.01, amsgrad=True),
    "adamw": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.1),
    "adagrad": lambda: keras.optimizers.Adagrad(0.1),
    "adadelta": lambda: keras.optimizers.Adadelta(1.0),
    "adamax": lambda: keras.optimizers.Adamax(0.01),
    "nadam": lambda: keras.optimizers.Nadam(0.01),
    "lion": lambda: keras.optimizers.Lion(0.001),
    "adam_ema": lambda: keras.optimizers.Adam(0.01, use_ema=True, ema_momentum=0.9),
    "ftrl": lambda: keras.optimizers.Ftrl(0.05, l1_regularization_strength=0.01, beta=0.1),
    "adafactor": lambda: keras.optimizers.Adafactor(0.05, clip_threshold=0.5),
    "lamb": lambda: keras.optimizers.Lamb(0.01, weight_decay=0.01),
    "loss_scale": lambda: keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=64.0,
                                                              dynamic_growth_steps=3),
}


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)).astype("float32"), rng.integers(0, 3, n)


def classifier(optimizer=None):
    model = keras.Sequential([keras.Input((6,)), layers.Dense(12, activation="relu"), layers.Dropout(0.25),
                              layers.BatchNormalization(), layers.Dense(3)])
    model.compile(optimizer=optimizer or keras.optimizers.Adam(0.01), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def assert_same_weights(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


# ------------------------------------------------------------------------------------------- resuming
def test_training_resumed_from_a_saved_model_equals_uninterrupted_training(tmp_path):
    x, y = data()
    keras.utils.set_random_seed(0)
    uninterrupted = classifier()
    uninterrupted.fit(x, y, batch_size=8, epochs=2, shuffle=True, verbose=0)
    keras.utils.set_random_seed(7)
    uninterrupted.fit(x, y, batch_size=8, epochs=4, initial_epoch=2, shuffle=True, verbose=0)

    keras.utils.set_random_seed(0)
    first_half = classifier()
    first_half.fit(x, y, batch_size=8, epochs=2, shuffle=True, verbose=0)
    keras.saving.save_model(first_half, tmp_path / "half.keras")
    resumed = keras.saving.load_model(tmp_path / "half.keras")
    keras.utils.set_random_seed(7)
    resumed.fit(x, y, batch_size=8, epochs=4, initial_epoch=2, shuffle=True, verbose=0)

    assert_same_weights(resumed.get_weights(), uninterrupted.get_weights())
    assert_same_weights([v.numpy() for v in resumed.optimizer.variables],
                        [v.numpy() for v in uninterrupted.optimizer.variables])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_slots_come_back_and_the_next_step_is_identical(name, tmp_path):
    x, y = data()
    keras.utils.set_random_seed(1)
    model = classifier(OPTIMIZERS[name]())
    model.fit(x, y, batch_size=10, epochs=1, shuffle=False, verbose=0)
    keras.saving.save_model(model, tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert [tuple(v.shape) for v in loaded.optimizer.variables] == [tuple(v.shape) for v in model.optimizer.variables]
    assert_same_weights([v.numpy() for v in loaded.optimizer.variables], [v.numpy() for v in model.optimizer.variables])
    keras.utils.set_random_seed(2)
    model.train_on_batch(x[:10], y[:10])
    keras.utils.set_random_seed(2)
    loaded.train_on_batch(x[:10], y[:10])
    assert_same_weights(loaded.get_weights(), model.get_weights())


@pytest.mark.parametrize("kind_metric", [
    "sparse_categorical_accuracy",
    keras.metrics.SparseCategoricalAccuracy,
])
def test_compile_arguments_come_back(kind_metric, tmp_path):
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    hidden = layers.Dense(5, activation="relu")(layers.Concatenate()([a, b]))
    model = keras.Model([a, b], {"value": layers.Dense(1, name="value")(hidden),
                                 "kind": layers.Dense(3, activation="softmax", name="kind")(hidden)})
    model.compile(optimizer=keras.optimizers.RMSprop(0.005),
                  loss={"value": keras.losses.Huber(delta=0.5), "kind": "sparse_categorical_crossentropy"},
                  loss_weights={"value": 2.0, "kind": 0.5},
                  metrics={"value": ["mae"], "kind": [kind_metric if isinstance(kind_metric, str) else kind_metric()]})
    rng = np.random.default_rng(3)
    inputs = [rng.standard_normal((16, 4)).astype("float32"), rng.standard_normal((16, 2)).astype("float32")]
    targets = {"value": rng.standard_normal((16, 1)).astype("float32"), "kind": rng.integers(0, 3, 16)}
    model.fit(inputs, targets, epochs=1, batch_size=8, verbose=0)
    keras.saving.save_model(model, tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert loaded.compiled and isinstance(loaded.optimizer, keras.optimizers.RMSprop)
    ours = loaded.evaluate(inputs, targets, return_dict=True, verbose=0)
    theirs = model.evaluate(inputs, targets, return_dict=True, verbose=0)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        assert ours[key] == pytest.approx(theirs[key], rel=1e-6), key


def test_subclassed_model_round_trip_with_its_training_state(tmp_path):
    keras.utils.set_random_seed(3)
    model = TwoBlocks(units=5)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).standard_normal((12, 3)).astype("float32")
    model.fit(x, x[:, :2], epochs=2, batch_size=4, verbose=0)
    keras.saving.save_model(model, tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded, TwoBlocks) and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert int(loaded.optimizer.iterations.numpy()) == 6
    model.train_on_batch(x[:4], x[:4, :2])
    loaded.train_on_batch(x[:4], x[:4, :2])
    assert_same_weights(loaded.get_weights(), model.get_weights())


# ---------------------------------------------------------------------------------------- file formats
def test_keras_archive_holds_keras_members_and_config(tmp_path):
    model = classifier()
    keras.saving.save_model(model, tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert metadata["keras_version"].startswith("3.")
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras", "Sequential", None)
    assert config["build_config"] == {"input_shape": [None, 6]}
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["metrics"] == ["accuracy"]
    assert [layer["class_name"] for layer in config["config"]["layers"]] == [
        "InputLayer", "Dense", "Dropout", "BatchNormalization", "Dense"]


def test_unzipped_directory_and_file_objects(tmp_path):
    model = classifier()
    x, _ = data(5)
    keras.saving.save_model(model, tmp_path / "unzipped", zipped=False)
    assert sorted(os.listdir(tmp_path / "unzipped")) == ["config.json", "metadata.json", "model.weights.h5"]
    np.testing.assert_array_equal(keras.saving.load_model(tmp_path / "unzipped").predict(x, verbose=0),
                                  model.predict(x, verbose=0))
    with open(tmp_path / "object.keras", "wb") as f:
        keras.saving.save_model(model, f)
    with open(tmp_path / "object.keras", "rb") as f:
        np.testing.assert_array_equal(keras.saving.load_model(f).predict(x, verbose=0), model.predict(x, verbose=0))


def test_file_names_say_what_format_is_expected(tmp_path):
    model = classifier()
    with pytest.raises(ValueError, match=r"\.keras"):
        keras.saving.save_model(model, tmp_path / "model.zip")
    with pytest.raises(ValueError, match="legacy"):
        keras.saving.save_model(model, tmp_path / "model.h5")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        keras.saving.save_weights(model, tmp_path / "model.h5")
    with pytest.raises(ValueError, match="File not found"):
        keras.saving.load_model(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="File format not supported"):
        keras.saving.load_model(tmp_path / "model.pb")
    with pytest.raises(FileNotFoundError, match="missing.weights.h5"):
        keras.saving.load_weights(model, tmp_path / "missing.weights.h5")
    assert os.listdir(tmp_path) == []


def test_overwrite_false_asks_first(tmp_path, monkeypatch):
    model = classifier()
    path = tmp_path / "model.keras"
    path.write_bytes(b"previous")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    keras.saving.save_model(model, path, overwrite=False)
    assert path.read_bytes() == b"previous"
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    keras.saving.save_model(model, path, overwrite=False)
    assert zipfile.is_zipfile(path)


def test_unbuilt_models_cannot_hold_weights(tmp_path):
    model = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        keras.saving.save_weights(model, tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="not yet been built"):
        keras.saving.load_weights(model, tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="not yet been built"):
        keras.saving.save_model(model, tmp_path / "unbuilt.keras")


# ---------------------------------------------------------------------------------- loading weights
def test_weights_load_into_a_twin_model_and_from_a_keras_archive(tmp_path):
    keras.utils.set_random_seed(4)
    model = classifier()
    model.fit(*data(), epochs=1, verbose=0)
    keras.saving.save_weights(model, tmp_path / "model.weights.h5")
    keras.saving.save_model(model, tmp_path / "model.keras")
    for source in ("model.weights.h5", "model.keras"):
        twin = classifier()
        twin.optimizer.build(twin.trainable_variables)
        keras.saving.load_weights(twin, tmp_path / source)
        assert_same_weights(twin.get_weights(), model.get_weights())
        assert_same_weights([v.numpy() for v in twin.optimizer.variables],
                            [v.numpy() for v in model.optimizer.variables])


def test_mismatched_weights_change_nothing_and_name_the_file_and_layer(tmp_path):
    small = keras.Sequential([keras.Input((6,)), layers.Dense(4, name="hidden"), layers.Dense(3, name="out")])
    keras.saving.save_weights(small, tmp_path / "small.weights.h5")
    wide = keras.Sequential([keras.Input((6,)), layers.Dense(4, name="hidden"), layers.Dense(5, name="out")])
    before = wide.get_weights()
    with pytest.raises(ValueError) as caught:
        keras.saving.load_weights(wide, tmp_path / "small.weights.h5")
    message = str(caught.value)
    assert "small.weights.h5" in message and "'out'" in message and "(4, 5)" in message and "(4, 3)" in message
    assert_same_weights(wide.get_weights(), before)

    with pytest.warns(UserWarning, match="skip_mismatch"):
        keras.saving.load_weights(wide, tmp_path / "small.weights.h5", skip_mismatch=True)
    assert_same_weights(wide.layers[0].get_weights(), small.layers[0].get_weights())
    assert_same_weights(wide.layers[1].get_weights(), before[2:])


def test_objects_to_skip_keep_their_values(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2), layers.Dense(2)])
    keras.saving.save_weights(model, tmp_path / "w.weights.h5")
    twin = keras.Sequential([keras.Input((3,)), layers.Dense(2), layers.Dense(2)])
    kept = twin.layers[1].get_weights()
    keras.saving.load_weights(twin, tmp_path / "w.weights.h5", objects_to_skip=[twin.layers[1]])
    assert_same_weights(twin.layers[0].get_weights(), model.layers[0].get_weights())
    assert_same_weights(twin.layers[1].get_weights(), kept)


def test_an_unbuilt_optimizer_keeps_its_state_with_a_warning(tmp_path):
    model = classifier()
    model.fit(*data(), epochs=1, verbose=0)
    keras.saving.save_weights(model, tmp_path / "model.weights.h5")
    twin = classifier()
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        keras.saving.load_weights(twin, tmp_path / "model.weights.h5")
    assert_same_weights(twin.get_weights(), model.get_weights())


# ----------------------------------------------------------------------------------- configs and JSON
def test_to_json_and_model_from_json_rebuild_the_architecture():
    model = classifier()
    text = keras.saving.model_to_json(model, indent=2)
    rebuilt = keras.saving.model_from_json(text)
    assert rebuilt.get_config() == model.get_config()
    assert not rebuilt.compiled or rebuilt.optimizer is not model.optimizer
    with pytest.raises(ValueError, match="JSON"):
        keras.saving.model_from_json("{not json")


def test_serialize_keras_object_writes_public_names_and_reads_them_back():
    serialize, deserialize = keras.saving.serialize_keras_object, keras.saving.deserialize_keras_object
    dense = layers.Dense(3, activation="relu", name="d")
    config = serialize(dense)
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras.layers", "Dense", None)
    assert deserialize(config).get_config() == dense.get_config()
    adam = serialize(keras.optimizers.Adam(0.25))
    assert (adam["module"], adam["class_name"]) == ("keras.optimizers", "Adam")
    assert deserialize(adam).learning_rate.numpy() == pytest.approx(0.25)
    assert serialize(keras.losses.mean_squared_error) == {"module": "builtins", "class_name": "function",
                                                          "config": "mean_squared_error", "registered_name": "function"}
    assert deserialize(serialize(keras.losses.mean_squared_error)) is keras.losses.mean_squared_error
    array = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(deserialize(serialize(array)), array)
    assert deserialize(serialize({"a": (1, 2.5, "x"), "b": None})) == {"a": [1, 2.5, "x"], "b": None}
    with pytest.raises(TypeError, match="Could not locate class 'Mystery'"):
        deserialize({"module": "somewhere", "class_name": "Mystery", "config": {}, "registered_name": None})


def test_deserializing_never_imports_the_module_a_config_names():
    config = {"module": "os", "class_name": "function", "config": "system", "registered_name": "system"}
    with pytest.raises(TypeError, match="Could not locate function 'system'"):
        keras.saving.deserialize_keras_object(config)


def test_registration_names_and_scopes():
    @keras.saving.register_keras_serializable(package="Tests", name="Doubler")
    class Doubler(layers.Layer):
        def call(self, x):
            return x * 2.0

        def get_config(self):
            return super().get_config()

    assert keras.saving.get_registered_name(Doubler) == "Tests>Doubler"
    assert keras.saving.get_registered_object("Tests>Doubler") is Doubler
    assert keras.saving.get_custom_objects()["Tests>Doubler"] is Doubler
    config = keras.saving.serialize_keras_object(Doubler(name="twice"))
    assert config["registered_name"] == "Tests>Doubler"
    assert isinstance(keras.saving.deserialize_keras_object(config), Doubler)

    class Plain(layers.Layer):
        def call(self, x):
            return x

    assert keras.saving.get_registered_name(Plain) == "Plain"
    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))
    with keras.saving.custom_object_scope({"Plain": Plain}):
        assert keras.saving.get_registered_object("Plain") is Plain
        assert isinstance(keras.layers.deserialize({"class_name": "Plain", "config": {"name": "p"}}), Plain)
    assert keras.saving.get_registered_object("Plain") is None
    del keras.saving.get_custom_objects()["Tests>Doubler"]


def test_a_lambda_is_written_as_keras_writes_it_and_needs_unsafe_mode():
    config = keras.saving.serialize_keras_object(lambda x: x + 1.0)
    assert config["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.deserialize_keras_object(config)
    assert keras.saving.deserialize_keras_object(config, safe_mode=False)(tf.constant(1.0)).numpy() == 2.0


def test_a_model_with_its_own_compile_decides_how_it_is_compiled_again(tmp_path):
    @keras.saving.register_keras_serializable(package="Tests")
    class OwnCompile(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def compile(self, learning_rate=0.1):
            self.learning_rate_given = learning_rate
            super().compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")

    model = OwnCompile()
    model(np.zeros((1, 3), "float32"))
    model.compile(learning_rate=0.5)
    keras.saving.save_model(model, tmp_path / "own.keras")
    with pytest.warns(UserWarning, match="`compile\\(\\)` was not called as part of model loading"):
        assert not keras.saving.load_model(tmp_path / "own.keras").compiled

    OwnCompile.get_compile_config = lambda self: {"learning_rate": self.learning_rate_given}
    OwnCompile.compile_from_config = lambda self, config: self.compile(**config)
    keras.saving.save_model(model, tmp_path / "own.keras")
    loaded = keras.saving.load_model(tmp_path / "own.keras")
    assert loaded.compiled and loaded.learning_rate_given == 0.5
    del keras.saving.get_custom_objects()["Tests>OwnCompile"]


def test_a_layer_with_its_own_save_and_load_of_variables(tmp_path):
    @keras.saving.register_keras_serializable(package="Tests")
    class Transposed(layers.Dense):
        """Stores its kernel transposed, as a layer with its own file layout would."""

        def save_own_variables(self, store):
            store["0"] = self.kernel.numpy().T
            store["1"] = self.bias.numpy()

        def load_own_variables(self, store):
            self.kernel.assign(store["0"].T)
            self.bias.assign(store["1"])

    model = keras.Sequential([keras.Input((3,)), Transposed(2, bias_initializer="ones")])
    keras.saving.save_model(model, tmp_path / "t.keras")
    with zipfile.ZipFile(tmp_path / "t.keras") as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as f:
        assert f["layers/transposed/vars/0"].shape == (2, 3)
    loaded = keras.saving.load_model(tmp_path / "t.keras")
    assert_same_weights(loaded.get_weights(), model.get_weights())
    del keras.saving.get_custom_objects()["Tests>Transposed"]


def test_the_model_methods_keras_users_call(tmp_path):
    x, y = data()
    model = classifier()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_compile_config() == model.get_compile_config()
    model.save_weights(tmp_path / "model.weights.h5")
    twin = keras.models.model_from_json(model.to_json())
    twin.load_weights(tmp_path / "model.weights.h5")
    assert_same_weights(twin.get_weights(), model.get_weights())
    keras.models.save_model(model, tmp_path / "again.keras")
    assert zipfile.is_zipfile(tmp_path / "again.keras")


def scaled_squared_error(y_true, y_pred):
    return keras.ops.mean((y_true - y_pred) ** 2, axis=-1) * 3.0


def test_a_custom_loss_function_comes_back_through_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile("sgd", loss=scaled_squared_error)
    keras.saving.save_model(model, tmp_path / "custom_loss.keras")
    with pytest.raises(ValueError, match="custom_loss.keras.*scaled_squared_error"):
        keras.saving.load_model(tmp_path / "custom_loss.keras")
    loaded = keras.saving.load_model(tmp_path / "custom_loss.keras",
                                     custom_objects={"scaled_squared_error": scaled_squared_error})
    x = np.ones((4, 3), "float32")
    assert loaded.evaluate(x, np.zeros((4, 2), "float32"), verbose=0) == pytest.approx(
        model.evaluate(x, np.zeros((4, 2), "float32"), verbose=0))
    assert keras.saving.load_model(tmp_path / "custom_loss.keras", compile=False).compiled is False

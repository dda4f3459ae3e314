"""The keras.utils names Keras 3.15 exports beside the data helpers (behaviour recorded from Keras 3.15)."""
import contextlib
import io
import logging

import numpy as np
import pytest

from gradfit import keras

utils = keras.utils


def test_shared_names_are_the_same_objects():
    pairs = [(utils.get_custom_objects, keras.saving.get_custom_objects),
             (utils.custom_object_scope, keras.saving.custom_object_scope),
             (utils.CustomObjectScope, keras.saving.CustomObjectScope),
             (utils.register_keras_serializable, keras.saving.register_keras_serializable),
             (utils.get_registered_name, keras.saving.get_registered_name),
             (utils.get_registered_object, keras.saving.get_registered_object),
             (utils.serialize_keras_object, keras.saving.serialize_keras_object),
             (utils.deserialize_keras_object, keras.saving.deserialize_keras_object),
             (utils.enable_interactive_logging, keras.config.enable_interactive_logging),
             (utils.disable_interactive_logging, keras.config.disable_interactive_logging),
             (utils.is_interactive_logging_enabled, keras.config.is_interactive_logging_enabled),
             (utils.clear_session, keras.backend.clear_session),
             (utils.standardize_dtype, keras.backend.standardize_dtype),
             (utils.is_keras_tensor, keras.backend.is_keras_tensor)]
    assert all(a is b for a, b in pairs)


def test_registration_through_keras_utils():
    @utils.register_keras_serializable(package="UtilsTest")
    class Scaled(keras.layers.Dense):
        pass

    assert utils.get_registered_name(Scaled) == "UtilsTest>Scaled"
    assert utils.get_registered_object("UtilsTest>Scaled") is Scaled
    config = utils.serialize_keras_object(Scaled(3))
    assert config["registered_name"] == "UtilsTest>Scaled"
    assert type(utils.deserialize_keras_object(config)) is Scaled
    with utils.custom_object_scope({"Thing": Scaled}):
        assert utils.get_registered_object("Thing") is Scaled
    assert utils.get_registered_object("Thing") is None


def test_pack_and_unpack_x_y_sample_weight():
    assert [utils.unpack_x_y_sample_weight(d) for d in [1, (1,), (1, 2), (1, 2, 3), [1, 2]]] == [
        (1, None, None), (1, None, None), (1, 2, None), (1, 2, 3), (1, 2, None)]
    with pytest.raises(ValueError, match=r"Data is expected to be in format `x`, `\(x,\)`, `\(x, y\)`, or "
                                         r"`\(x, y, sample_weight\)`, found: \(1, 2, 3, 4\)"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))
    assert utils.pack_x_y_sample_weight(1) == 1
    assert utils.pack_x_y_sample_weight((1, 2)) == ((1, 2),)
    assert utils.pack_x_y_sample_weight([1]) == ([1],)
    assert utils.pack_x_y_sample_weight(1, 2) == (1, 2)
    assert utils.pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    assert utils.pack_x_y_sample_weight(1, None, 3) == 1


def test_keras_tensors_and_their_sources():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    summed = keras.layers.Dense(2)(keras.layers.Add()([a, b]))
    from_a = keras.layers.Dense(2)(a)
    assert [t.name for t in utils.get_source_inputs(summed)] == ["a", "b"]
    assert [t.name for t in utils.get_source_inputs(from_a)] == ["a"]
    assert utils.get_source_inputs(a) == [a]
    assert [t.name for t in utils.get_source_inputs(keras.layers.Concatenate()([summed, from_a]))] == ["a", "b"]
    assert utils.get_source_inputs(5) == 5
    assert [utils.is_keras_tensor(x) for x in (a, np.zeros(2), keras.ops.ones((2,)))] == [True, False, False]


def test_standardize_dtype():
    names = [utils.standardize_dtype(d) for d in [None, "float32", np.float64, np.dtype("int8"), "bool", float, bool,
                                                  "int64"]]
    assert names == ["float32", "float32", "float64", "int8", "bool", "float32", "bool", "int64"]
    with pytest.raises(ValueError, match="Invalid dtype: floaty"):
        utils.standardize_dtype("floaty")


def test_clear_session_resets_names_policy_and_logging():
    utils.clear_session()
    assert [keras.layers.Dense(2).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    keras.config.set_dtype_policy("float64")
    utils.disable_interactive_logging()
    utils.clear_session(free_memory=False)
    assert keras.layers.Dense(2).name == "dense"
    assert keras.config.dtype_policy().name == "float32"
    assert utils.is_interactive_logging_enabled()


def test_progress_bar_honours_interactive_logging(caplog):
    out = io.StringIO()
    utils.disable_interactive_logging()
    try:
        assert not utils.is_interactive_logging_enabled()
        with contextlib.redirect_stdout(out), caplog.at_level(logging.INFO, logger="keras"):
            bar = utils.Progbar(2, verbose=1)
            bar.update(1)
            bar.update(2)
    finally:
        utils.enable_interactive_logging()
    assert out.getvalue() == "" and "2/2" in caplog.text
    with contextlib.redirect_stdout(out):
        utils.Progbar(2, verbose=1).update(2)
    assert "2/2" in out.getvalue()


def test_config():
    config = utils.Config(learning_rate=0.1, momentum=0.9)
    config.use_ema = True
    config["seed"] = 123
    assert (config.seed, config["learning_rate"], len(config), "seed" in config, config.get("nope", 5)) == (
        123, 0.1, 4, True, 5)
    assert list(config) == ["learning_rate", "momentum", "seed", "use_ema"]
    assert list(config.keys()) == ["learning_rate", "momentum", "use_ema", "seed"]
    assert config.to_json() == '{"learning_rate": 0.1, "momentum": 0.9, "use_ema": true, "seed": 123}'
    assert repr(config) == "<Config {'learning_rate': 0.1, 'momentum': 0.9, 'use_ema': True, 'seed': 123}>"
    assert config.as_dict() == {"learning_rate": 0.1, "momentum": 0.9, "use_ema": True, "seed": 123}
    with pytest.raises(AttributeError, match="Unknown attribute: 'learning_rat'. Did you mean 'learning_rate'?"):
        config.learning_rat
    with pytest.raises(AttributeError, match="^Unknown attribute: 'zzz'.$"):
        config.zzz
    config.freeze()
    assert config.frozen
    for change in (lambda: setattr(config, "x", 1), lambda: config.__setitem__("x", 1), lambda: config.pop("seed"),
                   lambda: config.update(a=1), lambda: config.__delitem__("seed")):
        with pytest.raises(ValueError, match="Cannot mutate attribute\\(s\\) because the config is frozen."):
            change()
    config.unfreeze()
    config.pop("seed")
    del config["use_ema"]
    config.update(z=1)
    assert config.as_dict() == {"learning_rate": 0.1, "momentum": 0.9, "z": 1}
    with pytest.raises(AttributeError):
        config.frozen = True

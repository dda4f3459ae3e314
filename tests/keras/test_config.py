"""keras.config and keras.mixed_precision: the settings a Keras script makes at its top."""
import logging

import numpy as np
import pytest

from gradfit import keras


@pytest.fixture(autouse=True)
def restore_settings():
    yield
    keras.config.set_dtype_policy(None)
    keras.config.enable_interactive_logging()
    keras.config.set_floatx("float32")


def test_top_level_names_are_keras_classes():
    assert keras.KerasTensor is keras.layers.KerasTensor
    assert keras.InputSpec is keras.layers.InputSpec
    assert keras.Loss is keras.losses.Loss and keras.Metric is keras.metrics.Metric
    assert keras.Optimizer is keras.optimizers.Optimizer
    assert keras.Initializer is keras.initializers.Initializer
    assert keras.Regularizer is keras.regularizers.Regularizer
    assert keras.Constraint is keras.constraints.Constraint
    assert keras.DTypePolicy("float64").compute_dtype == "float64"


def test_global_dtype_policy_reaches_new_layers_and_training():
    keras.config.set_dtype_policy("float64")
    assert keras.config.dtype_policy().name == "float64"
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert model.layers[0].kernel.dtype == "float64"
    model.compile("sgd", "mse")
    model.train_on_batch(np.ones((4, 3)), np.ones((4, 2)))
    assert model.predict_on_batch(np.ones((1, 3))).dtype == np.float64
    keras.config.set_dtype_policy(None)
    assert keras.layers.Dense(2).dtype_policy.name == "float32"


def test_mixed_precision_is_refused_with_the_reason_and_the_policy_is_unchanged():
    with pytest.raises(ValueError, match="mixed_float16.*not supported"):
        keras.mixed_precision.set_global_policy("mixed_float16")
    assert keras.mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="Cannot convert 'float17'"):
        keras.config.set_dtype_policy("float17")


def test_floatx_epsilon_and_backend():
    keras.config.set_floatx("float64")
    assert keras.config.floatx() == "float64" and keras.layers.Dense(1).dtype_policy.name == "float64"
    assert keras.config.epsilon() == 1e-7
    assert keras.config.image_data_format() == "channels_last"
    assert keras.config.backend() == "numpy"
    keras.config.set_backend("numpy")
    with pytest.raises(ValueError, match="received 'jax'"):
        keras.config.set_backend("jax")


def test_flash_attention_is_reported_off_and_refused():
    assert keras.config.is_flash_attention_enabled() is False
    keras.config.disable_flash_attention()
    with pytest.raises(ValueError, match="not supported"):
        keras.config.enable_flash_attention()


def test_disabled_interactive_logging_sends_progress_and_summary_to_the_keras_logger(capsys, caplog):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    keras.config.disable_interactive_logging()
    assert not keras.config.is_interactive_logging_enabled()
    with caplog.at_level(logging.INFO, logger="keras"):
        model.fit(np.ones((8, 3)), np.ones((8, 2)), epochs=2, batch_size=4,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10, verbose=1)])
        model.summary()
    assert capsys.readouterr().out == ""
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Epoch 1/2" in logged and "loss:" in logged and "early stopping" in logged
    assert 'Model: "sequential' in logged and "Trainable params: 8" in logged
    keras.config.enable_interactive_logging()
    model.summary()
    assert "Trainable params: 8" in capsys.readouterr().out


def test_unsafe_deserialization_lets_a_lambda_layer_be_rebuilt():
    from gradfit.keras.layers import serialization

    layer = keras.layers.Lambda(lambda x: x * 2.0)
    config = keras.layers.serialize(layer)
    before = serialization._unsafe_deserialization[0]
    try:
        with pytest.raises(ValueError, match="unsafe"):
            keras.layers.deserialize(config)
        keras.config.enable_unsafe_deserialization()
        rebuilt = keras.layers.deserialize(config)
        assert float(rebuilt(np.ones((1,), "float32"))[0]) == 2.0
    finally:
        serialization._unsafe_deserialization[0] = before

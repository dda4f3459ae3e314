"""keras.callbacks end to end: passed to `model.fit`, `evaluate` and `predict` as users pass them.

Expected numbers come from running the same code on Keras 3 (the examples in Keras's own docstrings).
"""
import re

import numpy as np
import pytest

from gradfit import keras


def _fit_available():
    try:
        keras.Sequential, keras.layers.Dense, keras.optimizers.SGD  # noqa: B018
    except (AttributeError, ImportError):
        return False
    return hasattr(keras.Sequential, "fit")


pytestmark = pytest.mark.skipif(
    not _fit_available(),
    reason="end-to-end callback tests need keras.Sequential, keras.layers.Dense and keras.optimizers.SGD, "
           "which are not in the checkout yet")

# Inputs up to 99 with SGD's default learning rate: the loss grows every epoch (to inf, then NaN).
X_DIVERGING = np.arange(100, dtype="float32").reshape(5, 20)
Y_DIVERGING = np.zeros((5, 10), "float32")


def regression_data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
    return x, y


def dense_model(units, inputs, optimizer=None, **compile_kwargs):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(units)])
    model.compile(optimizer if optimizer is not None else keras.optimizers.SGD(), loss="mse", **compile_kwargs)
    return model


def test_fit_returns_the_history_it_installs_on_the_model():
    x, y = regression_data()
    model = dense_model(1, 3, metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    assert model.history is history
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 3}
    assert all(isinstance(v, float) for values in history.history.values() for v in values)


def test_early_stopping_as_in_keras_docs():
    model = dense_model(10, 20)
    callback = keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    history = model.fit(X_DIVERGING, Y_DIVERGING, epochs=10, batch_size=1, callbacks=[callback], verbose=0)
    assert len(history.history["loss"]) == 4  # as in Keras: epoch 0 is the best, three more without gain
    assert callback.stopped_epoch == 3


def test_early_stopping_restores_the_best_epochs_weights():
    model = dense_model(10, 20)
    snapshots = []
    history = model.fit(
        X_DIVERGING, Y_DIVERGING, epochs=10, batch_size=1, verbose=0,
        callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True),
                   keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))])
    assert len(history.epoch) == 3
    for restored, best in zip(model.get_weights(), snapshots[0]):
        np.testing.assert_array_equal(restored, best)


def test_early_stopping_knows_accuracy_is_maximized():
    # mode='auto' asks the compiled metric which way is better, as Keras does.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[-1.0], [0.0], [0.0], [0.0]], "float32"), np.zeros(1, "float32")])  # all wrong
    model.compile(keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy", metrics=["accuracy"])
    callback = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=10)
    history = model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, callbacks=[callback], verbose=0)
    accuracies = history.history["val_accuracy"]
    assert accuracies[0] < max(accuracies)
    assert callback.best == max(accuracies)


def test_stop_training_from_a_batch_hook_stops_after_that_batch():
    x, y = regression_data()

    class StopAtBatch(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if self.batches == 6:
                self.model.stop_training = True

    stopper = StopAtBatch()
    history = dense_model(1, 3).fit(x, y, epochs=5, batch_size=8, callbacks=[stopper], verbose=0)
    assert stopper.batches == 6
    assert history.epoch == [0, 1]


def test_reduce_lr_on_plateau_lowers_the_optimizers_rate():
    model = dense_model(10, 20, keras.optimizers.SGD(learning_rate=0.01))
    history = model.fit(X_DIVERGING, Y_DIVERGING, epochs=3, verbose=0,
                        callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0)])
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.005])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0025)


def test_learning_rate_scheduler_as_in_keras_docs():
    def scheduler(epoch, lr):
        if epoch < 10:
            return lr
        return lr * float(np.exp(-0.1))

    model = dense_model(10, 20)
    assert round(float(model.optimizer.learning_rate), 5) == 0.01
    history = model.fit(X_DIVERGING, Y_DIVERGING, epochs=15, verbose=0,
                        callbacks=[keras.callbacks.LearningRateScheduler(scheduler)])
    assert round(float(model.optimizer.learning_rate), 5) == 0.00607
    assert sorted(history.history) == ["learning_rate", "loss"]


def test_terminate_on_nan_stops_a_diverging_fit(capsys):
    model = dense_model(10, 20, keras.optimizers.SGD(learning_rate=1.0))
    history = model.fit(X_DIVERGING, Y_DIVERGING, epochs=20, batch_size=1, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.epoch) < 20
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_csv_logger_during_fit(tmp_path):
    x, y = regression_data()
    path = tmp_path / "training.log"
    dense_model(1, 3).fit(x, y, epochs=2, batch_size=16, validation_split=0.5, verbose=0,
                          callbacks=[keras.callbacks.CSVLogger(path)])
    lines = path.read_bytes().split(b"\r\n")
    assert lines[0] == b"epoch,loss,val_loss"
    assert [line.split(b",")[0] for line in lines[1:-1]] == [b"0", b"1"]


def test_lambda_callback_batch_hooks_run_in_fit_evaluate_and_predict():
    x, y = regression_data()
    seen = {"train": [], "test": [], "predict": []}
    cb = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen["train"].append(sorted(logs)),
        on_test_batch_end=lambda batch, logs: seen["test"].append(batch),
        on_predict_batch_end=lambda batch, logs: seen["predict"].append(batch))
    model = dense_model(1, 3)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[cb])
    model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[cb])
    model.predict(x, batch_size=32, verbose=0, callbacks=[cb])
    assert seen == {"train": [["loss"]] * 8, "test": [0, 1], "predict": [0]}


def test_progress_bars(capsys):
    x, y = regression_data()
    model = dense_model(1, 3, metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"3/3 - \d+s - \d+(us|ms|s)/step - loss: \S+ - mae: \S+ - val_loss: \S+ - val_mae: \S+",
                        lines[1])

    model.fit(x, y, epochs=1, batch_size=8, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch" not in out
    assert re.search(r"4/4\x1b\[0m \x1b\[32m━{20}\x1b\[0m\x1b\[37m\x1b\[0m \x1b\[1m\d+s\x1b\[0m \d+(us|ms|s)/step - "
                     r"loss: \S+ - mae: \S+ *\n$", out)  # padded over the longer line it overwrites

    model.evaluate(x, y, batch_size=16, verbose=1)
    assert re.search(r"2/2.* - loss: \S+ - mae: \S+ *\n$", capsys.readouterr().out)

    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert capsys.readouterr().out == ""

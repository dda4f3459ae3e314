"""compile(steps_per_execution=N): batch callbacks once per N steps, numbered as Keras numbers them; the
make_*_function hooks; stop_evaluating and stop_predicting."""
import numpy as np
import pytest

from gradfit import keras


def _data():
    x = np.arange(20, dtype="float32").reshape(10, 2) / 20
    y = np.arange(10, dtype="float32") / 10
    return x, y


def _model(steps_per_execution):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"], steps_per_execution=steps_per_execution)
    return model


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_batch_begin(self, batch, logs=None):
        self.events.append(("train_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("train_end", batch, round(logs["loss"], 5), int(self.model.optimizer.iterations.numpy())))

    def on_test_batch_end(self, batch, logs=None):
        self.events.append(("test_end", batch))

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append(("predict_end", batch, logs["outputs"].shape))


def test_fit_calls_batch_callbacks_once_per_execution_like_keras():
    x, y = _data()
    model, recorder = _model(3), Recorder()
    history = model.fit(x, y, batch_size=1, epochs=2, shuffle=False, verbose=0, callbacks=[recorder],
                        validation_data=(x[:5], y[:5]))
    first_epoch = [e for e in recorder.events if e[0] != "test_end"][:8]
    # Values recorded with Keras 3.15 (TensorFlow backend) for the same program.
    assert first_epoch == [("train_begin", 0), ("train_end", 2, 0.02838, 3), ("train_begin", 3),
                           ("train_end", 5, 0.10915, 6), ("train_begin", 6), ("train_end", 8, 0.22399, 9),
                           ("train_begin", 9), ("train_end", 11, 0.26507, 10)]
    assert [e for e in recorder.events if e[0] == "test_end"] == [("test_end", 2), ("test_end", 5)] * 2
    assert np.allclose(history.history["loss"], [0.26507, 0.15491], atol=1e-5)
    assert np.allclose(history.history["val_mae"], [0.15088, 0.10558], atol=1e-5)


def test_steps_per_execution_changes_no_result():
    x, y = _data()
    results = []
    for n in (1, 4):
        model = _model(n)
        history = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0)
        results.append((model.get_weights(), history.history, model.evaluate(x, y, batch_size=3, verbose=0),
                        model.predict(x, batch_size=3, verbose=0)))
    (w1, h1, e1, p1), (w4, h4, e4, p4) = results
    for a, b in zip(w1, w4):
        np.testing.assert_array_equal(a, b)
    assert h1 == h4 and e1 == e4
    np.testing.assert_array_equal(p1, p4)


def test_evaluate_and_predict_group_batches():
    x, y = _data()
    model, recorder = _model(3), Recorder()
    model.evaluate(x, y, batch_size=1, verbose=0, callbacks=[recorder])
    assert recorder.events == [("test_end", b) for b in (2, 5, 8, 11)]
    recorder.events.clear()
    out = model.predict(x, batch_size=1, verbose=0, callbacks=[recorder])
    assert out.shape == (10, 1)
    assert recorder.events == [("predict_end", 2, (3, 1)), ("predict_end", 5, (3, 1)), ("predict_end", 8, (3, 1)),
                               ("predict_end", 11, (1, 1))]


class Stopper(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch >= 3:
            self.model.stop_training = True

    def on_test_batch_end(self, batch, logs=None):
        if batch >= 3:
            self.model.stop_evaluating = True

    def on_predict_batch_end(self, batch, logs=None):
        if batch >= 3:
            self.model.stop_predicting = True


@pytest.mark.parametrize("steps_per_execution, steps_run", [(1, 4), (3, 6)])
def test_callbacks_stop_training_evaluating_and_predicting(steps_per_execution, steps_run):
    x, y = _data()
    model = _model(steps_per_execution)
    model.fit(x, y, batch_size=1, shuffle=False, verbose=0, callbacks=[Stopper()])
    assert int(model.optimizer.iterations.numpy()) == steps_run
    recorder = Recorder()
    model.evaluate(x, y, batch_size=1, verbose=0, callbacks=[Stopper(), recorder])
    assert len(recorder.events) == steps_run // steps_per_execution
    assert model.predict(x, batch_size=1, verbose=0, callbacks=[Stopper()]).shape == (steps_run, 1)
    # The next call starts again.
    assert model.predict(x, batch_size=1, verbose=0).shape == (10, 1)


def test_make_train_function_is_what_fit_runs():
    x, y = _data()
    model = _model(2)
    executions = []

    class Counting(keras.Sequential):
        def make_train_function(self, force=False):
            run = super().make_train_function(force)

            def counted(iterator):
                executions.append(1)
                return run(iterator)
            return counted

    model = Counting([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=2)
    model.fit(x, y, batch_size=2, verbose=0)
    assert len(executions) == 3  # 5 batches in executions of 2
    assert int(model.optimizer.iterations.numpy()) == 5
    plain = _model(2)
    function = plain.make_train_function()
    assert plain.make_train_function() is function and plain.make_train_function(force=True) is not function


def test_steps_per_execution_must_be_positive():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="steps_per_execution must be a positive integer, got 0"):
        model.compile("sgd", "mse", steps_per_execution=0)
    assert not model.compiled

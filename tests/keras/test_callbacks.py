"""keras.callbacks used as user code uses them, against a fake model that behaves like a Keras model for
callbacks (stop_training, optimizer.learning_rate, get/set_weights, history, metrics).

Keras's decisions on scripted runs are compared in test_callbacks_golden.py; end-to-end runs through
`model.fit` are in test_callbacks_fit.py. Where gradfit checks arguments that Keras accepts and fails on
later (or silently ignores), the test says so.
"""
import contextlib
import http.server
import io
import threading
import warnings

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras.callbacks.callback import is_default_hook


class Optimizer:
    """Holds the learning rate as Keras's optimizers do: a float32 variable behind a property."""

    def __init__(self, learning_rate=0.01):
        self._learning_rate = tf.Variable(learning_rate, dtype="float32", trainable=False)
        self.iterations = tf.Variable(0, dtype="int64", trainable=False)

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate.assign(value)


class Model:
    def __init__(self, optimizer=None, weights=None):
        self.optimizer = optimizer if optimizer is not None else Optimizer()
        self.stop_training = False
        self.history = None
        self.weights = weights if weights is not None else [np.zeros((2, 2), "float32"), np.zeros(2, "float32")]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def fit(model, callbacks, epoch_logs, steps=2, batch_logs=None, verbose=0):
    """Drives `callbacks` as fit() does: weights move each batch; returns the CallbackList."""
    cbs = keras.callbacks.CallbackList(callbacks, add_history=True, model=model, verbose=verbose,
                                       epochs=len(epoch_logs), steps=steps)
    model.stop_training = False
    cbs.on_train_begin()
    logs = {}
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            model.weights = [w + 1 for w in model.weights]
            cbs.on_train_batch_end(step, batch_logs(epoch, step) if batch_logs else {"loss": logs.get("loss", 0.0)})
            if model.stop_training:
                break
        cbs.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return cbs


# ------------------------------------------------------------------------------------------ Callback
class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", logs))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_batch_end(self, batch, logs=None):  # the legacy name still hears train batches
        self.calls.append(("batch_end", batch, logs))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, logs))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end", logs))


def test_subclassed_callback_hears_every_stage_with_python_float_logs():
    recorder = Recorder()
    model = Model()
    fit(model, [recorder], [{"loss": tf.constant(0.5), "accuracy": np.float32(0.25)}], steps=1,
        batch_logs=lambda e, s: {"loss": tf.constant(2.0)})
    assert recorder.calls == [("train_begin", {}), ("epoch_begin", 0), ("batch_end", 0, {"loss": 2.0}),
                              ("epoch_end", 0, {"accuracy": 0.25, "loss": 0.5}),
                              ("train_end", {"accuracy": 0.25, "loss": 0.5})]
    assert type(recorder.calls[3][2]["loss"]) is float
    assert recorder.model is model
    assert recorder.params == {"verbose": 0, "epochs": 1, "steps": 1}


def test_logs_reach_callbacks_sorted_and_flattened():
    seen = []
    cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(list(logs.items())))
    cbs = keras.callbacks.CallbackList([cb], model=Model())
    cbs.on_epoch_end(0, {"val_loss": 1.0, "loss": tf.constant(2.0), "outputs": {"b_acc": 0.5, "a_acc": 0.25},
                         "per_class": tf.constant([0.5, 0.75])})
    names = [k for k, _ in seen[0]]
    assert names == ["loss", "a_acc", "b_acc", "per_class", "val_loss"]
    assert seen[0][0] == ("loss", 2.0)
    np.testing.assert_array_equal(seen[0][3][1], [0.5, 0.75])  # a vector stays a vector


def test_callback_that_skips_super_init_still_works():
    class Bare(keras.callbacks.Callback):
        def __init__(self):
            self.epochs = []

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append((epoch, self.model.stop_training))

    bare = Bare()
    assert bare.model is None and bare.params is None
    fit(Model(), [bare], [{"loss": 1.0}, {"loss": 0.5}])
    assert bare.epochs == [(0, False), (1, False)]


def test_default_hooks_are_marked_and_overrides_are_not():
    recorder = Recorder()
    assert is_default_hook(recorder.on_test_end)
    assert not is_default_hook(recorder.on_epoch_end)
    lam = keras.callbacks.LambdaCallback(on_epoch_end=print)
    assert not is_default_hook(lam.on_epoch_end)


# -------------------------------------------------------------------------------------- CallbackList
def test_callback_list_adds_history_and_progbar_once():
    history, progbar = keras.callbacks.History(), keras.callbacks.ProgbarLogger()
    model = Model()
    cbs = keras.callbacks.CallbackList([[history], progbar], add_history=True, add_progbar=True, model=model,
                                       verbose=1, epochs=1, steps=1)
    assert list(cbs) == [history, progbar]
    assert model.history is history

    fresh = keras.callbacks.CallbackList(add_history=True, add_progbar=True, model=model, verbose=1, epochs=3,
                                         steps=1)
    kinds = [type(cb).__name__ for cb in fresh]
    assert kinds == ["History", "ProgbarLogger"]
    assert model.history is fresh.callbacks[0]
    assert fresh.callbacks[1].epochs == 3


def test_callback_list_append_attaches_model_and_params():
    model = Model()
    cbs = keras.callbacks.CallbackList(model=model, verbose=0, epochs=2, steps=5)
    recorder = Recorder()
    cbs.append(recorder)
    assert recorder.model is model and recorder.params == {"verbose": 0, "epochs": 2, "steps": 5}
    cbs.on_train_begin({"x": 1})
    assert recorder.calls == [("train_begin", {"x": 1.0})]


def test_callback_list_rejects_what_is_not_a_callback():
    # Keras accepts anything here and fails at the first hook call.
    with pytest.raises(TypeError, match=r"callbacks\[1\].*keras.callbacks.Callback.*got 'early'"):
        keras.callbacks.CallbackList([keras.callbacks.History(), "early"])
    cbs = keras.callbacks.CallbackList()
    with pytest.raises(TypeError, match="Callback instance"):
        cbs.append(lambda epoch, logs: None)
    assert list(cbs) == []


def test_callback_list_end_without_begin_is_an_error():
    cbs = keras.callbacks.CallbackList([Recorder()], model=Model())
    with pytest.raises(ValueError, match="called without corresponding"):
        cbs.on_train_end()
    cbs.on_train_begin()
    cbs.on_test_begin()  # fit() validates inside its own block
    cbs.on_test_end()
    cbs.on_train_end()


def test_hooks_keep_working_for_a_custom_training_loop():
    # The loop Keras documents for custom training with CallbackList.
    model = Model()
    batches = []
    callbacks = keras.callbacks.CallbackList(
        [keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append((batch, logs)))],
        add_history=True, model=model)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        for i in range(3):
            callbacks.on_train_batch_begin(i)
            callbacks.on_train_batch_end(i, {"loss": tf.constant(float(i))})
        callbacks.on_epoch_end(epoch, {"loss": tf.constant(1.0 - epoch)})
    callbacks.on_train_end()
    assert batches[-1] == (2, {"loss": 2.0})
    assert model.history.history == {"loss": [1.0, 0.0]}
    assert model.history.epoch == [0, 1]


# ------------------------------------------------------------------------------------------- History
def test_history_records_each_epoch_and_is_the_models_history():
    model = Model()
    cbs = fit(model, [], [{"loss": 0.5, "val_loss": 0.75}, {"loss": 0.25, "val_loss": 0.5}])
    history = model.history
    assert isinstance(history, keras.callbacks.History)
    assert history.history == {"loss": [0.5, 0.25], "val_loss": [0.75, 0.5]}
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert history in list(cbs)


# ------------------------------------------------------------------------------------- EarlyStopping
def test_early_stopping_stops_after_patience_and_restores_the_exact_best_weights():
    model = Model()
    snapshots = []
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    keep = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    fit(model, [stopper, keep], [{"val_loss": v} for v in (0.9, 0.5, 0.6, 0.7, 0.1, 0.0)])
    assert len(model.history.epoch) == 4  # epochs 0..3: two without improvement after epoch 1
    assert stopper.stopped_epoch == 3 and stopper.best == 0.5 and stopper.best_epoch == 1
    for restored, best in zip(model.weights, snapshots[1]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(model.weights[0], snapshots[3][0])


def test_early_stopping_prints_keras_messages_with_verbose():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fit(Model(), [keras.callbacks.EarlyStopping(monitor="loss", verbose=1, restore_best_weights=True)],
            [{"loss": 1.0}, {"loss": 2.0}])
    assert out.getvalue() == ("Epoch 2: early stopping\n"
                              "Restoring model weights from the end of the best epoch: 1.\n")


def test_early_stopping_direction_comes_from_the_models_metrics():
    class Metric:
        def __init__(self, name, direction):
            self.name, self._direction = name, direction

    class Compiled:  # as compile() groups its metrics
        name = "compile_metrics"
        metrics = [Metric("accuracy", "up"), Metric("mae", "down")]

    model = Model()
    model.metrics = [Metric("loss", "down"), Compiled()]
    up = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=0)
    fit(model, [up], [{"val_accuracy": v} for v in (0.5, 0.7, 0.9, 0.8, 0.95)])
    assert up.stopped_epoch == 3 and up.best == 0.9

    down = keras.callbacks.EarlyStopping(monitor="mae", patience=0)
    fit(model, [down], [{"mae": v} for v in (0.5, 0.4, 0.45)])
    assert down.stopped_epoch == 2 and down.best == 0.4


def test_early_stopping_bad_arguments_give_keras_warnings_and_errors():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'minimize' is unknown, fallback to auto mode."):
        stopper = keras.callbacks.EarlyStopping(monitor="loss", mode="minimize")
    assert stopper.mode == "auto"

    with pytest.warns(UserWarning, match="conditioned on metric `val_loss` which is not available. "
                                         "Available metrics are: accuracy,loss"):
        fit(Model(), [keras.callbacks.EarlyStopping()], [{"loss": 1.0, "accuracy": 0.5}])

    with pytest.raises(ValueError, match="monitor=auc, but Keras isn't able to automatically determine"):
        fit(Model(), [keras.callbacks.EarlyStopping(monitor="auc")], [{"auc": 0.5}])


def test_early_stopping_can_be_reused_across_fits():
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=1)
    model = Model()
    fit(model, [stopper], [{"loss": v} for v in (1.0, 2.0, 3.0)])
    assert stopper.stopped_epoch == 1
    fit(model, [stopper], [{"loss": v} for v in (5.0, 4.0, 3.0)])
    assert stopper.stopped_epoch == 0 and stopper.best == 3.0 and not model.stop_training


def test_early_stopping_never_stops_at_epoch_zero():
    # A custom loop that restarts its epoch count without on_train_begin keeps the old best value.
    model = Model()
    stopper = keras.callbacks.EarlyStopping(monitor="loss")
    stopper.set_model(model)
    stopper.on_train_begin()
    stopper.on_epoch_end(0, {"loss": 1.0})
    stopper.on_epoch_end(0, {"loss": 2.0})
    assert not model.stop_training and stopper.wait == 1
    stopper.on_epoch_end(1, {"loss": 2.0})
    assert model.stop_training and stopper.stopped_epoch == 1


# --------------------------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_lr_on_plateau_assigns_the_optimizers_variable_and_logs_the_rate():
    optimizer = Optimizer(0.1)
    variable = optimizer.learning_rate
    model = Model(optimizer)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fit(model, [keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, verbose=1)],
            [{"loss": 1.0}] * 3)
    assert optimizer.learning_rate is variable
    assert float(variable) == np.float32(0.025)
    # Each epoch logs the rate it trained with, before any reduction at its end.
    assert model.history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.05])
    assert out.getvalue() == ("\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.05000000074505806.\n"
                              "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.02500000037252903.\n")


def test_reduce_lr_on_plateau_sets_a_plain_attribute_or_a_variable_attribute():
    class Plain:
        learning_rate = 0.5

    model = Model(Plain())
    fit(model, [keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0)], [{"loss": 1.0}] * 2)
    assert model.optimizer.learning_rate == 0.05

    class HoldsVariable:
        def __init__(self):
            self.learning_rate = tf.Variable(0.5)

    model = Model(HoldsVariable())
    variable = model.optimizer.learning_rate
    fit(model, [keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5)], [{"loss": 1.0}] * 2)
    assert model.optimizer.learning_rate is variable and float(variable) == 0.25


def test_reduce_lr_on_plateau_cannot_change_a_schedule():
    class Schedule:
        def __call__(self, step):
            return 0.1 / (1.0 + float(step))

    class Scheduled:
        learning_rate = Schedule()
        iterations = tf.Variable(1, dtype="int64")

    model = Model(Scheduled())
    with pytest.raises(TypeError, match="created with a `LearningRateSchedule`.*not settable"):
        fit(model, [keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0)], [{"loss": 1.0}] * 2)
    assert model.history.history["learning_rate"] == [0.05]  # read at the current step


def test_reduce_lr_on_plateau_argument_errors():
    with pytest.raises(ValueError, match="does not support a factor >= 1.0. Received factor=1.5"):
        keras.callbacks.ReduceLROnPlateau(factor=1.5)
    # Keras 3 swallows unknown keyword arguments; a misspelt one is an error here, Keras 2's `epsilon` an alias.
    with pytest.raises(TypeError, match="unexpected keyword arguments: patiance"):
        keras.callbacks.ReduceLROnPlateau(patiance=3)
    with pytest.warns(UserWarning, match="`epsilon` is deprecated"):
        legacy = keras.callbacks.ReduceLROnPlateau(epsilon=0.5)
    assert legacy.min_delta == 0.5
    with pytest.warns(UserWarning, match="Learning rate reduction is conditioned on metric `val_loss` which is not "
                                         r"available. Available metrics are: loss,learning_rate\."):
        fit(Model(), [keras.callbacks.ReduceLROnPlateau()], [{"loss": 1.0}])


# ----------------------------------------------------------------------------- LearningRateScheduler
def test_learning_rate_scheduler_as_in_keras_docs():
    # Keras's docstring example; the schedule returns a scalar tensor, which Keras 3 itself rejects.
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * tf.math.exp(-0.1)

    model = Model(Optimizer(0.01))
    fit(model, [keras.callbacks.LearningRateScheduler(scheduler)], [{"loss": 1.0}] * 15, steps=1)
    assert round(float(model.optimizer.learning_rate), 5) == 0.00607
    assert len(model.history.history["learning_rate"]) == 15


def test_learning_rate_scheduler_epoch_only_schedule_and_message():
    out = io.StringIO()
    model = Model(Optimizer(1.0))
    with contextlib.redirect_stdout(out):
        fit(model, [keras.callbacks.LearningRateScheduler(lambda epoch: 0.5 ** epoch, verbose=1)],
            [{"loss": 1.0}] * 2)
    assert out.getvalue() == ("\nEpoch 1: LearningRateScheduler setting learning rate to 1.0.\n"
                              "\nEpoch 2: LearningRateScheduler setting learning rate to 0.5.\n")
    assert model.history.history["learning_rate"] == [1.0, 0.5]


def test_learning_rate_scheduler_argument_errors():
    with pytest.raises(TypeError, match="expected `schedule` to be a function"):
        keras.callbacks.LearningRateScheduler(0.1)
    model = Model(Optimizer(0.1))
    with pytest.raises(ValueError, match=r"The output of the `schedule` function should be a float. Got: \[0.1\]"):
        fit(model, [keras.callbacks.LearningRateScheduler(lambda epoch, lr: [0.1])], [{"loss": 1.0}])
    assert float(model.optimizer.learning_rate) == np.float32(0.1)

    class NoRate:
        pass

    with pytest.raises(ValueError, match='Optimizer must have a "learning_rate" attribute.'):
        fit(Model(NoRate()), [keras.callbacks.LearningRateScheduler(lambda epoch: 0.1)], [{"loss": 1.0}])


# ------------------------------------------------------------------------------------ TerminateOnNaN
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_terminate_on_nan_stops_after_the_batch(bad):
    model = Model()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fit(model, [keras.callbacks.TerminateOnNaN()], [{"loss": 1.0}] * 3, steps=4,
            batch_logs=lambda epoch, step: {"loss": bad if (epoch, step) == (1, 2) else 0.5})
    assert out.getvalue() == "Batch 2: Invalid loss, terminating training\n"
    assert model.history.epoch == [0, 1]
    assert model.weights[1][0] == 4 + 3  # four batches of epoch 0, three of epoch 1


def test_terminate_on_nan_can_raise_instead():
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1. Loss value: nan."):
        fit(Model(), [keras.callbacks.TerminateOnNaN(raise_error=True)], [{"loss": 1.0}],
            batch_logs=lambda epoch, step: {"loss": float("nan") if step else 1.0})


# ----------------------------------------------------------------------------------------- CSVLogger
def test_csv_logger_streams_epochs_and_closes_the_file(tmp_path):
    path = tmp_path / "training.log"
    logger = keras.callbacks.CSVLogger(str(path))
    model = Model()
    cbs = keras.callbacks.CallbackList([logger], model=model)
    cbs.on_train_begin()
    cbs.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75})
    # Each row is flushed as it is written, so a run can be followed while it trains.
    assert path.read_text() == "epoch,loss,val_loss\n0,0.5,0.75\n"
    cbs.on_epoch_end(1, {"loss": 0.25, "val_loss": 0.5})
    cbs.on_train_end()
    assert logger.csv_file.closed
    assert path.read_bytes() == b"epoch,loss,val_loss\r\n0,0.5,0.75\r\n1,0.25,0.5\r\n"


def test_csv_logger_bad_filename():
    with pytest.raises(TypeError, match="CSVLogger expected `filename` to be a path"):
        keras.callbacks.CSVLogger(3)


# ------------------------------------------------------------------------------------ LambdaCallback
def test_lambda_callback_calls_the_functions_with_keras_arguments():
    calls = []
    cb = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_begin=lambda logs: calls.append(("train_begin",)),
        on_train_end=lambda logs: calls.append(("train_end", logs["loss"])),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs["loss"])),
        on_test_end=lambda logs: calls.append(("test_end", logs)))
    model = Model()
    fit(model, [cb], [{"loss": 0.5}], steps=1)
    assert calls == [("train_begin",), ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0, 0.5),
                     ("epoch_end", 0, 0.5), ("train_end", 0.5)]
    cbs = keras.callbacks.CallbackList([cb], model=model)
    cbs.on_test_begin()
    cbs.on_test_end({"loss": 1})
    assert calls[-1] == ("test_end", {"loss": 1.0})


def test_lambda_callback_legacy_batch_hooks_still_fire():
    seen = []
    cb = keras.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    fit(Model(), [cb], [{"loss": 0.5}], steps=3)
    assert seen == [0, 1, 2]


def test_lambda_callback_rejects_unknown_hooks_and_non_functions():
    # Keras stores any keyword argument, so a misspelt hook is silently never called.
    with pytest.raises(TypeError, match="unknown hook `on_epoch_ned`"):
        keras.callbacks.LambdaCallback(on_epoch_ned=print)
    with pytest.raises(TypeError, match="expected `on_epoch_end` to be a function, got 3"):
        keras.callbacks.LambdaCallback(on_epoch_end=3)


# ------------------------------------------------------------------------------------- RemoteMonitor
class Server:
    """A local HTTP server answering POSTs with `status`; records the bodies it receives."""

    def __init__(self, status=200):
        self.bodies = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                server.bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def test_remote_monitor_posts_each_epoch_as_json():
    with Server() as server:
        fit(Model(), [keras.callbacks.RemoteMonitor(root=server.url, send_as_json=True)],
            [{"loss": tf.constant(0.5), "per_class": tf.constant([0.25, 0.75])}, {"loss": 0.25, "per_class": [1, 0]}])
    assert server.bodies == ['{"epoch": 0, "loss": 0.5, "per_class": [0.25, 0.75]}',
                             '{"epoch": 1, "loss": 0.25, "per_class": [1, 0]}']


def test_remote_monitor_warns_when_the_server_cannot_be_reached_and_training_goes_on():
    with Server() as server:
        url = server.url
    model = Model()
    with pytest.warns(UserWarning, match=f"Could not reach RemoteMonitor root server at {url}"):
        fit(model, [keras.callbacks.RemoteMonitor(root=url)], [{"loss": 1.0}, {"loss": 0.5}])
    assert model.history.epoch == [0, 1]


def test_remote_monitor_ignores_the_servers_answer():
    with Server(status=500) as server, warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(Model(), [keras.callbacks.RemoteMonitor(root=server.url)], [{"loss": 1.0}])
    assert server.bodies == ["data=%7B%22epoch%22%3A+0%2C+%22loss%22%3A+1.0%7D"]

"""Callbacks decide, print, write and send what Keras 3's do, for the scripted runs recorded by
golden/make_callbacks.py (fixture tests/fixtures/callbacks/callbacks.npz).

Each run drives a CallbackList as fit() does, on a fake model whose weights are tagged with the epoch that
produced them, so EarlyStopping's restored weights show which epoch they came from.
"""
import contextlib
import http.server
import io
import json
import math
import os
import threading
import types
import warnings

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras.utils import progbar as progbar_module

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "callbacks", "callbacks.npz"))
SCENARIOS = json.loads(str(FIXTURE["scenarios"]))
RECORDS = json.loads(str(FIXTURE["records"]))

# The schedules golden/make_callbacks.py used, by name.
SCHEDULES = {
    "halve_each_epoch": lambda epoch: 0.1 * 0.5 ** epoch,
    "decay_after_two": lambda epoch, lr: lr if epoch < 2 else lr * 0.9,
    "step_down": lambda epoch, lr: 0.01 if epoch >= 3 else lr,
    "returns_int": lambda epoch: 1,
}


class FakeOptimizer:
    def __init__(self, learning_rate, name="fake"):
        self.learning_rate = learning_rate
        self.name = name


class MultiOptimizer:
    def __init__(self, optimizers):
        self.optimizers = optimizers


class FakeModel:
    """Behaves like a Keras model for callbacks: stop_training, optimizer.learning_rate, get/set_weights."""

    def __init__(self, lr=0.1, optimizer="float"):
        if isinstance(lr, list):
            self.optimizer = MultiOptimizer([FakeOptimizer(v, name=f"opt{i}") for i, v in enumerate(lr)])
        elif optimizer == "float32":
            # Keras keeps the rate in a float32 variable; so does this optimizer.
            self.optimizer = FakeOptimizer(tf.Variable(lr, dtype="float32"))
        else:
            self.optimizer = FakeOptimizer(lr)
        self.stop_training = False
        self.weights = [np.zeros(2, "float32"), np.zeros((), "float32")]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def train_epoch(self, epoch):
        self.weights = [np.full(2, epoch, "float32"), np.array(epoch * 10, "float32")]


def learning_rates(model):
    opts = model.optimizer.optimizers if hasattr(model.optimizer, "optimizers") else [model.optimizer]
    return [float(o.learning_rate) for o in opts]


def plain(value):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def rounded(record):
    """The record with floats to 12 significant digits, so == compares at 1e-12 with readable diffs."""
    if isinstance(record, dict):
        return {k: rounded(v) for k, v in record.items()}
    if isinstance(record, list):
        return [rounded(v) for v in record]
    if isinstance(record, float):
        return float(f"{record:.12g}")
    return record


@contextlib.contextmanager
def captured():
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        record = {}
        yield record
    record["printed"] = out.getvalue()
    # Only the warnings callbacks give users (NumPy's deprecation notices from inside Keras are left out).
    record["warnings"] = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def scripted_fit(callback, model, logs, epochs, state):
    callbacks = keras.callbacks.CallbackList([callback], add_history=True, model=model, verbose=0,
                                             epochs=epochs, steps=1)
    model.stop_training = False
    callbacks.on_train_begin()
    epoch_logs, epochs_run = {}, []
    for epoch in range(epochs):
        callbacks.on_epoch_begin(epoch)
        model.train_epoch(epoch)
        epoch_logs = dict(logs[epoch])
        callbacks.on_epoch_end(epoch, epoch_logs)
        epochs_run.append(state(callback, model))
        if model.stop_training:
            break
    callbacks.on_train_end(epoch_logs)
    history = {k: [plain(v) for v in vs] for k, vs in model.history.history.items()}
    return {"epochs": epochs_run, "history": history, "final_weights": [w.tolist() for w in model.weights]}


def check(area, name, record):
    assert rounded(record) == rounded(RECORDS[area][name])


def scenario_logs(scenario):
    return [{k: (math.nan if v is None else v) for k, v in logs.items()} for logs in scenario["logs"]]


@pytest.mark.parametrize("name", sorted(SCENARIOS["early_stopping"]))
def test_early_stopping_matches_keras(name):
    scenario = SCENARIOS["early_stopping"][name]

    def state(cb, model):
        return {"stop_training": bool(model.stop_training), "wait": cb.wait, "best": plain(cb.best),
                "best_epoch": cb.best_epoch, "stopped_epoch": cb.stopped_epoch}

    with captured() as record:
        try:
            callback = keras.callbacks.EarlyStopping(**scenario["kwargs"])
            model = FakeModel()
            record["fits"] = [scripted_fit(callback, model, scenario_logs(scenario), scenario["epochs"], state)
                              for _ in range(scenario.get("fits", 1))]
        except ValueError as e:
            record["error"] = [type(e).__name__, str(e)]
    check("early_stopping", name, record)


@pytest.mark.parametrize("name", sorted(SCENARIOS["reduce_lr"]))
def test_reduce_lr_on_plateau_matches_keras(name):
    scenario = SCENARIOS["reduce_lr"][name]

    def state(cb, model):
        return {"lr": learning_rates(model), "wait": cb.wait, "cooldown_counter": cb.cooldown_counter,
                "best": plain(cb.best)}

    with captured() as record:
        try:
            callback = keras.callbacks.ReduceLROnPlateau(**scenario["kwargs"])
            model = FakeModel(scenario["lr"], scenario.get("optimizer", "float"))
            record["fits"] = [scripted_fit(callback, model, scenario_logs(scenario), scenario["epochs"], state)]
        except ValueError as e:
            record["error"] = [type(e).__name__, str(e)]
    check("reduce_lr", name, record)


@pytest.mark.parametrize("name", sorted(SCENARIOS["lr_scheduler"]))
def test_learning_rate_scheduler_matches_keras(name):
    scenario = SCENARIOS["lr_scheduler"][name]
    kwargs = dict(scenario["kwargs"], schedule=SCHEDULES[scenario["kwargs"]["schedule"]])
    with captured() as record:
        try:
            callback = keras.callbacks.LearningRateScheduler(**kwargs)
            model = FakeModel(scenario["lr"], scenario.get("optimizer", "float"))
            logs = [{"loss": 1.0, "val_loss": 1.0}] * scenario["epochs"]
            record["fits"] = [scripted_fit(callback, model, logs, scenario["epochs"],
                                           lambda cb, model: {"lr": learning_rates(model)})]
        except ValueError as e:
            record["error"] = [type(e).__name__, str(e)]
    check("lr_scheduler", name, record)


@pytest.mark.parametrize("name", sorted(SCENARIOS["csv_logger"]))
def test_csv_logger_writes_the_bytes_keras_writes(name, tmp_path):
    scenario = SCENARIOS["csv_logger"][name]
    path = tmp_path / "log.csv"
    if "existing" in scenario:
        path.write_bytes(scenario["existing"].encode())
    logger = keras.callbacks.CSVLogger(path, **scenario["kwargs"])
    for fit_logs in scenario["fits"]:
        callbacks = keras.callbacks.CallbackList([logger], model=FakeModel(), verbose=0, epochs=len(fit_logs),
                                                 steps=1)
        callbacks.on_train_begin()
        for epoch, logs in enumerate(fit_logs):
            callbacks.on_epoch_begin(epoch)
            logs = {k: tf.constant(v) if isinstance(v, list) else (math.nan if v is None else v)
                    for k, v in logs.items()}
            callbacks.on_epoch_end(epoch, logs)
        callbacks.on_train_end()
    assert path.read_bytes() == FIXTURE[f"csv_{name}"].tobytes()


@pytest.mark.parametrize("name", sorted(SCENARIOS["progbar"]))
def test_progbar_logger_prints_what_keras_prints(name, monkeypatch):
    scenario = SCENARIOS["progbar"][name]
    clock = {"now": 1000.0}
    monkeypatch.setattr(progbar_module, "time", types.SimpleNamespace(time=lambda: clock["now"]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        callbacks = keras.callbacks.CallbackList(add_progbar=True, model=FakeModel(), **scenario["params"])
        for call in scenario["calls"]:
            if call[0] == "time":
                clock["now"] = 1000.0 + call[1]
            else:
                getattr(callbacks, call[0])(*call[1:])
    assert out.getvalue() == RECORDS["progbar"][name]


class RecordingServer:
    """An HTTP server on 127.0.0.1 that records each POST: path, content type, X-Run header, body."""

    def __init__(self):
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                        "x_run": self.headers.get("X-Run"), "body": body.decode()})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.mark.parametrize("name", sorted(SCENARIOS["remote_monitor"]))
def test_remote_monitor_sends_the_requests_keras_sends(name):
    scenario = SCENARIOS["remote_monitor"][name]
    server = RecordingServer()
    try:
        monitor = keras.callbacks.RemoteMonitor(root=server.url, **scenario["kwargs"])
        callbacks = keras.callbacks.CallbackList([monitor], model=FakeModel(), verbose=0, epochs=1, steps=1)
        callbacks.on_train_begin()
        for epoch, logs in enumerate(scenario["logs"]):
            callbacks.on_epoch_end(epoch, dict(logs))
        callbacks.on_train_end()
    finally:
        server.close()
    assert server.requests == RECORDS["remote_monitor"][name]

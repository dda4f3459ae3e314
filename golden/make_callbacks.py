"""Records what Keras 3's callbacks decide and print for scripted training runs.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_callbacks.py
Writes tests/fixtures/callbacks/callbacks.npz: the scenarios as JSON and, for each, Keras's record as JSON
(per-epoch state, learning rates, printed text, warnings, errors), the bytes CSVLogger wrote, the text
ProgbarLogger printed under a fake clock and the HTTP requests RemoteMonitor sent.

A scripted run drives a `CallbackList` the way `fit()` does, on a fake model whose weights are tagged with
the epoch that produced them and whose optimizer holds the learning rate as a plain float, so every decision
can be compared exactly. Scenarios marked `"optimizer": "float32"` use a real Keras SGD optimizer instead
(its learning rate lives in a float32 variable, which the messages show).
"""
import contextlib
import http.server
import io
import json
import math
import os
import tempfile
import threading
import types
import warnings

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
from keras.src.utils import progbar as keras_progbar  # noqa: E402

NAN = float("nan")

# Learning-rate schedules by name; tests/keras/test_callbacks_golden.py defines the same ones.
SCHEDULES = {
    "halve_each_epoch": lambda epoch: 0.1 * 0.5 ** epoch,
    "decay_after_two": lambda epoch, lr: lr if epoch < 2 else lr * 0.9,
    "step_down": lambda epoch, lr: 0.01 if epoch >= 3 else lr,
    "returns_int": lambda epoch: 1,
}


def losses(*values):
    return [{"loss": v, "val_loss": v} for v in values]


EARLY_STOPPING = {
    "patience_2": {"kwargs": {"monitor": "loss", "patience": 2}, "epochs": 10,
                   "logs": losses(1.0, 0.8, 0.7, 0.75, 0.71, 0.69, 0.7, 0.72, 0.5, 0.4)},
    "patience_0_stops_at_first_setback": {"kwargs": {"monitor": "val_loss"}, "epochs": 6,
                                          "logs": losses(1.0, 0.9, 0.95, 0.5, 0.4, 0.3)},
    "flat_first_epochs_never_stop_at_epoch_0": {"kwargs": {"monitor": "loss", "patience": 0}, "epochs": 4,
                                                "logs": losses(1.0, 1.0, 1.0, 1.0)},
    "min_delta": {"kwargs": {"monitor": "loss", "min_delta": 0.1, "patience": 1}, "epochs": 8,
                  "logs": losses(1.0, 0.95, 0.85, 0.7, 0.65, 0.62, 0.3, 0.2)},
    "negative_min_delta_is_its_magnitude": {"kwargs": {"monitor": "loss", "min_delta": -0.1, "patience": 1},
                                            "epochs": 6, "logs": losses(1.0, 0.95, 0.85, 0.7, 0.65, 0.62)},
    "max_mode": {"kwargs": {"monitor": "val_accuracy", "mode": "max", "patience": 2}, "epochs": 8,
                 "logs": [{"val_accuracy": a} for a in (0.5, 0.6, 0.6, 0.7, 0.65, 0.69, 0.7, 0.9)]},
    "baseline_never_beaten": {"kwargs": {"monitor": "val_accuracy", "mode": "max", "baseline": 0.9,
                                         "patience": 3, "restore_best_weights": True},
                              "epochs": 10, "logs": [{"val_accuracy": a} for a in (0.5, 0.7, 0.6, 0.8, 0.85, 0.95)]
                              + [{"val_accuracy": 0.99}] * 4},
    "baseline_beaten_later": {"kwargs": {"monitor": "val_loss", "baseline": 0.5, "patience": 2}, "epochs": 8,
                              "logs": losses(0.9, 0.8, 0.45, 0.46, 0.47, 0.3, 0.2, 0.1)},
    "start_from_epoch": {"kwargs": {"monitor": "loss", "patience": 1, "start_from_epoch": 3}, "epochs": 9,
                         "logs": losses(5.0, 6.0, 7.0, 1.0, 1.1, 1.2, 0.5, 0.4, 0.3)},
    "restore_best_weights_on_stop": {"kwargs": {"monitor": "val_loss", "patience": 2,
                                                "restore_best_weights": True, "verbose": 1},
                                     "epochs": 10, "logs": losses(1.0, 0.6, 0.4, 0.45, 0.5, 0.3)},
    "restore_best_weights_at_end": {"kwargs": {"monitor": "val_loss", "patience": 5,
                                               "restore_best_weights": True, "verbose": 1},
                                    "epochs": 5, "logs": losses(1.0, 0.3, 0.4, 0.5, 0.6)},
    "restore_with_start_from_epoch": {"kwargs": {"monitor": "loss", "patience": 1, "start_from_epoch": 2,
                                                 "restore_best_weights": True, "verbose": 1},
                                      "epochs": 8, "logs": losses(0.1, 0.2, 0.9, 0.8, 0.85, 0.9, 0.1, 0.1)},
    "verbose_stop_message": {"kwargs": {"monitor": "loss", "patience": 1, "verbose": 1}, "epochs": 6,
                             "logs": losses(1.0, 0.9, 0.95, 0.97, 0.2, 0.1)},
    "missing_monitor_warns": {"kwargs": {"monitor": "val_loss", "patience": 1}, "epochs": 4,
                              "logs": [{"loss": 1.0}, {"loss": 0.9, "val_loss": 0.9}, {"loss": 0.8},
                                       {"loss": 0.7, "val_loss": 1.0}]},
    "unknown_mode_falls_back_to_auto": {"kwargs": {"monitor": "loss", "mode": "minimum", "patience": 1},
                                        "epochs": 5, "logs": losses(1.0, 0.9, 1.2, 1.3, 0.1)},
    "auto_mode_cannot_infer": {"kwargs": {"monitor": "val_accuracy"}, "epochs": 3,
                               "logs": [{"val_accuracy": 0.5}] * 3},
    "nan_is_never_an_improvement": {"kwargs": {"monitor": "loss", "patience": 2}, "epochs": 6,
                                    "logs": losses(1.0, NAN, NAN, 0.5, NAN, NAN)},
    "second_fit_starts_afresh": {"kwargs": {"monitor": "loss", "patience": 1}, "epochs": 4, "fits": 2,
                                 "logs": losses(1.0, 2.0, 3.0, 4.0)},
}

REDUCE_LR = {
    "patience_2_factor_half": {"kwargs": {"monitor": "val_loss", "factor": 0.5, "patience": 2}, "lr": 0.1,
                               "epochs": 10, "logs": losses(1.0, 0.9, 0.95, 0.91, 0.92, 0.8, 0.85, 0.86, 0.87, 0.88)},
    "cooldown_and_min_lr": {"kwargs": {"monitor": "loss", "factor": 0.1, "patience": 1, "cooldown": 2,
                                       "min_lr": 0.0005, "verbose": 1},
                            "lr": 0.1, "epochs": 12, "logs": losses(*[1.0] * 12)},
    "default_min_delta": {"kwargs": {"monitor": "loss", "patience": 1, "verbose": 1}, "lr": 0.01, "epochs": 6,
                          "logs": losses(1.0, 0.99995, 0.9999, 0.9, 0.89995, 0.8999)},
    "max_mode_with_min_delta": {"kwargs": {"monitor": "val_accuracy", "mode": "max", "factor": 0.2,
                                           "patience": 1, "min_delta": 0.01},
                                "lr": 1.0, "epochs": 7,
                                "logs": [{"val_accuracy": a} for a in (0.5, 0.505, 0.52, 0.525, 0.6, 0.6, 0.61)]},
    "float32_optimizer": {"kwargs": {"monitor": "loss", "factor": 0.3, "patience": 1, "verbose": 1,
                                     "min_lr": 0.001},
                          "lr": 0.05, "optimizer": "float32", "epochs": 8, "logs": losses(*[2.0] * 8)},
    "min_lr_equal_to_float32_lr": {"kwargs": {"monitor": "loss", "patience": 1, "min_lr": 0.001, "verbose": 1},
                                   "lr": 0.001, "optimizer": "float32", "epochs": 4, "logs": losses(*[1.0] * 4)},
    "monitor_learning_rate_itself": {"kwargs": {"monitor": "learning_rate", "mode": "min", "patience": 1,
                                                "factor": 0.5},
                                     "lr": 0.4, "epochs": 5, "logs": losses(*[1.0] * 5)},
    "missing_monitor_warns": {"kwargs": {"monitor": "val_loss", "patience": 1}, "lr": 0.1, "epochs": 3,
                              "logs": [{"loss": 1.0}] * 3},
    "multiple_optimizers": {"kwargs": {"monitor": "loss", "patience": 1, "factor": 0.5, "verbose": 1},
                            "lr": [0.1, 0.02], "epochs": 4, "logs": losses(1.0, 1.0, 1.0, 1.0)},
    "factor_one_rejected": {"kwargs": {"factor": 1.0}, "lr": 0.1, "epochs": 0, "logs": []},
}

LR_SCHEDULER = {
    "epoch_only_schedule": {"kwargs": {"schedule": "halve_each_epoch"}, "lr": 0.1, "epochs": 5},
    "epoch_and_lr_schedule": {"kwargs": {"schedule": "decay_after_two", "verbose": 1}, "lr": 0.05,
                              "optimizer": "float32", "epochs": 6},
    "plain_float_optimizer": {"kwargs": {"schedule": "decay_after_two"}, "lr": 0.05, "epochs": 6},
    "step_down_verbose": {"kwargs": {"schedule": "step_down", "verbose": 1}, "lr": 0.1, "epochs": 5},
    "multiple_optimizers": {"kwargs": {"schedule": "decay_after_two", "verbose": 1}, "lr": [0.1, 0.02],
                            "epochs": 4},
    "schedule_returning_int": {"kwargs": {"schedule": "returns_int"}, "lr": 0.1, "epochs": 2},
}

CSV_LOGGER = {
    "train_and_validation": {"kwargs": {}, "fits": [[
        {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625, "val_accuracy": 0.7},
        {"loss": 0.1 + 0.2, "accuracy": 0.8125, "val_loss": 0.3333333333333333, "val_accuracy": 0.8}]]},
    "no_validation_adds_na_columns": {"kwargs": {}, "fits": [[{"loss": 1e-08, "mae": 3.0},
                                                              {"loss": 2.5e-05, "mae": 1234567.125}]]},
    "semicolon_separator": {"kwargs": {"separator": ";"}, "fits": [[{"loss": 0.25, "val_loss": 0.5},
                                                                    {"loss": 0.125, "val_loss": 0.375}]]},
    "tab_separator_and_special_values": {"kwargs": {"separator": "\t"},
                                         "fits": [[{"loss": NAN, "val_loss": float("inf")},
                                                   {"loss": -0.0, "val_loss": -float("inf")}]]},
    "vector_and_text_values": {"kwargs": {}, "fits": [[{"loss": 0.5, "per_class": [0.25, 0.75], "tag": "a,b"},
                                                       {"loss": 0.25, "per_class": [0.5, 1.0], "tag": 'say "hi"'}]]},
    "keys_change_between_epochs": {"kwargs": {}, "fits": [[{"loss": 0.5}, {"loss": 0.4, "extra": 1.0},
                                                           {"accuracy": 0.9}]]},
    "overwrite_on_second_fit": {"kwargs": {}, "fits": [[{"loss": 0.5}], [{"loss": 0.25, "val_loss": 0.3}]]},
    "append_keeps_rows_without_second_header": {"kwargs": {"append": True},
                                                "fits": [[{"loss": 0.5}, {"loss": 0.4}], [{"loss": 0.3}]]},
    "append_to_empty_file_writes_header": {"kwargs": {"append": True}, "existing": "",
                                           "fits": [[{"loss": 0.5}]]},
    "append_to_existing_file": {"kwargs": {"append": True}, "existing": "epoch,loss\r\n0,9.0\r\n",
                                "fits": [[{"loss": 0.5}]]},
    "no_logs": {"kwargs": {}, "fits": [[{}, {}]]},
}

# Call sequences as fit()/evaluate()/predict() make them: [hook, *args]; logs are dicts.
PROGBAR = {
    "fit_verbose_1_with_validation": {
        "params": {"verbose": 1, "epochs": 2, "steps": 3},
        "calls": [["on_train_begin"]]
        + [c for epoch in range(2) for c in (
            [["on_epoch_begin", epoch]]
            + [c2 for step in range(3) for c2 in (
                [["time", 0.5 * (3 * epoch + step) + 0.25], ["on_train_batch_begin", step],
                 ["time", 0.5 * (3 * epoch + step) + 0.5],
                 ["on_train_batch_end", step, {"loss": 1.0 / (step + 1 + epoch), "accuracy": 0.25 * step}]])]
            + [["on_test_begin"], ["on_test_batch_begin", 0], ["on_test_batch_end", 0, {"loss": 0.5}],
               ["on_test_end", {"loss": 0.5}],
               ["on_epoch_end", epoch, {"loss": 0.75 - epoch * 0.25, "accuracy": 0.5, "val_loss": 0.5}]])]
        + [["on_train_end", {"loss": 0.5}]],
    },
    "fit_verbose_2": {
        "params": {"verbose": 2, "epochs": 2, "steps": 4},
        "calls": [["on_train_begin"]]
        + [c for epoch in range(2) for c in (
            [["on_epoch_begin", epoch]]
            + [c2 for step in range(4) for c2 in (
                [["time", 2.0 * epoch + 0.3 * (step + 1)],
                 ["on_train_batch_end", step, {"loss": 2.0 / (step + 1), "mae": 0.0001}]])]
            + [["time", 2.0 * epoch + 1.5], ["on_epoch_end", epoch, {"loss": 0.5, "mae": 0.0001}]])]
        + [["on_train_end", {"loss": 0.5, "mae": 0.0001}]],
    },
    "fit_one_epoch_has_no_header": {
        "params": {"verbose": 1, "epochs": 1, "steps": 2},
        "calls": [["on_train_begin"], ["on_epoch_begin", 0], ["time", 0.1], ["on_train_batch_end", 0, {"loss": 3.0}],
                  ["time", 0.2], ["on_train_batch_end", 1, {"loss": 2.0}], ["on_epoch_end", 0, {"loss": 2.0}],
                  ["on_train_end", {"loss": 2.0}]],
    },
    "fit_unknown_steps": {
        "params": {"verbose": 1, "epochs": 2, "steps": None},
        "calls": [["on_train_begin"]]
        + [c for epoch in range(2) for c in (
            [["on_epoch_begin", epoch]]
            + [c2 for step in range(3) for c2 in (
                [["time", 1.0 * epoch + 0.2 * (step + 1)], ["on_train_batch_end", step, {"loss": 1.0}]])]
            + [["on_epoch_end", epoch, {"loss": 1.0}]])]
        + [["on_train_end", {"loss": 1.0}]],
    },
    "fit_verbose_auto": {
        "params": {"verbose": "auto", "epochs": 1, "steps": 1},
        "calls": [["on_train_begin"], ["on_epoch_begin", 0], ["time", 0.004],
                  ["on_train_batch_end", 0, {"loss": 0.25}], ["on_epoch_end", 0, {"loss": 0.25}],
                  ["on_train_end", {"loss": 0.25}]],
    },
    "evaluate": {
        "params": {"verbose": 1, "epochs": 1, "steps": 4},
        "calls": [["on_test_begin"]]
        + [c for step in range(4) for c in (
            [["time", 0.1 * (step + 1)], ["on_test_batch_begin", step],
             ["on_test_batch_end", step, {"loss": 0.5 + step, "accuracy": 0.125}]])]
        + [["on_test_end", {"loss": 2.0, "accuracy": 0.125}]],
    },
    "predict_unknown_steps": {
        "params": {"verbose": 1, "epochs": 1, "steps": None},
        "calls": [["on_predict_begin"]]
        + [c for step in range(3) for c in (
            [["time", 0.05 * (step + 1)], ["on_predict_batch_begin", step],
             ["on_predict_batch_end", step, {"outputs": [[1.0, 2.0]]}]])]
        + [["on_predict_end"]],
    },
    "predict_verbose_2": {
        "params": {"verbose": 2, "epochs": 1, "steps": 2},
        "calls": [["on_predict_begin"], ["time", 0.5], ["on_predict_batch_end", 0, {"outputs": [[1.0]]}],
                  ["time", 1.0], ["on_predict_batch_end", 1, {"outputs": [[1.0]]}], ["on_predict_end"]],
    },
}

REMOTE_MONITOR = {
    "form_default": {"kwargs": {}, "logs": [{"loss": 0.5, "val_loss": 0.25}, {"loss": 0.125}]},
    "json_with_headers": {"kwargs": {"send_as_json": True, "headers": {"X-Run": "seven"},
                                     "path": "/runs/7/"},
                          "logs": [{"loss": 0.5, "accuracy": 1.0}]},
    "custom_field": {"kwargs": {"field": "payload", "path": "/epochs"}, "logs": [{"loss": 1.5}]},
}


class FakeOptimizer:
    def __init__(self, learning_rate, name="fake"):
        self.learning_rate = learning_rate
        self.name = name


class MultiOptimizer:
    def __init__(self, optimizers):
        self.optimizers = optimizers


class FakeModel:
    """Weights that record which epoch produced them; the optimizer as the scenario asks."""

    def __init__(self, lr=0.1, optimizer="float"):
        if isinstance(lr, list):
            self.optimizer = MultiOptimizer([FakeOptimizer(v, name=f"opt{i}") for i, v in enumerate(lr)])
        elif optimizer == "float32":
            self.optimizer = keras.optimizers.SGD(learning_rate=lr)
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
    return [float(o.learning_rate.numpy() if hasattr(o.learning_rate, "numpy") else o.learning_rate) for o in opts]


def plain(value):
    """JSON-safe: NaN becomes None, NumPy scalars become floats."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


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
    """Drives the callback as fit() does; returns the per-epoch `state(callback, model, logs)` records."""
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


def run_early_stopping(scenario):
    def state(cb, model):
        return {"stop_training": bool(model.stop_training), "wait": cb.wait, "best": plain(cb.best),
                "best_epoch": cb.best_epoch, "stopped_epoch": cb.stopped_epoch}

    with captured() as record:
        try:
            callback = keras.callbacks.EarlyStopping(**scenario["kwargs"])
            model = FakeModel()
            record["fits"] = [scripted_fit(callback, model, scenario["logs"], scenario["epochs"], state)
                              for _ in range(scenario.get("fits", 1))]
        except Exception as e:  # noqa: BLE001 - the error is part of the record
            record["error"] = [type(e).__name__, str(e)]
    return record


def run_reduce_lr(scenario):
    def state(cb, model):
        return {"lr": learning_rates(model), "wait": cb.wait, "cooldown_counter": cb.cooldown_counter,
                "best": plain(cb.best)}

    with captured() as record:
        try:
            callback = keras.callbacks.ReduceLROnPlateau(**scenario["kwargs"])
            model = FakeModel(scenario["lr"], scenario.get("optimizer", "float"))
            record["fits"] = [scripted_fit(callback, model, scenario["logs"], scenario["epochs"], state)]
        except Exception as e:  # noqa: BLE001
            record["error"] = [type(e).__name__, str(e)]
    return record


def run_lr_scheduler(scenario):
    def state(cb, model):
        return {"lr": learning_rates(model)}

    kwargs = dict(scenario["kwargs"], schedule=SCHEDULES[scenario["kwargs"]["schedule"]])
    with captured() as record:
        try:
            callback = keras.callbacks.LearningRateScheduler(**kwargs)
            model = FakeModel(scenario["lr"], scenario.get("optimizer", "float"))
            logs = losses(*[1.0] * scenario["epochs"])
            record["fits"] = [scripted_fit(callback, model, logs, scenario["epochs"], state)]
        except Exception as e:  # noqa: BLE001
            record["error"] = [type(e).__name__, str(e)]
    return record


def run_csv_logger(scenario, folder):
    path = os.path.join(folder, "log.csv")
    if "existing" in scenario:
        with open(path, "w", newline="") as f:
            f.write(scenario["existing"])
    logger = keras.callbacks.CSVLogger(path, **scenario["kwargs"])
    for fit_logs in scenario["fits"]:
        model = FakeModel()
        callbacks = keras.callbacks.CallbackList([logger], model=model, verbose=0, epochs=len(fit_logs), steps=1)
        callbacks.on_train_begin()
        for epoch, logs in enumerate(fit_logs):
            callbacks.on_epoch_begin(epoch)
            logs = {k: np.array(v) if isinstance(v, list) else v for k, v in logs.items()}
            callbacks.on_epoch_end(epoch, logs)
        callbacks.on_train_end()
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def run_progbar(scenario):
    clock = {"now": 1000.0}
    real_time = keras_progbar.time
    keras_progbar.time = types.SimpleNamespace(time=lambda: clock["now"])
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            callbacks = keras.callbacks.CallbackList(add_progbar=True, model=FakeModel(), **scenario["params"])
            for call in scenario["calls"]:
                if call[0] == "time":
                    clock["now"] = 1000.0 + call[1]
                else:
                    getattr(callbacks, call[0])(*call[1:])
    finally:
        keras_progbar.time = real_time
    return out.getvalue()


class RecordingServer:
    """An HTTP server on 127.0.0.1 that records each POST: path, content type, extra headers, body."""

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


def run_remote_monitor(scenario):
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
    return server.requests


def main():
    records = {
        "early_stopping": {name: run_early_stopping(s) for name, s in EARLY_STOPPING.items()},
        "reduce_lr": {name: run_reduce_lr(s) for name, s in REDUCE_LR.items()},
        "lr_scheduler": {name: run_lr_scheduler(s) for name, s in LR_SCHEDULER.items()},
        "progbar": {name: run_progbar(s) for name, s in PROGBAR.items()},
        "remote_monitor": {name: run_remote_monitor(s) for name, s in REMOTE_MONITOR.items()},
    }
    with tempfile.TemporaryDirectory() as folder:
        csv_files = {name: run_csv_logger(s, folder) for name, s in CSV_LOGGER.items()}
    scenarios = {"early_stopping": EARLY_STOPPING, "reduce_lr": REDUCE_LR, "lr_scheduler": LR_SCHEDULER,
                 "csv_logger": CSV_LOGGER, "progbar": PROGBAR, "remote_monitor": REMOTE_MONITOR}
    here = os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(here, "..", "tests", "fixtures", "callbacks")
    os.makedirs(folder, exist_ok=True)
    np.savez_compressed(os.path.join(folder, "callbacks.npz"),
                        scenarios=np.array(json.dumps(scenarios)), records=np.array(json.dumps(records)),
                        **{f"csv_{name}": np.frombuffer(data, dtype=np.uint8) for name, data in csv_files.items()})
    for area, by_name in records.items():
        for name, record in by_name.items():
            print(area, name, json.dumps(record)[:400])
    for name, data in csv_files.items():
        print("csv", name, data)


if __name__ == "__main__":
    main()

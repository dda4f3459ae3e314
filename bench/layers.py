"""Forward + backward time of a small CNN and an LSTM: gradfit against Keras (TensorFlow) and PyTorch.

    python bench/layers.py                 # gradfit here; Keras and PyTorch in the peers' Python, if found
    python bench/layers.py --peers PYTHON  # the Python that has tensorflow/keras and torch installed

Workloads (float32, gradients of the sum of the outputs with respect to every weight):
  cnn   Conv2D(32, 3, relu) -> MaxPooling2D -> Conv2D(64, 3, relu) -> MaxPooling2D on (128, 28, 28, 1)
  lstm  LSTM(64) on (32, 50, 16)
Keras is timed eagerly under tf.GradientTape (as a custom training loop runs it) and inside a
tf.function; the peers run in a subprocess, alternating with gradfit so machine noise hits both alike.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

DEFAULT_PEERS = "/work/peers/bin/python"
WORKLOADS = ("cnn", "lstm")


def data(workload):
    rng = np.random.default_rng(0)
    if workload == "cnn":
        return rng.random((128, 28, 28, 1), dtype=np.float32)
    return rng.standard_normal((32, 50, 16)).astype(np.float32)


def best_seconds(step, repeat, number=3):
    """The best mean time of `number` calls, over `repeat` runs (after one warm-up call)."""
    step()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            step()
        best = min(best, (time.perf_counter() - start) / number)
    return best


# ----------------------------------------------------------------------------------------- gradfit
def gradfit_step(workload):
    import gradfit as tf
    from gradfit import keras

    keras.utils.set_random_seed(0)
    L = keras.layers
    if workload == "cnn":
        layers = [L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(), L.Conv2D(64, 3, activation="relu"),
                  L.MaxPooling2D()]
    else:
        layers = [L.LSTM(64)]
    x = tf.constant(data(workload))

    def forward():
        y = x
        for layer in layers:
            y = layer(y)
        return y

    forward()
    weights = [w for layer in layers for w in layer.trainable_weights]

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(forward())
        tape.gradient(loss, weights)

    return step


# ------------------------------------------------------------------------------------------- peers
def keras_step(workload, compiled):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    L = keras.layers
    if workload == "cnn":
        model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
                                  L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D()])
    else:
        model = keras.Sequential([keras.Input((50, 16)), L.LSTM(64)])
    x = tf.constant(data(workload))

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x))
        return tape.gradient(loss, model.trainable_weights)

    fn = tf.function(step) if compiled else step
    return lambda: [g.numpy() for g in fn()][0]


def torch_step(workload):
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    nn = torch.nn
    if workload == "cnn":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                              nn.MaxPool2d(2))
        x = torch.from_numpy(np.ascontiguousarray(data(workload).transpose(0, 3, 1, 2)))
    else:
        lstm = nn.LSTM(16, 64, batch_first=True)
        model = lambda v: lstm(v)[1][0]  # noqa: E731  (the last hidden state, as Keras's LSTM returns)
        model.parameters = lstm.parameters
        x = torch.from_numpy(data(workload))
    params = list(model.parameters())

    def step():
        loss = model(x).sum()
        torch.autograd.grad(loss, params)

    return step


def peer_worker():
    """Answers {"name": ..., "repeat": n} lines with {"name": ..., "seconds": s} (or an "error")."""
    makers = {}
    for workload in WORKLOADS:
        makers[f"keras-eager:{workload}"] = lambda w=workload: keras_step(w, compiled=False)
        makers[f"keras-tf.function:{workload}"] = lambda w=workload: keras_step(w, compiled=True)
        makers[f"pytorch:{workload}"] = lambda w=workload: torch_step(w)
    steps = {}
    for line in sys.stdin:
        request = json.loads(line)
        name = request["name"]
        try:
            if name not in steps:
                steps[name] = makers[name]()
            reply = {"name": name, "seconds": best_seconds(steps[name], request["repeat"])}
        except Exception as error:  # a missing framework is reported, not fatal
            reply = {"name": name, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


class Peers:
    """The peer worker subprocess (None when its Python is missing)."""

    def __init__(self, python):
        self.process = None
        if python and os.path.exists(python):
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
            self.process = subprocess.Popen([python, os.path.abspath(__file__), "--worker"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)

    def time(self, name, repeat):
        if self.process is None:
            return None, "peers' Python not found"
        self.process.stdin.write(json.dumps({"name": name, "repeat": repeat}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            return None, "peer worker exited"
        reply = json.loads(line)
        return reply.get("seconds"), reply.get("error")

    def close(self):
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", default=DEFAULT_PEERS, help="Python with tensorflow/keras and torch")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timing rounds")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per round")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return peer_worker()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    peers = Peers(args.peers)
    try:
        for workload in WORKLOADS:
            ours = gradfit_step(workload)
            names = [f"keras-eager:{workload}", f"keras-tf.function:{workload}", f"pytorch:{workload}"]
            best = {"gradfit": float("inf")}
            errors = {}
            for _ in range(args.rounds):
                best["gradfit"] = min(best["gradfit"], best_seconds(ours, args.repeat))
                for name in names:
                    seconds, error = peers.time(name, args.repeat)
                    if seconds is None:
                        errors[name] = error
                    else:
                        best[name] = min(best.get(name, float("inf")), seconds)
            print(f"\n{workload}: forward + backward, best of {args.rounds} x {args.repeat} runs")
            print(f"  {'gradfit':22s} {best['gradfit'] * 1e3:8.1f} ms")
            for name in names:
                label = name.split(":")[0]
                if name in best:
                    ratio = best[name] / best["gradfit"]
                    print(f"  {label:22s} {best[name] * 1e3:8.1f} ms   (gradfit is {ratio:.2f}x as fast)")
                else:
                    print(f"  {label:22s}   skipped ({errors.get(name)})")
    finally:
        peers.close()


if __name__ == "__main__":
    main()

"""Training speed side by side: gradfit's three styles against Keras (TensorFlow), PyTorch and NumPy.

    python bench/training.py                          # looks for the peers' Python at /work/peers/bin/python
    python bench/training.py --peers-python PATH      # a Python with tensorflow-cpu and torch installed
    python bench/training.py --no-peers               # gradfit and NumPy only

Workloads: an MLP 784-128-10 (batch 32) and the Keras mnist_convnet CNN (batch 128), Adam, sparse
categorical cross-entropy, on random data. Each configuration is timed several times, alternating
between gradfit and the peers (which run in their own process), and the best time per configuration
is kept: the machine is noisy, so compare ratios measured in one run, not absolute times.
Also: one-sample predict_on_batch latency, and resident memory over 20,000 train_on_batch +
predict_on_batch calls.
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gradfit as tf  # noqa: E402
from gradfit import keras  # noqa: E402
from ops import HandwrittenStep, mlp_params  # noqa: E402
from workloads import batches_for, build_model, keras_runner, mlp_data  # noqa: E402

STYLES = ("fit", "train_on_batch", "tape")
PEER_CONFIGS = {
    "mlp": ["keras:mlp:fit", "keras:mlp:train_on_batch", "keras:mlp:eager", "keras:mlp:tf_function",
            "torch:mlp:eager"],
    "cnn": ["keras:cnn:fit", "keras:cnn:train_on_batch", "keras:cnn:eager", "keras:cnn:tf_function",
            "torch:cnn:eager"],
}


def gradfit_runner(kind, style):
    return keras_runner(tf, keras, kind, style)


def numpy_runner():
    x, y = mlp_data()
    batches = batches_for(x, y, 32)
    step = HandwrittenStep(mlp_params(np.random.default_rng(0)))

    def run(steps):
        for i in range(steps):
            step(*batches[i % len(batches)])
        return steps

    return run


class Peers:
    """The peers' worker process: time a configuration on request."""

    def __init__(self, python):
        here = os.path.dirname(os.path.abspath(__file__))
        self.proc = subprocess.Popen([python, os.path.join(here, "peers_worker.py")], cwd=here, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def time(self, config, steps):
        self.proc.stdin.write(json.dumps({"config": config, "steps": steps}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the peers' worker stopped while timing {config}")
        return json.loads(line)["seconds_per_step"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def measure(runner, steps):
    start = time.perf_counter()
    done = runner(steps)
    return (time.perf_counter() - start) / done


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def predict_latency(rounds, peers):
    model = build_model(keras, "mlp")
    sample = mlp_data()[0][:1]
    model.predict_on_batch(sample)
    best = float("inf")
    keras_best = float("inf")
    for _ in range(rounds):
        best = min(best, measure(lambda n: [model.predict_on_batch(sample) for _ in range(n)] and n, 2000))
        if peers is not None:
            keras_best = min(keras_best, peers.time("keras:mlp:predict_on_batch", 300))
    return best, keras_best


def memory_growth(calls):
    x, y = mlp_data(64)
    model = build_model(keras, "mlp")
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    for _ in range(200):
        model.train_on_batch(x[:32], y[:32])
        model.predict_on_batch(x[:1])
    before = _current_rss_mb()
    for _ in range(calls):
        model.train_on_batch(x[:32], y[:32])
        model.predict_on_batch(x[:1])
    return before, _current_rss_mb()


def _current_rss_mb():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return rss_mb()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers-python", default=os.environ.get("GRADFIT_PEERS_PYTHON", "/work/peers/bin/python"))
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mlp-steps", type=int, default=256)
    parser.add_argument("--cnn-steps", type=int, default=16)
    parser.add_argument("--workloads", default="mlp,cnn")
    parser.add_argument("--memory-calls", type=int, default=20000)
    args = parser.parse_args()

    peers = None
    if not args.no_peers and os.path.exists(args.peers_python):
        peers = Peers(args.peers_python)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, gradfit {tf.__version__}" + ("" if peers else "  (no peers: gradfit only)"))

    for kind in args.workloads.split(","):
        steps = args.mlp_steps if kind == "mlp" else args.cnn_steps
        runners = {f"gradfit:{kind}:{s}": gradfit_runner(kind, s) for s in STYLES}
        if kind == "mlp":
            runners["numpy:mlp:handwritten"] = numpy_runner()
        for r in runners.values():
            r(max(2, steps // 8))  # warm up
        best = {}
        for _ in range(args.rounds):
            for name, r in runners.items():
                best[name] = min(best.get(name, float("inf")), measure(r, steps))
            if peers is not None:
                for config in PEER_CONFIGS[kind]:
                    best[config] = min(best.get(config, float("inf")), peers.time(config, steps))
        report(kind, best)

    ours, theirs = predict_latency(args.rounds, peers)
    print(f"\none-sample predict_on_batch (MLP): gradfit {ours * 1e6:.1f} us" +
          (f", Keras {theirs * 1e6:.1f} us ({theirs / ours:.0f}x faster)" if peers else ""))
    if args.memory_calls:
        before, after = memory_growth(args.memory_calls)
        print(f"resident memory over {args.memory_calls} train_on_batch + predict_on_batch calls: "
              f"{before:.1f} MB -> {after:.1f} MB")
    if peers is not None:
        peers.close()


def report(kind, best):
    slowest = max(v for k, v in best.items() if k.startswith("gradfit:"))
    print(f"\n{kind.upper()} ({'784-128-10, batch 32' if kind == 'mlp' else 'mnist_convnet, batch 128'}), "
          "Adam: steps/s (best of rounds)")
    for name, seconds in sorted(best.items(), key=lambda kv: kv[1]):
        print(f"  {name:32s} {1 / seconds:9.1f} steps/s   {seconds * 1e3:8.3f} ms/step   "
              f"slowest gradfit style is {seconds / slowest:5.2f}x this")


if __name__ == "__main__":
    main()

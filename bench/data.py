"""Batches per second of the training input pipeline against a plain NumPy loop and tf.data.

    python bench/data.py            # MNIST-sized arrays: 60000 x 784 float32 images, int64 labels

The pipeline is the one `fit` and custom loops iterate every epoch,
`Dataset.from_tensor_slices((x, y)).shuffle(buffer).batch(64)`, timed over whole epochs (each a new
shuffle order), with a full shuffle (buffer = 60000) and TensorFlow's usual buffer of 1024. The NumPy
loop draws a permutation and fancy-indexes each batch: the copy any pipeline has to make. Target: at
most a few microseconds per batch on top of that loop. A last row maps a function over each element
before batching (`.map(scale, num_parallel_calls=AUTOTUNE)`), the element-by-element path. tf.data runs
in /work/peers (or the Python given with --peers) as a subprocess, and is skipped when that interpreter
or TensorFlow is missing.
"""
import argparse
import os
import platform
import subprocess
import sys
import time

import numpy as np

import gradfit as tf

N, FEATURES, BATCH = 60000, 784, 64

_TF_SCRIPT = """
import sys, time
import numpy as np
import tensorflow as tf
n, features, batch, buffer, epochs, mapped = map(int, sys.argv[1:])
rng = np.random.default_rng(0)
x = rng.random((n, features), dtype=np.float32)
y = rng.integers(0, 10, n)
ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(buffer)
if mapped:
    ds = ds.map(lambda image, label: (image * 2.0 - 1.0, label), num_parallel_calls=tf.data.AUTOTUNE)
ds = ds.batch(batch)
for _ in ds:  # warm-up pass
    pass
best = float("inf")
for _ in range(epochs):
    start = time.perf_counter()
    count = 0
    for xb, yb in ds:
        count += 1
    best = min(best, (time.perf_counter() - start) / count)
print(best)
"""


def epoch_time(run_epoch, epochs):
    """Seconds per batch: the best of `epochs` timed epochs (the least disturbed by noise)."""
    run_epoch()
    best = float("inf")
    for _ in range(epochs):
        start = time.perf_counter()
        batches = run_epoch()
        best = min(best, (time.perf_counter() - start) / batches)
    return best


def numpy_epoch(x, y, rng):
    def run():
        order = rng.permutation(len(x))
        count = 0
        for i in range(0, len(x), BATCH):
            index = order[i:i + BATCH]
            xb, yb = x[index], y[index]
            count += 1
        return count

    return run


def gradfit_epoch(dataset):
    def run():
        count = 0
        for xb, yb in dataset:
            count += 1
        return count

    return run


def tf_data_time(python, buffer, epochs, mapped=False):
    if not os.path.exists(python):
        return None, f"skipped: {python} not found"
    args = [str(N), str(FEATURES), str(BATCH), str(buffer), str(epochs), str(int(mapped))]
    proc = subprocess.run([python, "-c", _TF_SCRIPT, *args],
                          capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    if proc.returncode != 0:
        return None, "skipped: " + (proc.stderr.strip().splitlines() or ["TensorFlow failed"])[-1]
    return float(proc.stdout.strip().splitlines()[-1]), ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per measurement")
    parser.add_argument("--peers", default="/work/peers/bin/python", help="a Python with TensorFlow installed")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, NumPy {np.__version__}, gradfit {tf.__version__}")
    rng = np.random.default_rng(0)
    x = rng.random((N, FEATURES), dtype=np.float32)
    y = rng.integers(0, 10, N)
    print(f"data: x {x.shape} {x.dtype}, y {y.shape} {y.dtype}; batch {BATCH}; best of {args.epochs} epochs")
    print()
    t_numpy = epoch_time(numpy_epoch(x, y, np.random.default_rng(1)), args.epochs)
    print(f"{'pipeline':44s} {'us/batch':>9s} {'batches/s':>10s} {'vs NumPy':>10s}")
    print(f"{'NumPy loop: permutation + fancy indexing':44s} {t_numpy * 1e6:9.1f} {1 / t_numpy:10.0f} {'':>10s}")
    def scale(image, label):
        return image * 2.0 - 1.0, label

    rows = [(f"shuffle({N}).batch({BATCH})", N, False, lambda d: d.shuffle(N)),
            (f"shuffle(1024).batch({BATCH})", 1024, False, lambda d: d.shuffle(1024)),
            (f"shuffle(1024).map(scale).batch({BATCH})", 1024, True,
             lambda d: d.shuffle(1024).map(scale, num_parallel_calls=tf.data.AUTOTUNE))]
    for name, buffer, mapped, build in rows:
        dataset = build(tf.data.Dataset.from_tensor_slices((x, y))).batch(BATCH)
        t_ours = epoch_time(gradfit_epoch(dataset), args.epochs)
        print(f"{'gradfit ' + name:44s} {t_ours * 1e6:9.1f} {1 / t_ours:10.0f} "
              f"{(t_ours - t_numpy) * 1e6:+9.1f}us")
        t_tf, why = tf_data_time(args.peers, buffer, args.epochs, mapped)
        if t_tf is None:
            print(f"{'tf.data ' + name:44s} {why}")
        else:
            print(f"{'tf.data ' + name:44s} {t_tf * 1e6:9.1f} {1 / t_tf:10.0f} {(t_tf - t_numpy) * 1e6:+9.1f}us")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""One-sample forward pass of a Keras model: the framework overhead a real-time or RL loop pays per call.

    python bench/predict.py         # prints a table; ratios matter, absolute times vary by machine

A 784-128-10 Dense (relu, softmax) Sequential is called on a batch of one, as `model(x)` and as
`model(x, training=False)` and `model.predict_on_batch(x)`, next to the same computation written in NumPy and
written with gradfit ops (no layers). Target: model(x) <= 30 us. The outputs all agree.
"""
import argparse
import platform
import timeit

import numpy as np

import gradfit as tf
from gradfit import keras


def best_times(fns, number, repeat=9):
    """Seconds per call for each function: the best of `repeat` runs, alternated so noise hits them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], timeit.timeit(fn, number=number) / number)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=3000, help="calls per timing run")
    args = parser.parse_args()

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    x = np.random.default_rng(0).random((1, 784), dtype=np.float32)
    w1, b1, w2, b2 = model.get_weights()
    tw1, tb1, tw2, tb2 = model.weights
    tx = tf.constant(x)

    def numpy_forward():
        h = np.maximum(x @ w1 + b1, 0)
        z = h @ w2 + b2
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def ops_forward():
        h = tf.nn.relu(tf.matmul(tx, tw1) + tb1)
        return tf.nn.softmax(tf.matmul(h, tw2) + tb2)

    cases = [("NumPy, written by hand", numpy_forward), ("gradfit ops, no layers", ops_forward),
             ("model(x)", lambda: model(x)), ("model(x, training=False)", lambda: model(x, training=False)),
             ("model.predict_on_batch(x)", lambda: model.predict_on_batch(x))]
    expected = numpy_forward()
    for _, fn in cases[1:]:
        np.testing.assert_allclose(np.asarray(fn()), expected, rtol=1e-5, atol=1e-7)
    times = best_times([fn for _, fn in cases], args.number)

    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, gradfit {tf.__version__}")
    print("784-128-10 MLP (relu, softmax), one sample     us/call   vs NumPy")
    for (name, _), t in zip(cases, times):
        print(f"  {name:42s} {t * 1e6:7.1f}   {t / times[0]:5.2f}x")
    print(f"  target for model(x) and predict_on_batch: <= 30 us; model(x) minus the bare ops: "
          f"{(times[2] - times[1]) * 1e6:+.1f} us")


if __name__ == "__main__":
    main()

"""One optimizer update over the 784-128-10 MLP's weights: gradfit's Adam and SGD-momentum against
straightforward handwritten NumPy updates.

    python bench/optimizers.py        # prints a table; ratios matter, absolute times vary by machine

Weights: kernel 784x128, bias 128, kernel 128x10, bias 10 (float32), with fixed gradients. The
gradfit side is the whole `apply_gradients` call (checks, learning rate, slots, `iterations`).
Measurements alternate between the two sides, and the best of several runs is reported.
Target: gradfit's Adam at least as fast as the handwritten one.
"""
import argparse
import platform
import timeit

import numpy as np

import gradfit as tf
from gradfit import keras

SHAPES = [(784, 128), (128,), (128, 10), (10,)]


class HandwrittenAdam:
    """Adam as one writes it in NumPy: in-place moments, one expression for the step."""

    def __init__(self, params, lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0
        self.lr, self.b1, self.b2, self.eps = lr, beta_1, beta_2, epsilon

    def __call__(self, grads):
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= np.float32(lr_t) * m / (np.sqrt(v) + self.eps)


class HandwrittenMomentum:
    """SGD with momentum as one writes it in NumPy: m = momentum * m - lr * g; p += m."""

    def __init__(self, params, lr=0.01, momentum=0.9):
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.lr, self.momentum = lr, momentum

    def __call__(self, grads):
        for p, g, m in zip(self.params, grads, self.m):
            m *= self.momentum
            m -= self.lr * g
            p += m


def alternating_best(fns, number, repeat):
    """Seconds per call of each function: best of `repeat` runs, the functions measured in turn."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], timeit.timeit(fn, number=number) / number)
    return best


def compare(make_ours, make_hand, number, repeat):
    rng = np.random.default_rng(0)
    start = [rng.standard_normal(s).astype(np.float32) * 0.1 for s in SHAPES]
    grads = [rng.standard_normal(s).astype(np.float32) * 0.01 for s in SHAPES]
    variables = [tf.Variable(p.copy(), name=f"w{i}") for i, p in enumerate(start)]
    tensors = [tf.constant(g) for g in grads]
    optimizer = make_ours()
    hand = make_hand([p.copy() for p in start])
    # Same math: the same number of updates from the same start agree.
    for _ in range(3):
        optimizer.apply_gradients(zip(tensors, variables))
        hand(grads)
    agree = max(float(np.abs(v.numpy() - p).max()) for v, p in zip(variables, hand.params))
    t_ours, t_hand = alternating_best([lambda: optimizer.apply_gradients(zip(tensors, variables)),
                                       lambda: hand(grads)], number, repeat)
    dtypes = {v.numpy().dtype for v in variables + optimizer.variables[2:]}
    return t_ours, t_hand, agree, dtypes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=300, help="updates per timing run")
    parser.add_argument("--repeat", type=int, default=15, help="timing runs per side")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, gradfit {tf.__version__}")
    print("one update of the 784-128-10 MLP's weights (101,770 float32 parameters)")
    print()
    print("optimizer           gradfit   handwritten NumPy   gradfit / handwritten   max |diff|   dtypes")
    cases = [
        ("Adam", lambda: keras.optimizers.Adam(learning_rate=1e-3), lambda p: HandwrittenAdam(p, lr=1e-3)),
        ("SGD momentum=0.9", lambda: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
         lambda p: HandwrittenMomentum(p, lr=0.01, momentum=0.9)),
    ]
    for name, ours, hand in cases:
        t_ours, t_hand, agree, dtypes = compare(ours, hand, args.number, args.repeat)
        print(f"{name:18s} {t_ours * 1e6:7.1f}us   {t_hand * 1e6:14.1f}us   {t_ours / t_hand:19.2f}x   "
              f"{agree:10.1e}   {','.join(sorted(d.name for d in dtypes))}")


if __name__ == "__main__":
    main()

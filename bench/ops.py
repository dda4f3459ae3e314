"""Per-op overhead against raw NumPy, and an MLP training step written with ops against handwritten NumPy.

    python bench/ops.py            # prints a table; ratios matter, absolute times vary by machine

Targets: an op on (32, 128) float32 costs <= 2 us more than the NumPy call when no tape records and
<= 6 us more when one records it; the ops-based MLP step is within 1.3x of the handwritten NumPy step.
"""
import argparse
import platform
import timeit

import numpy as np

import gradfit as tf


def best_time(fn, number, repeat=7):
    """Seconds per call: the best of `repeat` runs of `number` calls (the least disturbed by noise)."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def best_times(fns, number, repeat=7):
    """best_time for several functions, measured in alternation so machine noise hits them alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], timeit.timeit(fn, number=number) / number)
    return best


def op_overheads(number):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((32, 128)).astype(np.float32)
    b = rng.standard_normal((32, 128)).astype(np.float32)
    w = rng.standard_normal((128, 128)).astype(np.float32)
    ta, tb, tw = tf.constant(a), tf.constant(b), tf.constant(w)
    cases = [
        ("add", lambda: np.add(a, b), lambda: tf.add(ta, tb)),
        ("multiply", lambda: np.multiply(a, b), lambda: ta * tb),
        ("exp", lambda: np.exp(a), lambda: tf.exp(ta)),
        ("relu", lambda: np.maximum(a, 0), lambda: tf.nn.relu(ta)),
        ("matmul", lambda: a @ w, lambda: tf.matmul(ta, tw)),
        ("reduce_sum(axis=1)", lambda: np.sum(a, axis=1), lambda: tf.reduce_sum(ta, axis=1)),
        ("reshape", lambda: a.reshape(64, 64), lambda: tf.reshape(ta, (64, 64))),
    ]
    rows = []
    for name, raw, ours in cases:
        t_np = best_time(raw, number)
        t_free = best_time(ours, number)
        tape = tf.GradientTape(persistent=True)
        with tape:
            tape.watch(ta)

            def recorded():
                ours()
                del tape._nodes[:]  # keep the recording from growing across repetitions

            t_rec = best_time(recorded, number)
        rows.append((name, t_np, t_free, t_rec))
    return rows


def mlp_params(rng):
    def glorot(fan_in, fan_out):
        limit = np.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    return [glorot(784, 128), np.zeros(128, np.float32), glorot(128, 10), np.zeros(10, np.float32)]


class HandwrittenStep:
    """One Adam step of a 784-128-10 ReLU MLP with softmax cross-entropy, written directly in NumPy."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params = [p.copy() for p in params]
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps

    def __call__(self, x, y):
        w1, b1, w2, b2 = self.params
        n = x.shape[0]
        h = x @ w1 + b1
        a = np.maximum(h, 0)
        z = a @ w2 + b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y]).mean()
        dz = p
        dz[np.arange(n), y] -= 1
        dz /= n
        grads = [None, None, a.T @ dz, dz.sum(axis=0)]
        dh = (dz @ w2.T) * (h > 0)
        grads[0] = x.T @ dh
        grads[1] = dh.sum(axis=0)
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        for param, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            param -= np.float32(lr_t) * m / (np.sqrt(v) + self.eps)
        return loss


class OpsStep:
    """The same step with gradfit ops: a GradientTape for the gradients, Adam written with ops the way
    Keras 3 writes it (m += (g - m) * (1 - beta1), ...)."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params = [tf.Variable(p) for p in params]
        self.m = [tf.Variable(np.zeros_like(p)) for p in params]
        self.v = [tf.Variable(np.zeros_like(p)) for p in params]
        self.t = 0
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps

    def __call__(self, x, y):
        w1, b1, w2, b2 = self.params
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
            logits = tf.matmul(h, w2) + b2
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
        grads = tape.gradient(loss, self.params)
        self.t += 1
        lr_t = self.lr * (1 - self.b2 ** self.t) ** 0.5 / (1 - self.b1 ** self.t)
        for param, g, m, v in zip(self.params, grads, self.m, self.v):
            m.assign_add((g - m) * (1 - self.b1))
            v.assign_add((tf.square(g) - v) * (1 - self.b2))
            param.assign_sub(m * lr_t / (tf.sqrt(v) + self.eps))
        return loss


def mlp_steps(steps):
    rng = np.random.default_rng(0)
    params = mlp_params(rng)
    x = rng.standard_normal((32, 784)).astype(np.float32)
    y = rng.integers(0, 10, 32)
    hand, ours = HandwrittenStep(params), OpsStep(params)
    tx, ty = tf.constant(x), tf.constant(y)
    for _ in range(3):
        hand(x, y), ours(tx, ty)
    t_hand, t_ops = best_times([lambda: hand(x, y), lambda: ours(tx, ty)], steps)
    # Same math: after the same steps from the same start, the weights agree.
    agree = max(float(np.abs(p - q.numpy()).max()) for p, q in zip(hand.params, ours.params))
    return t_hand, t_ops, agree


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000, help="calls per timing run for single ops")
    parser.add_argument("--steps", type=int, default=300, help="steps per timing run for the MLP")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, gradfit {tf.__version__}")
    print()
    print("op on (32, 128) float32        numpy    gradfit  +overhead   recorded  +overhead")
    for name, t_np, t_free, t_rec in op_overheads(args.number):
        print(f"{name:28s} {t_np * 1e6:7.2f}us {t_free * 1e6:7.2f}us {(t_free - t_np) * 1e6:+8.2f}us "
              f"{t_rec * 1e6:7.2f}us {(t_rec - t_np) * 1e6:+8.2f}us")
    print()
    t_hand, t_ops, agree = mlp_steps(args.steps)
    print("MLP 784-128-10, batch 32, Adam: one training step")
    print(f"  handwritten NumPy   {t_hand * 1e6:8.1f}us  ({1 / t_hand:6.0f} steps/s)")
    print(f"  gradfit ops + tape  {t_ops * 1e6:8.1f}us  ({1 / t_ops:6.0f} steps/s)  "
          f"= {t_ops / t_hand:.2f}x the handwritten step (target <= 1.3x)")
    print(f"  largest weight difference after the same steps: {agree:.2e}")


if __name__ == "__main__":
    main()

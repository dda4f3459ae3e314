"""Finite-difference checks of first- and second-order gradients, in float64."""
import numpy as np

import gradfit as tf

EPS = 1e-6


def _loss(f, arrays, weights):
    """sum(f(*xs) * w) for fixed random weights w: one scalar that depends on every output element."""
    outs = f(*[tf.constant(a) for a in arrays])
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return sum(float(np.sum(o.numpy() * w)) for o, w in zip(outs, weights))


def _weights(f, arrays, rng):
    outs = f(*[tf.constant(a) for a in arrays])
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return [rng.standard_normal(np.shape(o.numpy())) for o in outs]


def numeric_gradient(fn, arrays, index):
    """Central differences of the scalar fn(arrays) with respect to arrays[index]."""
    x = arrays[index]
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + EPS
        up = fn(arrays)
        flat[k] = old - EPS
        down = fn(arrays)
        flat[k] = old
        gflat[k] = (up - down) / (2 * EPS)
    return grad


def tape_gradient(f, arrays, weights, wrt):
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([xs[i] for i in wrt])
        outs = f(*xs)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        loss = tf.add_n([tf.reduce_sum(o * w) for o, w in zip(outs, weights)])
    grads = tape.gradient(loss, [xs[i] for i in wrt])
    return grads, tape


def check_gradient(f, arrays, wrt=None, rtol=1e-5, atol=1e-6, seed=0):
    """Assert the tape's gradient of sum(f(*arrays) * w) matches central differences for inputs `wrt`."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    wrt = list(range(len(arrays))) if wrt is None else list(wrt)
    rng = np.random.default_rng(seed)
    weights = _weights(f, arrays, rng)
    grads, _ = tape_gradient(f, arrays, weights, wrt)
    for i, g in zip(wrt, grads):
        expected = numeric_gradient(lambda a: _loss(f, a, weights), arrays, i)
        assert g is not None, f"input {i}: gradient is None"
        assert g.numpy().dtype == np.float64, f"input {i}: gradient dtype {g.numpy().dtype}"
        np.testing.assert_allclose(g.numpy(), expected, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")


def recorded_primitives(f, arrays):
    """Names of the primitives the tape records while computing f's gradient (first and second order)."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    xs = [tf.constant(a) for a in arrays]
    names = set()
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xs)
        outs = f(*xs)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        loss = tf.add_n([tf.reduce_sum(o) for o in outs])
        names.update(n.prim.name for n in tape._nodes)
    return names


def check_second_order(f, arrays, wrt=None, rtol=1e-4, atol=1e-5, seed=1):
    """Assert d/dx [sum(grad_x(sum(f*w)) * v)] from nested tapes matches finite differences."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    wrt = list(range(len(arrays))) if wrt is None else list(wrt)
    rng = np.random.default_rng(seed)
    weights = _weights(f, arrays, rng)
    vs = [rng.standard_normal(arrays[i].shape) for i in wrt]

    def inner(xs):
        with tf.GradientTape() as t:
            t.watch([xs[i] for i in wrt])
            outs = f(*xs)
            outs = outs if isinstance(outs, (list, tuple)) else [outs]
            loss = tf.add_n([tf.reduce_sum(o * w) for o, w in zip(outs, weights)])
        gs = t.gradient(loss, [xs[i] for i in wrt])
        return tf.add_n([tf.reduce_sum(g * v) for g, v in zip(gs, vs) if g is not None])

    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as outer:
        outer.watch([xs[i] for i in wrt])
        h = inner(xs)
    second = outer.gradient(h, [xs[i] for i in wrt], unconnected_gradients="zero")
    for i, g in zip(wrt, second):
        expected = numeric_gradient(lambda a: float(inner([tf.constant(x) for x in a]).numpy()), arrays, i)
        np.testing.assert_allclose(g.numpy(), expected, rtol=rtol, atol=atol,
                                   err_msg=f"second-order gradient of input {i}")

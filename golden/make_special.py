"""TensorFlow's special functions (tf.math.lgamma, digamma, polygamma, zeta, igamma, igammac, betainc, lbeta,
erf, erfc, erfinv, erfcinv, ndtri, bessel_i0/i0e/i1/i1e) on fixed inputs, with their gradients.

    /work/peers/bin/python golden/make_special.py
Writes tests/fixtures/special/special.npz. For case <c> (listed under `cases` as JSON [case, function]):
its inputs `<c>/in/<i>`; TensorFlow's float64 output `<c>/out`; for the float32 version of the inputs
`<c>/in32/<i>`, TensorFlow's float32 output `<c>/out32` and its float64 output on those same values
`<c>/out32_exact` (TensorFlow's own float32 kernels are less accurate than a correctly rounded result in
places, e.g. digamma near its zero, igamma for large a); and for moderate inputs `<c>/grad_in/<i>` the
gradients `<c>/grad/<i>` of sum(f * linspace(0.5, 1.5)) with respect to every input TensorFlow
differentiates.
"""
import json
import os

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(7)
U = rng.uniform


def join(*parts):
    return np.concatenate([np.ravel(np.asarray(p, dtype=np.float64)) for p in parts])


# Inputs stay away from what TensorFlow gets wrong in float64 (erf(+-inf) is NaN there; erfinv of
# subnormal-small y is 0 and loses digits within 1e-12 of +-1): tests check those points by value.
CASES = [
    ("lgamma", "lgamma",
     [join(U(-8, 8, 30), np.exp(U(-20, 20, 8)), [0, -1, -2, -2.5, 0.5, 1, 2, 3.7, np.inf, -np.inf, np.nan])],
     [join(U(0.2, 6, 6), -2.3)]),
    ("digamma", "digamma",
     [join(U(-8, 8, 30), np.exp(U(-20, 20, 8)), [0, -1, -3, 0.5, 1, 1.4616, np.inf, -np.inf, np.nan])],
     [join(U(0.2, 6, 6), -2.3)]),
    ("polygamma", "polygamma", [join(rng.randint(0, 5, 30), [-1, 1.5, 1, 2, 3, 2, 0]),
                                join(U(-4, 8, 30), [2, 2, 0, 0, 0, -1, -1.5])],
     [join([0, 1, 2, 3]), join(U(0.3, 5, 4))]),
    ("zeta", "zeta", [join(U(1.01, 12, 24), rng.randint(2, 6, 8), [1, 0.5, 2, 3, 4, 3, np.inf]),
                      join(np.exp(U(-3, 5, 24)), -U(0.1, 4, 8), [1, 1, 0, 0, 0, -1.5, 2])],
     [join(U(1.5, 5, 4)), join(U(0.3, 5, 4))]),
    ("igamma", "igamma", [join(np.exp(U(-3, 4, 30)), [1, 0, 0, -1, 1, 2, np.inf, 1, np.inf]),
                          join(np.exp(U(-3, 4, 30)), [0, 0, 1, 1, -1, np.inf, 1, np.nan, np.inf])],
     [join(U(0.3, 6, 5)), join(U(0.2, 9, 5))]),
    ("igammac", "igammac", [join(np.exp(U(-3, 4, 30)), [1, 0, 0, -1, 1, 2, np.inf, 1, np.inf]),
                            join(np.exp(U(-3, 4, 30)), [0, 0, 1, 1, -1, np.inf, 1, np.nan, np.inf])],
     [join(U(0.3, 6, 5)), join(U(0.2, 9, 5))]),
    ("betainc", "betainc", [join(np.exp(U(-2, 3, 30)), [1, 1, 0, 1, -1, 2, 2, np.inf]),
                            join(np.exp(U(-2, 3, 30)), [1, 1, 1, 0, 1, 2, 2, 1]),
                            join(U(0, 1, 30), [0.5, 0, 0.5, 0.5, 0.5, -0.1, 1.1, 0.5])],
     [join(U(0.5, 4, 5)), join(U(0.5, 4, 5)), join(U(0.1, 0.9, 5))]),
    ("lbeta", "lbeta", [np.concatenate([np.exp(U(-2, 3, (12, 3))), [[1, 2, 0.5], [0, 1, 2], [-1.5, 2, 3]]])],
     [np.exp(U(-1, 1.5, (3, 4)))]),
    ("erf", "erf", [join(U(-6, 6, 30), np.exp(U(-30, 1, 8)), [0, 0.5, 1, 3, 6.5, 30, np.nan])], [join(U(-3, 3, 6))]),
    ("erfc", "erfc", [join(U(-6, 27, 30), np.exp(U(-30, 1, 8)), [0, 0.5, 1, 26, 27, np.inf, -np.inf, np.nan])],
     [join(U(-3, 3, 6))]),
    ("erfinv", "erfinv", [join(U(-1, 1, 30), 1 - np.exp(U(-20, -1, 6)), [-1, 1, 1.5, -1.1, 0, np.nan])],
     [join(U(-0.95, 0.95, 6))]),
    ("erfcinv", "erfcinv", [join(U(0, 2, 30), np.exp(U(-600, 0, 8)), [0, 1, 2, -0.1, 2.1, np.nan])],
     [join(U(0.05, 1.95, 6))]),
    ("ndtri", "ndtri", [join(U(0, 1, 30), np.exp(U(-600, 0, 8)), [0, 1, 0.5, -0.1, 1.1, np.nan])],
     [join(U(0.05, 0.95, 6))]),
    ("bessel_i0e", "bessel_i0e", [join(U(-40, 40, 30), np.exp(U(-20, 6, 6)), [0, 800, -800, np.inf, np.nan])],
     [join(U(-20, 20, 6), 0)]),
    ("bessel_i1e", "bessel_i1e", [join(U(-40, 40, 30), np.exp(U(-20, 6, 6)), [0, 800, -800, np.inf, np.nan])],
     [join(U(-20, 20, 6), 0)]),
    ("bessel_i0", "bessel_i0", [join(U(-40, 40, 30), [0, 709, 710, -710, np.nan])], [join(U(-20, 20, 6), 0)]),
    ("bessel_i1", "bessel_i1", [join(U(-40, 40, 30), [0, 709, 710, -710, np.nan])], [join(U(-20, 20, 6))]),
]
# TensorFlow differentiates polygamma, zeta only in x/q and betainc only in x.
NOT_DIFFERENTIATED = {"polygamma": {0}, "zeta": {0}, "betainc": {0, 1}}


def main():
    arrays = {}
    for case, fn, inputs, grad_inputs in CASES:
        f = getattr(tf.math, fn)
        for i, x in enumerate(inputs):
            arrays[f"{case}/in/{i}"] = x
            arrays[f"{case}/in32/{i}"] = x.astype(np.float32)
        arrays[f"{case}/out"] = f(*[tf.constant(x) for x in inputs]).numpy()
        arrays[f"{case}/out32"] = f(*[tf.constant(x.astype(np.float32)) for x in inputs]).numpy()
        exact = [tf.constant(x.astype(np.float32).astype(np.float64)) for x in inputs]
        arrays[f"{case}/out32_exact"] = f(*exact).numpy()
        xs = [tf.constant(x) for x in grad_inputs]
        wrt = [i for i in range(len(xs)) if i not in NOT_DIFFERENTIATED.get(fn, ())]
        with tf.GradientTape() as tape:
            tape.watch(xs)
            y = f(*xs)
            loss = tf.reduce_sum(y * np.linspace(0.5, 1.5, int(np.prod(y.shape))).reshape(y.shape))
        for i, (x, g) in enumerate(zip(grad_inputs, tape.gradient(loss, xs))):
            arrays[f"{case}/grad_in/{i}"] = x
            if i in wrt:
                arrays[f"{case}/grad/{i}"] = g.numpy()
    arrays["cases"] = np.array(json.dumps([[case, fn] for case, fn, _, _ in CASES]))
    folder = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "special")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "special.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()

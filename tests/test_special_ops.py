"""tf.math's special functions against TensorFlow's values (tests/fixtures/special, made by
golden/make_special.py), at their poles and domain edges, in float32 and float64, with gradients checked
against TensorFlow and against finite differences."""
import inspect
import json
import math
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit.autodiff.tape import Primitive
from gradfit.errors import InvalidArgumentError
from gradfit.ops import special

from gradcheck import check_gradient, check_second_order, recorded_primitives

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "special", "special.npz"))
CASES = dict(json.loads(str(FIXTURE["cases"])))


def inputs(case, kind):
    return [FIXTURE[f"{case}/{kind}/{i}"] for i in range(3) if f"{case}/{kind}/{i}" in FIXTURE]


def run(case, arrays):
    return getattr(tf.math, CASES[case])(*[tf.constant(a) for a in arrays]).numpy()


@pytest.mark.parametrize("case", sorted(CASES))
def test_float64_matches_tensorflow(case):
    got = run(case, inputs(case, "in"))
    expected = FIXTURE[f"{case}/out"]
    assert got.dtype == np.float64 and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_is_the_float64_value_rounded(case):
    """A float32 result is the exact value at the float32 input, rounded: as TensorFlow's float64 kernels
    give it (TensorFlow's own float32 kernels are off by up to 1e-4 relative in places). lbeta adds
    float32 lgammas, as TensorFlow's does, so it carries float32 sums' rounding."""
    got = run(case, inputs(case, "in32"))
    with np.errstate(over="ignore"):
        expected = FIXTURE[f"{case}/out32_exact"].astype(np.float32)
    assert got.dtype == np.float32
    rtol = 2e-6 if case == "lbeta" else 2.5e-7
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=np.finfo(np.float32).tiny)


# Where TensorFlow's float32 kernels lose digits on these inputs (cancellation near a zero of the function,
# the prefactor of igamma/betainc for large parameters, zeta for negative q), by how much.
TENSORFLOW_FLOAT32_ERROR = {"digamma": 2e-4, "polygamma": 1e-3, "zeta": 2e-5, "igamma": 2e-4, "igammac": 2e-4,
                            "betainc": 1e-4, "lbeta": 1e-4, "erfc": 1e-5, "erfinv": 2e-5}


@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_is_near_tensorflows_float32(case):
    arrays = inputs(case, "in32")
    got, expected = run(case, arrays), FIXTURE[f"{case}/out32"]
    # TensorFlow reads subnormal float32 inputs as zero, and rounds (y + 1) / 2 in erfinv: compare the rest.
    normal = np.all([(np.abs(a) >= np.finfo(np.float32).tiny) | (a == 0) | ~np.isfinite(a) for a in arrays], axis=0)
    normal = normal.reshape(got.shape + (-1,)).all(axis=-1)  # lbeta reduces its last axis
    both = normal & np.isfinite(got) & np.isfinite(expected)
    tol = TENSORFLOW_FLOAT32_ERROR.get(case, 1e-6)
    np.testing.assert_allclose(got[both], expected[both], rtol=tol, atol=tol * 1e-2)
    agree = normal if case != "erfinv" else normal & (np.abs(arrays[0]) < 0.9999)
    np.testing.assert_array_equal(np.isfinite(got[agree]), np.isfinite(expected[agree]))


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_match_tensorflow(case):
    arrays = inputs(case, "grad_in")
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = getattr(tf.math, CASES[case])(*xs)
        loss = tf.reduce_sum(y * np.linspace(0.5, 1.5, int(np.prod(y.shape))).reshape(y.shape))
    grads = tape.gradient(loss, xs)
    for i, g in enumerate(grads):
        key = f"{case}/grad/{i}"
        if key in FIXTURE:
            np.testing.assert_allclose(g.numpy(), FIXTURE[key], rtol=1e-10, err_msg=f"input {i}")
        else:
            assert g is None, f"TensorFlow gives input {i} no gradient"


def test_values_at_poles_and_domain_edges_are_tensorflows():
    inf, nan = np.inf, np.nan
    m = tf.math
    cases = [
        (m.lgamma([0.0, -0.0, -1.0, -2.0, inf, -inf, 1.0, 2.0]), [inf, inf, inf, inf, inf, inf, 0.0, 0.0]),
        (m.digamma([0.0, -1.0, -2.0, inf, -inf]), [nan, nan, nan, inf, nan]),
        (m.polygamma([-1.0, 1.5, 0.0, 1.0, 2.0, 3.0], [2.0, 2.0, -2.0, -2.0, 0.0, 0.0]),
         [nan, nan, nan, inf, nan, inf]),
        (m.zeta([1.0, 0.5, 2.0, 3.0, 2.5, 2.0], [1.0, 1.0, 0.0, -1.0, -1.5, inf]), [inf, nan, inf, nan, nan, 0.0]),
        (m.igamma([0.0, 0.0, 1.0, -1.0, 1.0, 2.0], [0.0, 1.0, 0.0, 1.0, -1.0, inf]), [0.0, nan, 0.0, nan, nan, 1.0]),
        (m.igammac([0.0, 1.0, 1.0, inf, 2.0], [0.0, 0.0, -1.0, 1.0, inf]), [nan, 1.0, nan, 1.0, 0.0]),
        (m.betainc([1.0, 0.0, 1.0, 2.0, 2.0, 3.0], [1.0, 1.0, 0.0, 2.0, 2.0, 2.0], [0.0, 0.5, 0.5, -0.1, 1.1, 1.0]),
         [0.0, nan, nan, nan, nan, 1.0]),
        (m.erfinv([-1.0, 1.0, 1.5, 0.0]), [-inf, inf, nan, 0.0]),
        (m.erfcinv([0.0, 2.0, 1.0, 2.5]), [inf, -inf, 0.0, nan]),
        (m.ndtri([0.0, 1.0, 0.5, -0.5]), [-inf, inf, 0.0, nan]),
        (m.erfc([inf, -inf, 27.0]), [0.0, 2.0, 0.0]),
        (m.bessel_i0e([0.0, inf, -inf]), [1.0, 0.0, 0.0]),
        (m.bessel_i0([710.0, -710.0]), [inf, inf]),
        (m.bessel_i1([710.0, -710.0]), [inf, -inf]),
        (m.lbeta(tf.zeros((2, 0))), [-inf, -inf]),
    ]
    for got, expected in cases:
        np.testing.assert_array_equal(got.numpy(), np.array(expected, dtype=np.float32))


def test_values_tensorflow_gets_wrong_are_exact_here():
    # TensorFlow's float64 erf gives NaN at +-inf, its erfinv 0 for y below 1e-300 and only ~10 digits
    # within 1e-7 of 1; its float32 erfinv rounds (y + 1) / 2 and gives inf just below 1.
    np.testing.assert_array_equal(tf.math.erf(tf.constant([np.inf, -np.inf], tf.float64)).numpy(), [1.0, -1.0])
    edges = tf.math.erfinv(tf.constant([1e-300, 1 - 2.0 ** -52], tf.float64)).numpy()
    np.testing.assert_allclose(edges, [math.sqrt(math.pi) / 2 * 1e-300, 5.805018683193453], rtol=1e-14)
    assert np.isfinite(tf.math.erfinv(tf.constant(np.nextafter(np.float32(1), np.float32(0)))).numpy())
    # Near its zeros at 1 and 2, lgamma keeps its relative precision: lgamma(1 + u) = -gamma u + pi^2/12 u^2
    # + O(u^3) and lgamma(2 + u) = (1 - gamma) u + (pi^2/6 - 1)/2 u^2 + O(u^3).
    u, v = (1 + 1e-10) - 1, (2 - 1e-12) - 2
    euler = 0.5772156649015329
    expected = [-euler * u + math.pi ** 2 / 12 * u * u, (1 - euler) * v + (math.pi ** 2 / 6 - 1) / 2 * v * v]
    np.testing.assert_allclose(tf.math.lgamma(tf.constant([1 + u, 2 + v], tf.float64)).numpy(), expected, rtol=1e-14)


def test_dtypes_and_broadcasting_follow_tensorflow():
    x32 = tf.constant([1.5, 2.5])
    assert tf.math.lgamma(x32).dtype == tf.float32
    assert tf.math.lgamma([1, 2]).dtype == tf.float32  # integers are read as float32
    assert tf.math.igamma(2.0, tf.constant([1.0, 2.0], tf.float64)).dtype == tf.float64
    assert tf.math.polygamma(1.0, x32).dtype == tf.float32
    grid = tf.math.igamma(tf.constant([1.0, 2.0]), tf.constant([[0.5], [0.2]]))
    assert grid.shape == (2, 2)
    np.testing.assert_allclose(grid.numpy(), [[0.39346934, 0.09020401], [0.18126925, 0.01752310]], rtol=1e-6)
    assert tf.math.betainc(2.0, tf.constant([1.0, 3.0]), 0.3).shape == (2,)
    with pytest.raises(InvalidArgumentError, match="one shape or be scalars"):
        tf.math.betainc(tf.constant([1.0, 2.0]), 2.0, tf.constant([[0.5], [0.2]]))
    with pytest.raises(InvalidArgumentError, match="incompatible shapes"):
        tf.math.zeta(tf.constant([2.0, 3.0]), tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(InvalidArgumentError):
        tf.math.lbeta(2.0)


def test_gradient_values_at_special_points():
    x = tf.constant([0.0, 1.0, -2.0], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        i1e, i1, i0e = tf.math.bessel_i1e(x), tf.math.bessel_i1(x), tf.math.bessel_i0e(x)
    np.testing.assert_allclose(tape.gradient(i1e, x).numpy(), [0.5, 0.04993877689422355, -0.014395611319735546])
    # I1'(0) = 1/2 (TensorFlow's rule substitutes 1 there).
    np.testing.assert_allclose(tape.gradient(i1, x).numpy(), [0.5, 0.7009067737595231, 1.484266875017402])
    np.testing.assert_allclose(tape.gradient(i0e, x).numpy(), [0.0, -0.257849192243932, 0.0932390333047333])
    y = tf.constant([0.0, 1.0, 1.5], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(y)
        a, b = tf.math.erfinv(y), tf.math.lgamma(y)
    np.testing.assert_allclose(tape.gradient(a, y).numpy(), [math.sqrt(math.pi) / 2, np.inf, np.nan])
    assert np.isnan(tape.gradient(b, y).numpy()[0])


# Finite-difference checks: (function, input makers) with inputs away from poles and domain edges.
def _uniform(low, high, shape=(2, 3)):
    return lambda r: r.uniform(low, high, shape)


GRADIENT_CASES = {
    "lgamma": (tf.math.lgamma, [_uniform(0.2, 6.0)]),
    "lgamma_negative": (tf.math.lgamma, [_uniform(-2.9, -2.1)]),
    "digamma": (tf.math.digamma, [_uniform(0.2, 6.0)]),
    "polygamma": (lambda x: tf.math.polygamma(tf.constant([[1.0], [2.0]], tf.float64), x), [_uniform(0.3, 5.0)]),
    "zeta": (lambda q: tf.math.zeta(tf.constant([2.5, 3.0, 4.0], tf.float64), q), [_uniform(0.3, 5.0)]),
    "igamma": (tf.math.igamma, [_uniform(0.5, 6.0), _uniform(0.2, 8.0, (3,))]),
    "igammac": (tf.math.igammac, [_uniform(0.5, 6.0, (3,)), _uniform(0.2, 8.0)]),
    "betainc": (lambda x: tf.math.betainc(tf.constant([0.7, 2.0, 5.0], tf.float64), 2.5, x),
                [_uniform(0.1, 0.9, (3,))]),
    "lbeta": (tf.math.lbeta, [_uniform(0.3, 4.0, (2, 4))]),
    "erfc": (tf.math.erfc, [_uniform(-3.0, 3.0)]),
    "erfinv": (tf.math.erfinv, [_uniform(-0.95, 0.95)]),
    "erfcinv": (tf.math.erfcinv, [_uniform(0.05, 1.95)]),
    "ndtri": (tf.math.ndtri, [_uniform(0.05, 0.95)]),
    "bessel_i0e": (tf.math.bessel_i0e, [_uniform(-30.0, 30.0)]),
    "bessel_i1e": (tf.math.bessel_i1e, [_uniform(-30.0, 30.0)]),
    "bessel_i0": (tf.math.bessel_i0, [_uniform(-5.0, 5.0)]),
    "bessel_i1": (tf.math.bessel_i1, [_uniform(-5.0, 5.0)]),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradient_matches_finite_differences(name):
    fn, makers = GRADIENT_CASES[name]
    rng = np.random.default_rng(3)
    check_gradient(fn, [m(rng) for m in makers], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "igamma", "erfinv", "bessel_i1e", "betainc"])
def test_second_order_gradient_matches_finite_differences(name):
    fn, makers = GRADIENT_CASES[name]
    wrt = [1] if name == "igamma" else None  # d/da of igamma is a constant, as in TensorFlow
    check_second_order(fn, [m(np.random.default_rng(4)) for m in makers], wrt=wrt, rtol=1e-4, atol=1e-6)


def test_every_special_primitive_is_checked():
    defined = {obj.name for _, obj in inspect.getmembers(special) if isinstance(obj, Primitive)}
    seen = set()
    for fn, makers in GRADIENT_CASES.values():
        seen |= recorded_primitives(fn, [m(np.random.default_rng(0)) for m in makers])
    assert defined <= seen, f"special primitives without a finite-difference check: {sorted(defined - seen)}"

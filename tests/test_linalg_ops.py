"""tf.linalg decompositions, solves and helpers against TensorFlow's values (tests/fixtures/linalg, made by
golden/make_linalg.py), their output structures, errors and second-order gradients."""
import json
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit.errors import InvalidArgumentError

from gradcheck import check_second_order

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "linalg", "linalg.npz"))
CASES = {case: (fn, kwargs) for case, fn, kwargs in json.loads(str(FIXTURE["cases"]))}


def fixture(case):
    inputs = [FIXTURE[f"{case}/in/{i}"] for i in range(4) if f"{case}/in/{i}" in FIXTURE]
    expected = [FIXTURE[f"{case}/out/{i}"] for i in range(4) if f"{case}/out/{i}" in FIXTURE]
    return inputs, expected


def close(actual, expected):
    tol = 1e-5 if expected.dtype == np.float32 else 1e-10
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


def column_signs(vectors):
    """+1/-1 per column, making each column's largest entry (by magnitude) positive."""
    rows = np.argmax(np.abs(vectors), axis=-2)[..., None, :]
    return np.sign(np.take_along_axis(vectors, rows, axis=-2))


def assert_orthonormal_columns(q):
    k = q.shape[-1]
    tol = 1e-5 if q.dtype == np.float32 else 1e-10
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(k), q.shape[:-2] + (k, k)), atol=tol)


def canonical(fn, outs):
    """Decomposition outputs with the sign of each vector fixed (TensorFlow and LAPACK may choose either), and
    only the columns the decomposition determines (full_matrices extends a basis arbitrarily)."""
    if fn == "qr":
        q, r = outs
        k = min(r.shape[-2:])
        signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., :k]
        return [q[..., :k] * signs[..., None, :], r[..., :k, :] * signs[..., :, None]]
    if fn == "eigh":
        e, v = outs
        return [e, v * column_signs(v)]
    if fn == "svd" and len(outs) == 3:
        s, u, v = outs
        k = s.shape[-1]
        signs = column_signs(v[..., :k])
        return [s, u[..., :k] * signs, v[..., :k] * signs]
    return outs


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_tensorflow(case):
    fn, kwargs = CASES[case]
    inputs, expected = fixture(case)
    out = getattr(tf.linalg, fn)(*[tf.constant(x) for x in inputs], **kwargs)
    outs = [t.numpy() for t in (out if isinstance(out, tuple) else [out])]
    assert len(outs) == len(expected)
    for full in outs:
        assert full.dtype == expected[0].dtype
    if fn in ("qr", "svd") and kwargs.get("full_matrices"):
        assert_orthonormal_columns(outs[0] if fn == "qr" else outs[1])
        assert [o.shape for o in outs] == [e.shape for e in expected]
    for actual, want in zip(canonical(fn, outs), canonical(fn, expected)):
        close(actual, want)


def test_output_structures_are_tensorflows():
    a = tf.constant(np.array([[2.0, 1.0], [1.0, 3.0]]))
    q, r = decomposition = tf.linalg.qr(a)
    assert decomposition.q is q and decomposition.r is r
    sign, log_abs = result = tf.linalg.slogdet(a)
    assert result.sign is sign and result.log_abs_determinant is log_abs
    assert sign.numpy() == 1.0 and np.isclose(log_abs.numpy(), np.log(5.0))
    e, v = tf.linalg.eigh(a)
    assert e.shape == (2,) and v.shape == (2, 2) and e.numpy()[0] < e.numpy()[1]
    s, u, v = tf.linalg.svd(a)
    np.testing.assert_allclose((u.numpy() * s.numpy()) @ v.numpy().T, a.numpy(), atol=1e-12)
    assert isinstance(tf.linalg.svd(a, compute_uv=False), tf.Tensor)


def test_float32_stays_float32_and_lists_become_floatx():
    chol = tf.linalg.cholesky([[4.0, 2.0], [2.0, 3.0]])
    assert chol.dtype == tf.float32
    np.testing.assert_allclose(chol.numpy(), [[2.0, 0.0], [1.0, np.sqrt(2.0)]], rtol=1e-6)
    assert tf.linalg.eigvalsh(np.eye(2, dtype=np.float32)).dtype == tf.float32
    assert tf.linalg.pinv(np.ones((2, 3), np.float32)).dtype == tf.float32


def test_singular_slogdet_gives_zero_sign_and_minus_infinity():
    sign, log_abs = tf.linalg.slogdet(np.zeros((2, 2)))
    assert sign.numpy() == 0.0 and log_abs.numpy() == -np.inf


def test_eye_and_matrix_helpers_are_in_the_namespace():
    np.testing.assert_array_equal(tf.linalg.eye(2, batch_shape=[3]).numpy(), np.broadcast_to(np.eye(2), (3, 2, 2)))
    assert tf.eye(3).dtype == tf.float32
    assert tf.linalg.adjoint(np.ones((2, 3, 4))).shape == (2, 4, 3)


@pytest.mark.parametrize("fn", ["cholesky", "eigh", "eigvalsh", "slogdet", "logdet"])
def test_non_square_input_is_refused_naming_its_shape(fn):
    with pytest.raises(InvalidArgumentError, match=r"square.*\(2, 3\)"):
        getattr(tf.linalg, fn)(np.ones((2, 3)))


@pytest.mark.parametrize("fn", ["cholesky", "qr", "eigh", "svd", "slogdet", "band_part_", "triangular_solve"])
def test_rank_one_input_is_refused(fn):
    x = np.ones(3)
    calls = {"band_part_": lambda: tf.linalg.band_part(x, 1, 1),
             "triangular_solve": lambda: tf.linalg.triangular_solve(x, np.ones((3, 1)))}
    with pytest.raises(InvalidArgumentError, match=r"rank >= 2|2-dim.*\(3,\)"):
        calls.get(fn, lambda: getattr(tf.linalg, fn)(x))()


def test_pinv_and_adjoint_of_a_vector_raise_value_error():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        tf.linalg.pinv(np.ones(3))
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.linalg.adjoint(np.ones(3))


def test_cholesky_of_a_matrix_that_is_not_positive_definite_is_refused():
    with pytest.raises(InvalidArgumentError, match=r"Cholesky decomposition was not successful.*\(2, 2\)"):
        tf.linalg.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(InvalidArgumentError, match="not positive definite"):
        tf.linalg.logdet(-np.eye(3))


def test_integer_input_is_refused_naming_the_dtype():
    with pytest.raises(InvalidArgumentError, match="int32"):
        tf.linalg.svd(np.eye(2, dtype=np.int32))


def test_solve_shape_mismatches_are_refused():
    with pytest.raises(InvalidArgumentError, match=r"\(3, 3\).*\(2, 1\)"):
        tf.linalg.triangular_solve(np.eye(3), np.ones((2, 1)))
    with pytest.raises(InvalidArgumentError, match=r"rhs must have rank >= 2"):
        tf.linalg.triangular_solve(np.eye(3), np.ones(3))
    with pytest.raises(InvalidArgumentError, match=r"must be square.*\(2, 3\)"):
        tf.linalg.triangular_solve(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(InvalidArgumentError, match=r"\(3, 3\).*\(2, 1\)"):
        tf.linalg.cholesky_solve(np.eye(3), np.ones((2, 1)))
    with pytest.raises(InvalidArgumentError, match=r"\(4, 3\).*\(3, 2\)"):
        tf.linalg.lstsq(np.ones((4, 3)), np.ones((3, 2)))


def test_band_part_counts_beyond_the_matrix_are_refused():
    with pytest.raises(InvalidArgumentError, match="num_lower.*3"):
        tf.linalg.band_part(np.ones((3, 3)), 5, 0)
    with pytest.raises(InvalidArgumentError, match="num_upper.*4"):
        tf.linalg.band_part(np.ones((3, 4)), 0, 6)


def test_triangular_solve_of_a_singular_matrix_is_refused():
    with pytest.raises(InvalidArgumentError, match="singular"):
        tf.linalg.triangular_solve(np.zeros((2, 2)), np.ones((2, 1)))


def test_cholesky_gradient_is_symmetric_as_in_tensorflow():
    a = tf.constant(np.array([[4.0, 1.0], [1.0, 3.0]]))
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.reduce_sum(tf.linalg.cholesky(a) * np.array([[1.0, 0.0], [2.0, -1.0]]))
    g = tape.gradient(y, a).numpy()
    np.testing.assert_allclose(g, g.T)


def test_eigh_gradient_lives_in_the_lower_triangle_it_reads():
    a = tf.constant(np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, -1.0]]))
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.reduce_sum(tf.linalg.eigvalsh(a) * np.array([1.0, 2.0, 3.0]))
    g = tape.gradient(y, a).numpy()
    np.testing.assert_array_equal(np.triu(g, 1), 0.0)


def test_svd_gradient_with_full_matrices_far_from_square_is_refused():
    a = tf.constant(np.random.default_rng(0).standard_normal((2, 5)))
    with tf.GradientTape() as tape:
        tape.watch(a)
        s, u, v = tf.linalg.svd(a, full_matrices=True)
        y = tf.reduce_sum(v)
    with pytest.raises(InvalidArgumentError, match="not unique"):
        tape.gradient(y, a)


def _spd(x):
    return tf.matmul(x, x, transpose_b=True) + 2.0 * tf.eye(x.shape[-1], dtype=x.dtype)


def _well_conditioned(shape, seed=0):
    rng = np.random.default_rng(seed)
    *batch, m, n = shape
    k = min(m, n)
    u = np.linalg.qr(rng.standard_normal((*batch, m, m)))[0][..., :k]
    v = np.linalg.qr(rng.standard_normal((*batch, n, n)))[0][..., :k]
    return (u * np.linspace(3.0, 1.0, k)) @ np.swapaxes(v, -1, -2)


SECOND_ORDER = {
    "cholesky": (lambda x: tf.linalg.cholesky(_spd(x)), (2, 3, 3)),
    "logdet": (lambda x: tf.linalg.logdet(_spd(x)), (3, 3)),
    "slogdet": (lambda x: tf.linalg.slogdet(x).log_abs_determinant, (3, 3)),
    "qr_tall": (lambda x: [tf.square(y) for y in tf.linalg.qr(x)], (4, 3)),
    "qr_wide": (lambda x: [tf.square(y) for y in tf.linalg.qr(x)], (2, 4)),
    "eigh": (lambda x: [tf.linalg.eigh(_spd(x))[0], tf.square(tf.linalg.eigh(_spd(x))[1])], (3, 3)),
    "svd_wide": (lambda x: [tf.square(y) for y in tf.linalg.svd(x)], (3, 4)),
    "pinv": (tf.linalg.pinv, (4, 3)),
    "triangular_solve": (lambda x: tf.linalg.triangular_solve(x + 3.0 * tf.eye(3, dtype=x.dtype), x), (3, 3)),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_order_gradients_match_finite_differences(name):
    fn, shape = SECOND_ORDER[name]
    check_second_order(fn, [_well_conditioned(shape)])


def test_solve_with_adjoint_solves_the_transposed_system():
    a = np.array([[3.0, 1.0, 0.0], [0.5, 2.0, 1.0], [0.0, 1.0, 4.0]])
    b = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]])
    np.testing.assert_allclose(tf.linalg.solve(a, b, adjoint=True).numpy(), np.linalg.solve(a.T, b), atol=1e-12)
    np.testing.assert_allclose(tf.linalg.solve(a, b).numpy(), np.linalg.solve(a, b), atol=1e-12)


@pytest.mark.parametrize("ord", ["euclidean", "fro", 1, 2, np.inf])
@pytest.mark.parametrize("axis", [(1, 2), (2, 0), (-1, -2)])
def test_matrix_norms_are_numpys(ord, axis):
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    expected = np.linalg.norm(x, "fro" if ord == "euclidean" else ord, axis=axis, keepdims=True)
    got = tf.norm(x, ord=ord, axis=axis, keepdims=True)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5)


@pytest.mark.parametrize("ord", ["euclidean", 1, 2, np.inf, 3, 0.5])
def test_vector_norms_over_all_entries_or_one_axis(ord):
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    p = 2 if ord == "euclidean" else ord
    np.testing.assert_allclose(tf.norm(x, ord=ord), np.linalg.norm(x.ravel(), p), rtol=1e-5)
    np.testing.assert_allclose(tf.norm(x, ord=ord, axis=1), np.linalg.norm(x, p, axis=1), rtol=1e-5)


@pytest.mark.parametrize("ord, axis, error", [("fro", None, "supported vector norm"), ("nuc", (0, 1), "supported matrix norm"),
                                              (3, (0, 1), "supported matrix norm"), (-1, 0, "supported vector norm"),
                                              (2, [1], "tuple of 2 unique integers"), (2, (1, 1), "2 unique")])
def test_norm_refuses_what_tensorflow_refuses(ord, axis, error):
    with pytest.raises(ValueError, match=error):
        tf.norm(tf.ones((3, 4)), ord=ord, axis=axis)


@pytest.mark.parametrize("ord", [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
@pytest.mark.parametrize("axis", [None, (0, 1), (1, 0)])
def test_keras_ops_norm_of_a_matrix_is_numpys(ord, axis):
    x = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(tf.keras.ops.norm(x, ord=ord, axis=axis), np.linalg.norm(x, ord, axis=axis), rtol=1e-5)


@pytest.mark.parametrize("ord", [None, 1, 2, np.inf, -np.inf, 0, 3, -1])
def test_keras_ops_norm_of_vectors_is_numpys(ord):
    x = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    x[0, 1] = 0.0
    np.testing.assert_allclose(tf.keras.ops.norm(x, ord=ord, axis=-1), np.linalg.norm(x, ord, axis=-1), rtol=1e-5)
    with pytest.raises(ValueError, match="Invalid axis values"):
        tf.keras.ops.norm(np.ones((2, 3, 4), np.float32))

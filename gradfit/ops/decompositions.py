"""Matrix decompositions and what is built on them (`tf.linalg.cholesky`, `qr`, `eigh`, `svd`, `slogdet`, ...).

Each decomposition is a primitive whose gradient is TensorFlow's rule written with gradfit ops, so
second-order gradients work. Like TensorFlow, eigh and svd gradients need distinct eigen/singular values.
"""
import collections

import numpy as np

from .core import ACTIVE, InvalidArgumentError, Primitive, Tensor, defgrad, output, outputs, value
from . import array as A
from . import math as M
from . import reduction as R
from .linalg import (band_part, diag, diag_part, inv, matmul, matrix_transpose, matrix_value, triangular_solve,
                     _lapack_dtype)

Qr = collections.namedtuple("Qr", ["q", "r"])
LogMatrixDeterminant = collections.namedtuple("LogMatrixDeterminant", ["sign", "log_abs_determinant"])


def _eye_like(x):
    n = x._value.shape[-1]
    return np.eye(n, dtype=x._value.dtype)


def _safe_reciprocal(x, epsilon=1e-20):
    """1/x that is 0 where x is 0 (TensorFlow's _SafeReciprocal)."""
    return M.divide(x, M.add(M.square(x), epsilon))


def _inverse_gaps(values):
    """F[..., i, j] = 1 / (values[j] - values[i]) off the diagonal, 0 on it. The diagonal is masked after
    the reciprocal, so a second-order gradient never meets the reciprocal's 1/epsilon slope at 0."""
    gaps = _safe_reciprocal(M.subtract(A.expand_dims(values, -2), A.expand_dims(values, -1)))
    return M.multiply(gaps, 1 - _eye_like(values))


def _half_diagonal(x):
    """x with its diagonal halved."""
    return M.subtract(x, M.multiply(x, 0.5 * _eye_like(x)))


# ----------------------------------------------------------------------------------------- cholesky
_cholesky = Primitive("Cholesky")


def cholesky(input, name=None):
    """The lower-triangular L with L @ L^H = input, for Hermitian positive definite inner matrices
    (only the lower triangle of `input` is read)."""
    v = matrix_value(input, "cholesky")
    try:
        out = np.linalg.cholesky(_lapack_dtype(v))
    except np.linalg.LinAlgError:
        raise InvalidArgumentError(
            f"Cholesky decomposition was not successful: the input of shape {v.shape} is not "
            f"positive definite") from None
    return output(_cholesky, out.astype(v.dtype, copy=False), (input,))


def _cholesky_grad(g, l, x):
    # Murray 2016, as TensorFlow writes it: the gradient is symmetrized over the whole input.
    eye = _eye_like(l)
    l_inverse = triangular_solve(l, eye)
    middle = band_part(_half_diagonal(matmul(l, g, transpose_a=True)), -1, 0)
    grad = matmul(matmul(l_inverse, middle, transpose_a=True), l_inverse)
    return M.multiply(M.add(grad, matrix_transpose(grad)), 0.5)


defgrad(_cholesky, _cholesky_grad)


def cholesky_solve(chol, rhs, name=None):
    """x with A @ x = rhs, given chol = cholesky(A)."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


def logdet(matrix, name=None):
    """log(det(matrix)) for Hermitian positive definite inner matrices, through the Cholesky factor."""
    chol = cholesky(matrix)
    return M.multiply(R.reduce_sum(M.log(diag_part(chol)), axis=-1), 2.0)


# --------------------------------------------------------------------------------------------- slogdet
_slogdet = Primitive("LogMatrixDeterminant", multi_output=True)


def slogdet(input, name=None):
    """(sign, log|det|) of the inner matrices; a singular matrix gives sign 0 and log|det| -inf."""
    v = matrix_value(input, "slogdet")
    sign, logabs = np.linalg.slogdet(_lapack_dtype(v))
    outs = [np.asarray(sign).astype(v.dtype), np.asarray(logabs).astype(v.dtype)]
    return LogMatrixDeterminant(*outputs(_slogdet, outs, (input,)))


def _slogdet_grad(g, ans, x):
    g_logabs = g[1]
    if g_logabs is None:
        return None
    return M.multiply(A.expand_dims(A.expand_dims(g_logabs, -1), -1), matrix_transpose(inv(x)))


defgrad(_slogdet, _slogdet_grad)


# ------------------------------------------------------------------------------------------------- qr
_qr = Primitive("Qr", multi_output=True)


def qr(input, full_matrices=False, name=None):
    """Q with orthonormal columns and upper-triangular R with Q @ R = input, as the namedtuple (q, r)."""
    v = matrix_value(input, "qr", square=False)
    q, r = np.linalg.qr(_lapack_dtype(v), mode="complete" if full_matrices else "reduced")
    outs = [q.astype(v.dtype, copy=False), r.astype(v.dtype, copy=False)]
    return Qr(*outputs(_qr, outs, (input,), {"full_matrices": bool(full_matrices)}))


def _solve_upper_right(x, r):
    """x @ inv(r)^H for upper-triangular r."""
    return matrix_transpose(triangular_solve(r, matrix_transpose(x), lower=False))


def _qr_grad_square_or_tall(q, r, dq, dr):
    qdq = matmul(q, dq, transpose_a=True)
    rdr = matmul(r, dr, transpose_b=True)
    tril = band_part(M.add(M.subtract(qdq, matrix_transpose(qdq)), M.subtract(rdr, matrix_transpose(rdr))), -1, 0)
    grad_a = matmul(q, M.add(dr, _solve_upper_right(tril, r)))
    grad_b = _solve_upper_right(M.subtract(dq, matmul(q, qdq)), r)
    return M.add(grad_a, grad_b)


def _qr_grad(g, ans, x, full_matrices):
    q, r = ans
    dq = A.zeros_like(q) if g[0] is None else g[0]
    dr = A.zeros_like(r) if g[1] is None else g[1]
    rows, cols = x._value.shape[-2:]
    if rows > cols and full_matrices:
        raise InvalidArgumentError(
            f"qr gradient of an input of shape {x._value.shape} needs full_matrices=False: the last "
            f"{rows - cols} columns of a full q are not unique")
    if rows >= cols:
        return _qr_grad_square_or_tall(q, r, dq, dr)
    # Wide input a = [x, y] with r = [u, v]: x = q @ u is the square case, y = q @ v is linear.
    y = A.getitem(x, (Ellipsis, slice(None), slice(rows, None)))
    u = A.getitem(r, (Ellipsis, slice(None), slice(None, rows)))
    du = A.getitem(dr, (Ellipsis, slice(None), slice(None, rows)))
    dv = A.getitem(dr, (Ellipsis, slice(None), slice(rows, None)))
    dx = _qr_grad_square_or_tall(q, u, M.add(dq, matmul(y, dv, transpose_b=True)), du)
    return A.concat([dx, matmul(q, dv)], axis=-1)


defgrad(_qr, _qr_grad)


# ------------------------------------------------------------------------------------------------ eigh
_eigh = Primitive("SelfAdjointEigV2", multi_output=True)


def eigh(tensor, name=None):
    """(eigenvalues in ascending order, eigenvectors as columns) of self-adjoint inner matrices; only
    the lower triangle is read."""
    v = matrix_value(tensor, "eigh")
    e, vecs = np.linalg.eigh(_lapack_dtype(v))
    return tuple(outputs(_eigh, [e.astype(v.dtype, copy=False), vecs.astype(v.dtype, copy=False)], (tensor,)))


def eigvalsh(tensor, name=None):
    """The eigenvalues, ascending, of self-adjoint inner matrices (lower triangle read)."""
    if ACTIVE:
        return eigh(tensor)[0]
    v = matrix_value(tensor, "eigvalsh")
    return Tensor(np.linalg.eigvalsh(_lapack_dtype(v)).astype(v.dtype, copy=False))


def _eigh_grad(g, ans, x):
    e, v = ans
    ge, gv = g
    inner = None if ge is None else diag(ge)
    if gv is not None:
        rotation = M.multiply(_inverse_gaps(e), matmul(v, gv, transpose_a=True))
        inner = rotation if inner is None else M.add(inner, rotation)
    grad = matmul(v, matmul(inner, v, transpose_b=True))
    # The forward op reads only the lower triangle, so the gradient lives there.
    return _half_diagonal(band_part(M.add(grad, matrix_transpose(grad)), -1, 0))


defgrad(_eigh, _eigh_grad)


# ------------------------------------------------------------------------------------------------- svd
_svd = Primitive("Svd", multi_output=True)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values (descending) and, with `compute_uv`, (s, u, v) with tensor = u @ diag(s) @ v^H.
    Note v, not v^H, as TensorFlow returns it."""
    x = matrix_value(tensor, "svd", square=False)
    if not compute_uv and not ACTIVE:
        return Tensor(np.linalg.svd(_lapack_dtype(x), compute_uv=False).astype(x.dtype, copy=False))
    u, s, vh = np.linalg.svd(_lapack_dtype(x), full_matrices=bool(full_matrices and compute_uv))
    outs = [s.astype(x.dtype, copy=False), u.astype(x.dtype, copy=False),
            vh.swapaxes(-1, -2).astype(x.dtype, copy=False)]
    s, u, v = outputs(_svd, outs, (tensor,), {"full_matrices": bool(full_matrices and compute_uv)})
    return (s, u, v) if compute_uv else s


def _svd_grad(g, ans, x, full_matrices):
    s, u, v = ans
    gs = A.zeros_like(s) if g[0] is None else g[0]
    gu = A.zeros_like(u) if g[1] is None else g[1]
    gv = A.zeros_like(v) if g[2] is None else g[2]
    m, n = x._value.shape[-2:]
    transposed = m > n
    if transposed:
        # Differentiate a^H = v @ s @ u^H, and transpose the gradient back at the end.
        m, n, u, v, gu, gv = n, m, v, u, gv, gu
    if full_matrices and n - m > 1:
        raise InvalidArgumentError(
            f"svd gradient with full_matrices=True of an input of shape {x._value.shape} is not defined: "
            f"the last {n - m} singular vectors are not unique")
    s_mat = diag(s)
    s2 = M.square(s)
    gaps = _inverse_gaps(s2)
    first = (Ellipsis, slice(None), slice(None, m))
    v1, gv1 = A.getitem(v, first), A.getitem(gv, first)
    f_u = M.multiply(gaps, matmul(u, gu, transpose_a=True))
    f_v = M.multiply(gaps, matmul(v1, gv1, transpose_a=True))
    core = M.add(M.add(diag(gs), matmul(M.add(f_u, matrix_transpose(f_u)), s_mat)),
                 matmul(s_mat, M.add(f_v, matrix_transpose(f_v))))
    grad = matmul(u, matmul(core, v1, transpose_b=True))
    if m != n:
        gv1t = matrix_transpose(gv1)
        rest = M.subtract(gv1t, matmul(matmul(gv1t, v1), v1, transpose_b=True))
        if full_matrices:
            last = (Ellipsis, slice(None), slice(m, n))
            v2, gv2 = A.getitem(v, last), A.getitem(gv, last)
            rest = M.subtract(rest, matmul(matmul(v1, gv2, transpose_a=True), v2, transpose_b=True))
        grad = M.add(grad, matmul(matmul(u, diag(_safe_reciprocal(s))), rest))
    return matrix_transpose(grad) if transposed else grad


defgrad(_svd, _svd_grad)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse through the SVD; singular values at most rcond * max(s) count
    as zero (rcond defaults to 10 * max(rows, cols) * machine epsilon)."""
    v = value(a)
    if v.ndim < 2:
        raise ValueError(f"pinv: input `a` must have at least 2 dimensions, got shape {v.shape}")
    matrix_value(a, "pinv", square=False)
    if rcond is None:
        rcond = 10.0 * max(v.shape[-2:]) * float(np.finfo(v.dtype).eps)
    s, u, vecs = svd(a, full_matrices=False, compute_uv=True)
    cutoff = M.multiply(R.reduce_max(s, axis=-1, keepdims=True), rcond)
    # Small singular values become inf, so 1/s is 0 and its gradient is 0 rather than NaN.
    s = M.where(M.greater(s, cutoff), s, np.array(np.inf, v.dtype))
    return matmul(M.divide(vecs, A.expand_dims(s, -2)), u, transpose_b=True)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The least-squares solution x of matrix @ x ~ rhs (minimum norm for underdetermined systems),
    optionally Tikhonov-regularized by `l2_regularizer`; leading axes broadcast.

    fast=True solves the regularized normal equations through a Cholesky factorization; fast=False
    uses the pseudo-inverse, which also handles rank-deficient matrices and, as in TensorFlow, ignores
    `l2_regularizer`.
    """
    a = matrix_value(matrix, "lstsq", square=False)
    b = value(rhs)
    if b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise InvalidArgumentError(
            f"lstsq: rhs must have shape [..., {a.shape[-2]}, K] to match matrix of shape {a.shape}, got {b.shape}")
    if not fast:
        return matmul(pinv(matrix), rhs)
    l2 = float(value(l2_regularizer))
    rows, cols = a.shape[-2:]
    if rows >= cols:
        gram = matmul(matrix, matrix, transpose_a=True)
        if l2:
            gram = M.add(gram, np.eye(cols, dtype=a.dtype) * l2)
        return cholesky_solve(cholesky(gram), matmul(matrix, rhs, transpose_a=True))
    gram = matmul(matrix, matrix, transpose_b=True)
    if l2:
        gram = M.add(gram, np.eye(rows, dtype=a.dtype) * l2)
    return matmul(matrix, cholesky_solve(cholesky(gram), rhs), transpose_a=True)

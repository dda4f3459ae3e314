"""Matrix products and norms (`tf.matmul`, `tf.tensordot`, `tf.einsum`, `tf.linalg`)."""
import string

import numpy as np

from ..backend import blas_threads
from .core import ACTIVE, InvalidArgumentError, Primitive, Tensor, defgrad, output, record, value
from . import array as A
from . import math as M
from . import reduction as R

_matmul = Primitive("MatMul")


def _matmul_value(a, b, ta, tb):
    if ta:
        a = a.swapaxes(-1, -2)
    if tb:
        b = b.swapaxes(-1, -2)
    blas_threads.for_product(2 * max(a.size, b.size) * b.shape[-1])
    if a.ndim > 2 and b.ndim == 2:
        # One large GEMM instead of NumPy's loop of small ones over the leading axes.
        return np.dot(a.reshape(-1, a.shape[-1]), b).reshape(a.shape[:-1] + (b.shape[-1],))
    if a.ndim == 2 and b.ndim == 2:
        return np.dot(a, b)  # the same product as np.matmul, without the generalized-ufunc dispatch
    return np.matmul(a, b)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, name=None, **kwargs):
    """a @ b over the last two axes, broadcasting leading (batch) axes."""
    try:
        av = a._value
    except AttributeError:
        av = value(a)
    try:
        bv = b._value
    except AttributeError:
        bv = value(b)
    ta = bool(transpose_a or adjoint_a)
    tb = bool(transpose_b or adjoint_b)
    if av.ndim < 2 or bv.ndim < 2:
        raise InvalidArgumentError(
            f"matmul needs tensors of rank >= 2, got shapes {av.shape} and {bv.shape}")
    try:
        out = _matmul_value(av, bv, ta, tb)
    except ValueError:
        raise InvalidArgumentError(
            f"Matrix size-incompatible: In[0]: {list(av.shape)}{' (transposed)' if ta else ''}, "
            f"In[1]: {list(bv.shape)}{' (transposed)' if tb else ''}") from None
    if ACTIVE:
        return record(_matmul, out, (a, b), {"ta": ta, "tb": tb})
    return Tensor(out)


def _matmul_grad_a(g, ans, a, b, ta, tb):
    if not ta:
        ga = matmul(g, b, transpose_b=not tb)
    else:
        ga = matmul(b, g, transpose_a=tb, transpose_b=True)
    return M.unbroadcast(ga, a)


def _matmul_grad_b(g, ans, a, b, ta, tb):
    av = a._value
    if av.ndim > 2 and b._value.ndim == 2 and not ta:
        # Fold the leading axes into the rows: one (k, n) GEMM instead of a sum of batched ones.
        a2 = A.reshape(a, (-1, av.shape[-1]))
        g2 = A.reshape(g, (-1, g._value.shape[-1]))
        return matmul(g2, a2, transpose_a=True) if tb else matmul(a2, g2, transpose_a=True)
    if not tb:
        gb = matmul(a, g, transpose_a=not ta)
    else:
        gb = matmul(g, a, transpose_a=True, transpose_b=ta)
    return M.unbroadcast(gb, b)


defgrad(_matmul, _matmul_grad_a, _matmul_grad_b)


def matrix_transpose(a, name=None, conjugate=False):
    nd = value(a).ndim
    perm = list(range(nd - 2)) + [nd - 1, nd - 2]
    return A.transpose(a, perm)


def tensordot(a, b, axes, name=None):
    """Sum over the given axes of a and b (an int n means the last n of a and first n of b)."""
    av, bv = value(a), value(b)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        axes_a = list(range(av.ndim - n, av.ndim))
        axes_b = list(range(n))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
        axes_a = [x % av.ndim for x in axes_a]
        axes_b = [x % bv.ndim for x in axes_b]
    for i, j in zip(axes_a, axes_b):
        if av.shape[i] != bv.shape[j]:
            raise InvalidArgumentError(
                f"tensordot: axis {i} of shape {av.shape} does not match axis {j} of shape {bv.shape}")
    free_a = [i for i in range(av.ndim) if i not in axes_a]
    free_b = [i for i in range(bv.ndim) if i not in axes_b]
    k = int(np.prod([av.shape[i] for i in axes_a]))
    a2 = A.reshape(A.transpose(a, free_a + axes_a), (-1, k))
    b2 = A.reshape(A.transpose(b, axes_b + free_b), (k, -1))
    out = matmul(a2, b2)
    return A.reshape(out, [av.shape[i] for i in free_a] + [bv.shape[i] for i in free_b])


# ------------------------------------------------------------------------------------------- einsum
class _Einsum(Primitive):
    """einsum over explicit subscripts; each operand's gradient is an einsum of the others."""

    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        subs, out_sub = params["subs"], params["out"]
        result = {}
        for i in wanted:
            others = [s for j, s in enumerate(subs) if j != i]
            target = subs[i]
            available = set(out_sub).union(*others) if others else set(out_sub)
            kept = "".join(c for c in dict.fromkeys(target) if c in available)
            eq = ",".join([out_sub] + others) + "->" + kept
            gi = einsum(eq, g, *[x for j, x in enumerate(inputs) if j != i])
            shape = inputs[i]._value.shape
            if kept != target:
                if len(set(target)) != len(target):
                    raise InvalidArgumentError(
                        f"einsum gradient with a repeated index in operand '{target}' is not supported")
                sizes = dict(zip(target, shape))
                expanded = A.reshape(gi, [sizes[c] if c in kept else 1 for c in target])
                gi = A.broadcast_to(expanded, shape)
            result[i] = M.unbroadcast(gi, inputs[i]) if gi._value.shape != shape else gi
        return result


_einsum = _Einsum("Einsum")


def _parse_einsum(equation, operands):
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs, out = eq, None
    subs = lhs.split(",")
    if len(subs) != len(operands):
        raise InvalidArgumentError(f"einsum '{equation}' has {len(subs)} operands, got {len(operands)} tensors")
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in string.ascii_letters if c not in used]
    # '...' stands for the same letters in every operand, right-aligned as in broadcasting.
    widths = [v.ndim - (len(s) - 3) for s, v in zip(subs, operands) if "..." in s]
    ell = "".join(spare[:max(widths)]) if widths else ""
    subs = [s.replace("...", ell[len(ell) - (v.ndim - (len(s) - 3)):]) if "..." in s else s
            for s, v in zip(subs, operands)]
    if out is None:
        counts = {}
        for s in subs:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    elif "..." in out:
        out = out.replace("...", ell)
    for s, v in zip(subs, operands):
        if len(s) != v.ndim:
            raise InvalidArgumentError(f"einsum: subscripts '{s}' do not match an operand of shape {v.shape}")
    return subs, out


def einsum(equation, *inputs, **kwargs):
    """Einstein summation, as `tf.einsum`; differentiable in every operand."""
    vals = [value(x) for x in inputs]
    subs, out_sub = _parse_einsum(equation, vals)
    eq = ",".join(subs) + "->" + out_sub
    try:
        out = np.einsum(eq, *vals, optimize=len(vals) > 2)
    except ValueError as e:
        raise InvalidArgumentError(f"einsum '{equation}' on shapes {[v.shape for v in vals]}: {e}") from None
    out = np.asarray(out)
    if out.ndim and not out.flags.owndata:
        out = out.copy()
    return output(_einsum, out, tuple(inputs), {"subs": subs, "out": out_sub})


# -------------------------------------------------------------------------------------------- norms
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """`tf.norm`: a vector norm ('euclidean' or 2, 1, inf, any p > 0) over all entries or along one axis,
    or a matrix norm ('euclidean'/'fro', 1, 2 (the largest singular value), inf) over a pair of axes."""
    keepdims = bool(keepdims)
    if isinstance(axis, (list, tuple)) and len(axis) != 2:
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis!r}")
    axes = (None,) if axis is None else norm_axes(tensor, axis)
    if len(axes) == 2:
        if ord not in ("euclidean", "fro", 1, 2, np.inf) or isinstance(ord, bool):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got {ord!r}")
        return matrix_norm(tensor, ord, axes, keepdims)
    if ord == "fro" or isinstance(ord, bool) or not (ord == "euclidean" or (
            isinstance(ord, (int, float, np.number)) and ord > 0)):
        raise ValueError(f"'ord' must be a supported vector norm, got {ord!r}")
    return vector_norm(tensor, ord, axes[0], keepdims)


def norm_axes(tensor, axis):
    """The `axis` argument of a norm as a tuple of one or two non-negative axes, checked."""
    ndim = value(tensor).ndim
    if isinstance(axis, Tensor):
        axis = axis._value.tolist()
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    if len(axes) not in (1, 2) or (len(axes) == 2 and int(axes[0]) % ndim == int(axes[1]) % ndim):
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis!r}")
    if any(not -ndim <= int(a) < ndim for a in axes):
        raise InvalidArgumentError(f"norm: axis {axis!r} is out of range for a tensor of rank {ndim}")
    return tuple(int(a) % ndim for a in axes)


def vector_norm(tensor, ord, axis, keepdims):
    """The p-norm along `axis` (all entries for None): 'euclidean' or 2, 1, inf, -inf, 0 (the count of
    non-zero entries) or any other p."""
    if ord in ("euclidean", 2, 2.0):
        return M.sqrt(R.reduce_sum(M.square(tensor), axis=axis, keepdims=keepdims))
    if ord in (1, 1.0):
        return R.reduce_sum(M.abs(tensor), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return R.reduce_max(M.abs(tensor), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return R.reduce_min(M.abs(tensor), axis=axis, keepdims=keepdims)
    if ord == 0:
        return R.reduce_sum(M.cast(M.not_equal(tensor, 0), value(tensor).dtype), axis=axis, keepdims=keepdims)
    return M.pow(R.reduce_sum(M.pow(M.abs(tensor), float(ord)), axis=axis, keepdims=keepdims), 1.0 / ord)


def matrix_norm(tensor, ord, axes, keepdims):
    """The norm of the matrices whose rows and columns run along `axes` (two non-negative axes):
    'euclidean'/'fro', 'nuc' (the sum of singular values), 1/-1 (the largest/smallest column sum of
    absolute values), inf/-inf (the same over rows), 2/-2 (the largest/smallest singular value)."""
    rows, cols = axes
    shape = value(tensor).shape
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(shape)) if keepdims else tuple(
        d for i, d in enumerate(shape) if i not in axes)
    if ord in ("euclidean", "fro"):
        return M.sqrt(R.reduce_sum(M.square(tensor), axis=axes, keepdims=keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = R.reduce_sum(M.abs(tensor), axis=summed, keepdims=True)
        pick = R.reduce_max if ord > 0 else R.reduce_min
        return A.reshape(pick(sums, axis=other, keepdims=True), out_shape)
    if ord in ("nuc", 2, -2):
        from .decompositions import svd

        rest = [i for i in range(len(shape)) if i not in axes]
        s = svd(A.transpose(tensor, rest + [rows, cols]), compute_uv=False)
        pick = R.reduce_sum if ord == "nuc" else R.reduce_max if ord == 2 else R.reduce_min
        return A.reshape(pick(s, axis=-1), out_shape)
    raise ValueError(f"Invalid `ord` argument for matrix norm. Received: ord={ord!r}")


def trace(x, name=None):
    return R.reduce_sum(diag_part(x), axis=-1)


def diag_part(input, name=None):
    v = value(input)
    n = min(v.shape[-2:])
    idx = np.arange(n)
    return A.getitem(input, (Ellipsis, idx, idx))


def diag(diagonal, name=None):
    v = value(diagonal)
    n = v.shape[-1]
    return M.multiply(A.expand_dims(diagonal, -1), np.eye(n, dtype=v.dtype))


def set_diag(input, diagonal, name=None, k=0, align="RIGHT_LEFT"):
    """`input` with the main diagonal of its inner matrices replaced by `diagonal`."""
    v, d = value(input), np.asarray(value(diagonal))
    if k != 0:
        raise ValueError(f"set_diag: only the main diagonal (k=0) is supported, got k={k!r}")
    if v.ndim < 2 or d.shape != v.shape[:-2] + (min(v.shape[-2:]),):
        raise InvalidArgumentError(f"set_diag: diagonal shape {d.shape} does not match input shape {v.shape}")
    on = np.eye(v.shape[-2], v.shape[-1], dtype=bool)
    n = d.shape[-1]
    full = M.multiply(A.expand_dims(diagonal, -1), np.eye(n, v.shape[-1], dtype=v.dtype))  # rows: the diagonal
    full = A.pad(full, [[0, 0]] * (v.ndim - 2) + [[0, v.shape[-2] - n], [0, 0]]) if v.shape[-2] > n else full
    return M.where(on, full, input)


_inv = Primitive("MatrixInverse")
defgrad(_inv, lambda g, ans, x: M.negative(matmul(ans, matmul(g, ans, transpose_b=True), transpose_a=True)))


def inv(input, adjoint=False, name=None):
    v = value(input)
    try:
        out = np.linalg.inv(v)
    except np.linalg.LinAlgError as e:
        raise InvalidArgumentError(f"matrix inverse: input of shape {v.shape} is not invertible ({e})") from None
    return output(_inv, out.astype(v.dtype, copy=False), (input,))


_det = Primitive("MatrixDeterminant")
defgrad(_det, lambda g, ans, x: M.multiply(A.expand_dims(A.expand_dims(M.multiply(g, ans), -1), -1),
                                           matrix_transpose(inv(x))))


def det(input, name=None):
    v = value(input)
    return output(_det, np.asarray(np.linalg.det(v)).astype(v.dtype, copy=False), (input,))


def solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs (matrix^H @ x = rhs with `adjoint`)."""
    return matmul(inv(matrix), rhs, adjoint_a=adjoint)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x**2), epsilon)) along `axis`."""
    axis = dim if axis is None and dim is not None else axis
    sq = R.reduce_sum(M.square(x), axis=axis, keepdims=True)
    return M.multiply(x, M.rsqrt(M.maximum(sq, epsilon)))


# ------------------------------------------------------------------ triangular solves and band parts
def matrix_value(x, op, square=True):
    """The NumPy value of a (batch of) matrices for `op`, checked as TensorFlow checks it: floating
    dtype, rank >= 2 and, when `square`, square inner matrices."""
    v = value(x)
    if v.dtype.kind != "f":
        raise InvalidArgumentError(f"{op}: expected a float16, float32 or float64 tensor, got dtype {v.dtype.name}")
    if v.ndim < 2:
        raise InvalidArgumentError(f"{op}: input must have rank >= 2, got shape {v.shape}")
    if square and v.shape[-1] != v.shape[-2]:
        raise InvalidArgumentError(f"{op}: input matrices must be square, got shape {v.shape}")
    return v


def adjoint(matrix, name=None):
    """The conjugate transpose of the inner matrices (the transpose, for real tensors)."""
    v = value(matrix)
    if v.ndim < 2:
        raise ValueError(f"adjoint: argument `matrix` must be a (batch) matrix of rank >= 2, got shape {v.shape}")
    return matrix_transpose(matrix)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b for a (batch of) matrices a and a (batch of) vectors b, broadcasting leading axes."""
    bv = value(b)
    if bv.ndim < 1:
        raise InvalidArgumentError(f"matvec: `b` must be a vector (rank >= 1), got shape {bv.shape}")
    return A.squeeze(matmul(a, A.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a), -1)


_band_part = Primitive("MatrixBandPart")


def _band_mask(rows, cols, num_lower, num_upper):
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]  # column minus row
    keep = np.ones((rows, cols), dtype=bool)
    if num_lower >= 0:
        keep &= offset >= -num_lower
    if num_upper >= 0:
        keep &= offset <= num_upper
    return keep


def band_part(input, num_lower, num_upper, name=None):
    """The inner matrices with everything outside the band zeroed: `num_lower` subdiagonals and
    `num_upper` superdiagonals kept (a negative count keeps the whole triangle)."""
    v = value(input)
    if v.ndim < 2:
        raise InvalidArgumentError(f"band_part: input must be at least 2-dim, got shape {v.shape}")
    rows, cols = v.shape[-2:]
    num_lower, num_upper = int(value(num_lower)), int(value(num_upper))
    if num_lower > rows:
        raise InvalidArgumentError(
            f"band_part: num_lower must be negative or at most the number of rows ({rows}), got {num_lower}")
    if num_upper > cols:
        raise InvalidArgumentError(
            f"band_part: num_upper must be negative or at most the number of columns ({cols}), got {num_upper}")
    out = np.where(_band_mask(rows, cols, num_lower, num_upper), v, np.zeros((), v.dtype))
    return output(_band_part, out, (input,), {"num_lower": num_lower, "num_upper": num_upper})


defgrad(_band_part, lambda g, ans, x, num_lower, num_upper: band_part(g, num_lower, num_upper))

_triangular_solve = Primitive("MatrixTriangularSolve")


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """x with matrix @ x = rhs (matrix^H @ x = rhs with `adjoint`), reading only the lower (or upper)
    triangle of `matrix`; leading axes broadcast."""
    a = matrix_value(matrix, "triangular_solve")
    b = value(rhs)
    if b.ndim < 2:
        raise InvalidArgumentError(f"triangular_solve: rhs must have rank >= 2, got shape {b.shape}")
    if a.shape[-1] != b.shape[-2]:
        raise InvalidArgumentError(
            f"triangular_solve: matrix of shape {a.shape} does not match rhs of shape {b.shape} "
            f"({a.shape[-1]} vs. {b.shape[-2]} rows)")
    lower, adjoint = bool(lower), bool(adjoint)
    tri = np.tril(a) if lower else np.triu(a)
    if adjoint:
        tri = tri.swapaxes(-1, -2)
    try:
        out = np.linalg.solve(_lapack_dtype(tri), _lapack_dtype(b.astype(a.dtype, copy=False)))
    except np.linalg.LinAlgError:
        raise InvalidArgumentError(
            f"triangular_solve: matrix of shape {a.shape} is singular (a zero on its diagonal)") from None
    return output(_triangular_solve, out.astype(a.dtype, copy=False), (matrix, rhs),
                  {"lower": lower, "adjoint": adjoint})


def _lapack_dtype(v):
    """float16 computed in float32 (LAPACK has no half precision); the caller casts back."""
    return v.astype(np.float32) if v.dtype == np.float16 else v


def _triangular_solve_grad_matrix(g, ans, matrix, rhs, lower, adjoint):
    gb = triangular_solve(matrix, g, lower=lower, adjoint=not adjoint)
    ga = M.negative(matmul(ans, gb, transpose_b=True) if adjoint else matmul(gb, ans, transpose_b=True))
    ga = band_part(ga, -1, 0) if lower else band_part(ga, 0, -1)
    return M.unbroadcast(ga, matrix)


def _triangular_solve_grad_rhs(g, ans, matrix, rhs, lower, adjoint):
    return M.unbroadcast(triangular_solve(matrix, g, lower=lower, adjoint=not adjoint), rhs)


defgrad(_triangular_solve, _triangular_solve_grad_matrix, _triangular_solve_grad_rhs)

"""`tf.linalg`: matrix products, norms, inverses, solves and decompositions."""
from .ops.linalg import (adjoint, band_part, det, diag, diag_part, einsum, inv, l2_normalize, matmul, matrix_transpose,
                         matvec, norm, set_diag, solve, tensordot, trace, triangular_solve)
from .ops.decompositions import (cholesky, cholesky_solve, eigh, eigvalsh, logdet, lstsq, pinv, qr, slogdet, svd)
from .ops.clip import global_norm
from .ops.array import eye

transpose = matrix_transpose

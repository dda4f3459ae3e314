"""`tf.linalg`: matrix products, norms, inverses."""
from .ops.linalg import (det, diag, diag_part, einsum, inv, l2_normalize, matmul, matrix_transpose, norm, solve,
                         tensordot, trace)
from .ops.clip import global_norm
from .ops.array import eye

transpose = matrix_transpose

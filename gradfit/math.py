"""`tf.math`: elementwise math, reductions and scans."""
from .ops.math import (abs, add, add_n, acos, acosh, asin, asinh, atan, atan2, atanh, ceil, cos, cosh, divide,
                       divide_no_nan, equal, erf, exp, expm1, floor, floordiv, floormod, greater, greater_equal,
                       invert, is_finite, is_inf, is_nan, less, less_equal, log, log1p, logical_and, logical_not,
                       logical_or, logical_xor, maximum, minimum, mod, multiply, multiply_no_nan, negative,
                       not_equal, pow, reciprocal, rint, round, rsqrt, sigmoid, sign, sin, sinh, sqrt, square,
                       squared_difference, subtract, tan, tanh, truediv, xlogy, l2_loss, scalar_mul, reciprocal_no_nan,
                       truncatediv, truncatemod, xdivy, xlog1py, polyval)
from .ops.reduction import (argmax, argmin, bincount, count_nonzero, cumprod, cumsum, cumulative_logsumexp,
                            in_top_k, reduce_all, reduce_any, reduce_euclidean_norm, reduce_logsumexp, reduce_max,
                            reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum, reduce_variance, top_k,
                            confusion_matrix, is_non_decreasing, is_strictly_increasing, zero_fraction)
from .ops.segment import (segment_max, segment_mean, segment_min, segment_prod, segment_sum, unsorted_segment_max,
                          unsorted_segment_mean, unsorted_segment_min, unsorted_segment_prod, unsorted_segment_sqrt_n,
                          unsorted_segment_sum)
from .ops.special import (bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, betainc, digamma, erfc, erfcinv, erfinv,
                          igamma, igammac, lbeta, lgamma, ndtri, polygamma, zeta)
from .ops.array import invert_permutation
from .ops.nn import softplus, softsign, log_sigmoid, log_softmax, softmax
from .ops.linalg import l2_normalize

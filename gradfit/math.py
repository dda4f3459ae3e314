"""`tf.math`: elementwise math, reductions and scans."""
from .ops.math import (abs, add, add_n, acos, acosh, asin, asinh, atan, atan2, atanh, ceil, cos, cosh, divide,
                       divide_no_nan, equal, erf, exp, expm1, floor, floordiv, floormod, greater, greater_equal,
                       invert, is_finite, is_inf, is_nan, less, less_equal, log, log1p, logical_and, logical_not,
                       logical_or, logical_xor, maximum, minimum, mod, multiply, multiply_no_nan, negative,
                       not_equal, pow, reciprocal, rint, round, rsqrt, sigmoid, sign, sin, sinh, sqrt, square,
                       squared_difference, subtract, tan, tanh, truediv, xlogy, l2_loss, scalar_mul, reciprocal_no_nan,
                       truncatediv, truncatemod, xdivy, xlog1py)
from .ops.reduction import (argmax, argmin, bincount, count_nonzero, cumprod, cumsum, cumulative_logsumexp,
                            in_top_k, reduce_all, reduce_any, reduce_euclidean_norm, reduce_logsumexp, reduce_max,
                            reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum, reduce_variance, top_k)
from .ops.segment import (segment_max, segment_mean, segment_min, segment_sum, unsorted_segment_max,
                          unsorted_segment_mean, unsorted_segment_min, unsorted_segment_sum)
from .ops.nn import softplus, softsign, log_sigmoid, log_softmax, softmax
from .ops.linalg import l2_normalize


def is_non_decreasing(x, name=None):
    from .ops.core import value
    from .tensor import Tensor
    import numpy as np

    v = value(x).reshape(-1)
    return Tensor(np.asarray(bool(np.all(v[1:] >= v[:-1]))))

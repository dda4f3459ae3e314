"""Modified Bessel functions of the first kind, orders 0 and 1, scaled by e^-|x|, in float64 NumPy.

Below |x| = 25 the power series I_nu(x) = sum_k (x/2)^(2k+nu) / (k! (k+nu)!), whose terms are all positive;
above it Hankel's asymptotic series e^x / sqrt(2 pi x) sum_k (-1)^k a_k(nu) / x^k, which at that size
reaches double precision before its terms start to grow.
"""
import math

import numpy as np

_ASYMPTOTIC_FROM = 25.0


def _series(a, order):
    quarter_x2 = 0.25 * a * a
    term = np.ones_like(a) if order == 0 else 0.5 * a
    total = term.copy()
    for k in range(1, 120):
        term = term * quarter_x2 / (k * (k + order))
        total += term
        if np.all(term <= 1e-17 * total):
            break
    return total * np.exp(-a)


def _asymptotic(a, order):
    mu = 4.0 * order * order
    term = np.ones_like(a)
    total = term.copy()
    for k in range(1, 60):
        # a_k / a_(k-1) = -(mu - (2k-1)^2) / (8k), for the alternating series in 1/x.
        term = term * -(mu - (2 * k - 1) ** 2) / (8.0 * k * a)
        total += term
        if np.all(np.abs(term) <= 1e-17 * np.abs(total)):
            break
    return total / np.sqrt(2.0 * math.pi * a)


def _scaled(x, order):
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    out = np.empty_like(x)
    low = a < _ASYMPTOTIC_FROM
    out[low] = _series(a[low], order)
    high = ~low & np.isfinite(a)
    out[high] = _asymptotic(a[high], order)
    out[np.isinf(a)] = 0.0
    out[np.isnan(a)] = np.nan
    return out if order == 0 else np.copysign(out, x)


def i0e(x):
    """e^-|x| I_0(x)."""
    return _scaled(x, 0)


def i1e(x):
    """e^-|x| I_1(x), odd in x."""
    return _scaled(x, 1)

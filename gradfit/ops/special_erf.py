"""The error function, its complement and their inverses in float64 NumPy: erf, erfc, erfinv, erfcinv
and ndtri (the inverse of the standard normal CDF).

On [0, 6) erf is a polynomial on each interval of width 1/4: of erf(x)/x below 1/2 (from its Taylor
series), of the scaled complement erfcx(x) = e^(x^2) erfc(x) above (from Laplace's continued fraction).
The polynomials are fitted when this module loads, by interpolation at Chebyshev points; past 6 the
continued fraction itself serves erfc, a few terms being enough there. The inverses take a closed-form
first guess and refine it by Halley's method on whichever of erf and erfc keeps full relative precision.
"""
import math

import numpy as np

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_WIDTH, _SMALL, _FITTED_TO = 0.25, 0.5, 6.0
# erfc(x) underflows below the smallest normal double past this (TensorFlow gives 0 there).
_ERFC_ZERO = 26.55


def _erfcx_fraction(x, terms=None):
    """e^(x^2) erfc(x) = 1/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), summed from the back;
    `terms` defaults to what reaches double precision from the smallest x given on."""
    if not x.size:
        return x
    if terms is None:
        terms = int(15 + 240.0 / x.min() ** 2)
    tail = np.zeros_like(x)
    for k in range(terms, 0, -1):
        tail = (0.5 * k) / (x + tail)
    return 1.0 / (math.sqrt(math.pi) * (x + tail))


def _erf_over_x_taylor(x):
    """erf(x)/x = 2/sqrt(pi) sum_n (-x^2)^n / (n! (2n+1)), for |x| <= 1/2."""
    total = np.zeros_like(x)
    for n in range(24, -1, -1):
        total = total * -(x * x) + 1.0 / (math.factorial(n) * (2 * n + 1))
    return _TWO_OVER_SQRT_PI * total


def _chebyshev_to_power(degree):
    """The matrix whose column j holds the power-series coefficients of the Chebyshev polynomial T_j."""
    m = np.zeros((degree + 1, degree + 1))
    m[0, 0] = 1.0
    m[1, 1] = 1.0
    for j in range(2, degree + 1):  # T_j = 2 s T_(j-1) - T_(j-2)
        m[1:, j] = 2.0 * m[:-1, j - 1]
        m[:, j] -= m[:, j - 2]
    return m


def _fit_tables(degrees):
    """For each degree, the power-series coefficients about the middle of each interval of the polynomial
    interpolating at Chebyshev points: one column per interval, highest power first."""
    angles = [np.pi * (np.arange(d + 1) + 0.5) / (d + 1) for d in degrees]
    middles = np.arange(0.0, _FITTED_TO, _WIDTH) + 0.5 * _WIDTH
    xs = middles[:, None] + 0.5 * _WIDTH * np.cos(np.concatenate(angles))
    # 1200 terms of the fraction reach double precision from 1/2 on.
    values = np.where(xs < _SMALL, _erf_over_x_taylor(xs), _erfcx_fraction(np.maximum(xs, _SMALL), terms=1200))
    tables, start = [], 0
    for degree, theta in zip(degrees, angles):
        n = degree + 1
        basis = np.cos(np.outer(np.arange(n), theta)) * (2.0 / n)  # c_j = 2/n sum_k f(t_k) T_j(t_k)
        basis[0] *= 0.5
        chebyshev = values[:, start:start + n] @ basis.T
        power = chebyshev @ _chebyshev_to_power(degree).T * (2.0 / _WIDTH) ** np.arange(n)  # in x - middle
        tables.append(np.ascontiguousarray(power[:, ::-1].T))
        start += n
    return tables


# Degree 9 is good to 2e-15 relative, degree 5 to 5e-9: enough for a result rounded to float32.
_DOUBLE, _SINGLE = _fit_tables((9, 5))
_LAST_PIECE = _DOUBLE.shape[1] - 1


def _table(x):
    """The polynomials for an input of x's dtype: those for single precision when the result will be
    rounded to float32 or float16 (integer inputs give float32)."""
    return _SINGLE if np.asarray(x).dtype.itemsize < 8 else _DOUBLE


def _piecewise(a, table):
    """The fitted polynomials at 0 <= a <= 6: erf(a)/a below 1/2, erfcx(a) above."""
    piece = (a * (1.0 / _WIDTH)).astype(np.intp)
    np.minimum(piece, _LAST_PIECE, out=piece)
    h = piece * _WIDTH
    h += 0.5 * _WIDTH
    np.subtract(a, h, out=h)
    total = table[0].take(piece)
    for row in table[1:]:  # one gather per coefficient keeps every array contiguous
        total *= h
        total += row.take(piece)
    return total


def _exp_minus_square(x):
    """exp(-x^2) without the rounding of x^2: x = hi + lo with hi holding 26 bits, so hi^2 is exact."""
    hi = np.round(x * 2.0 ** 12) * 2.0 ** -12
    return np.exp(-hi * hi) * np.exp(-(x - hi) * (x + hi))


def _clipped(x):
    """|x| capped at 6 (NaN becomes 6; callers restore it)."""
    a = np.abs(x)
    return a, np.fmin(a, _FITTED_TO)


def _restore_nan(out, x):
    nan = np.isnan(x)
    if nan.any():
        out[nan] = np.nan
    return out


def erf(x):
    """The error function 2/sqrt(pi) int_0^x e^-t^2 dt."""
    table = _table(x)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:  # the in-place steps below need an array
        return erf(x.reshape(1)).reshape(())
    a, ac = _clipped(x)
    fitted = _piecewise(ac, table)
    # 1 - e^-x^2 erfcx(x) above 1/2 (erfc is below 2e-17 past 6, so erf is 1 to double precision there),
    # x erf(x)/x below; in place, as this serves every GELU.
    out = np.multiply(ac, ac)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out *= fitted
    np.subtract(1.0, out, out=out)
    np.copysign(out, x, out=out)
    np.multiply(x, fitted, out=fitted)
    np.copyto(out, fitted, where=a < _SMALL)
    return _restore_nan(out, x)


def _erfcx(x):
    """e^(x^2) erfc(x) for a 1-D float64 array x >= 0."""
    a, ac = _clipped(x)
    fitted = _piecewise(ac, _DOUBLE)
    out = np.where(a < _SMALL, (1.0 - a * fitted) * np.exp(ac * ac), fitted)
    far = a >= _FITTED_TO
    if far.any():
        out[far] = _erfcx_fraction(a[far])
    return out


def erfc(x):
    """1 - erf(x), with full relative precision in the right tail."""
    table = _table(x)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return erfc(x.reshape(1)).reshape(())
    a, ac = _clipped(x)
    fitted = _piecewise(ac, table)
    tail = _exp_minus_square(ac) * fitted
    far = (a >= _FITTED_TO) & (a < _ERFC_ZERO)
    if far.any():
        tail[far] = _exp_minus_square(a[far]) * _erfcx_fraction(a[far])
    tail[a >= _ERFC_ZERO] = 0.0
    out = np.where(a < _SMALL, 1.0 - x * fitted, np.where(x < 0, 2.0 - tail, tail))
    return _restore_nan(out, x)


# ----------------------------------------------------------------------------------------- inverses
def _first_guess(log_one_minus_y2):
    """Winitzki's closed form for erfinv, good to ~2e-3, from log(1 - y^2)."""
    a = 0.147
    b = 2.0 / (math.pi * a) + 0.5 * log_one_minus_y2
    return np.sqrt(np.sqrt(b * b - log_one_minus_y2 / a) - b)


def _inverse_positive(y, z):
    """The x >= 0 with erf(x) = y and erfc(x) = z, given both exactly (y + z = 1, both in (0, 1)).

    Halley's method runs on erf(x) = y where y <= 1/2, and on log erfc(x) = log z above it, where z may
    be as small as a double gets and erfc itself would underflow."""
    out = np.empty_like(y)
    near = y <= 0.5
    if near.any():
        yn = y[near]
        x = _first_guess(np.log1p(-yn * yn))
        for _ in range(3):
            step = (erf(x) - yn) / (_TWO_OVER_SQRT_PI * _exp_minus_square(x))
            x = x - step / (1.0 + x * step)
        out[near] = x
    far = ~near
    if far.any():
        zf = z[far]
        log_z = np.log(zf)
        x = _first_guess(log_z + np.log(2.0 - zf))
        for _ in range(4):
            scaled = _erfcx(x)
            residual = np.log(scaled) - x * x - log_z
            slope = -_TWO_OVER_SQRT_PI / scaled  # d/dx log erfc(x)
            curve = -2.0 * x * slope - slope * slope
            step = residual / slope
            x = x - step / (1.0 - 0.5 * step * curve / slope)
        out[far] = x
    return out


def erfinv(y):
    """The inverse of erf on [-1, 1]: +-inf at +-1, NaN outside."""
    y = np.asarray(y, dtype=np.float64)
    a = np.abs(y)
    out = np.full(y.shape, np.nan)
    inner = a < 1
    out[inner] = np.copysign(_inverse_positive(a[inner], 1.0 - a[inner]), y[inner])
    out[a == 1] = np.copysign(np.inf, y[a == 1])
    return out


def erfcinv(z):
    """The inverse of erfc on [0, 2]: +inf at 0, -inf at 2, NaN outside."""
    z = np.asarray(z, dtype=np.float64)
    out = np.full(z.shape, np.nan)
    upper = (z > 0) & (z <= 1)
    out[upper] = _inverse_positive(1.0 - z[upper], z[upper])
    lower = (z > 1) & (z < 2)
    out[lower] = -_inverse_positive(z[lower] - 1.0, 2.0 - z[lower])
    out[z == 0] = np.inf
    out[z == 2] = -np.inf
    return out


def ndtri(p):
    """The inverse of the standard normal CDF on [0, 1]: -sqrt(2) erfcinv(2p)."""
    return -math.sqrt(2.0) * erfcinv(2.0 * np.asarray(p, dtype=np.float64))

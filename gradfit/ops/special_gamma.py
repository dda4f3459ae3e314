"""The gamma function family in float64 NumPy: log-gamma, digamma, polygamma, the Hurwitz zeta function,
the regularized incomplete gamma functions and the regularized incomplete beta function.

Every kernel takes and returns float64 arrays and never raises: a point outside a function's domain gives
NaN, and poles give what TensorFlow gives there. The methods are the textbook ones: Taylor series about 2
(whose coefficients are zeta values), Stirling's asymptotic series, Euler-Maclaurin summation, and the
power series and continued fractions of the incomplete functions, evaluated with Lentz's method.
"""
import math

import numpy as np

EULER_GAMMA = 0.57721566490153286061
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_EPS = 4e-16  # two units in the last place of 1
_TINY = 1e-300


def _bernoulli_even(count):
    """B_2, B_4, ..., B_2count, from the recurrence sum_{k<=n} C(n+1, k) B_k = 0, run exactly on integer
    numerators and denominators."""
    nums, dens = [1], [1]
    for n in range(1, 2 * count + 1):
        common = math.lcm(*dens)
        total = sum(math.comb(n + 1, k) * nums[k] * (common // dens[k]) for k in range(n))
        g = math.gcd(total, common * (n + 1))
        nums.append(-total // g)
        dens.append(common * (n + 1) // g)
    return [nums[n] / dens[n] for n in range(2, 2 * count + 1, 2)]


_B = _bernoulli_even(12)
# Stirling: lgamma(x) ~ (x - 1/2) log x - x + log(2 pi)/2 + sum_k B_2k / (2k (2k-1) x^(2k-1)).
_STIRLING = [b / (2 * k * (2 * k - 1)) for k, b in enumerate(_B[:10], 1)]
# digamma(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k).
_DIGAMMA_ASYMPTOTIC = [b / (2 * k) for k, b in enumerate(_B[:10], 1)]
# Euler-Maclaurin tail of the Hurwitz zeta sum: B_2j / (2j)!.
_EULER_MACLAURIN = [b / math.factorial(2 * j) for j, b in enumerate(_B, 1)]
_ZETA_TERMS = 10


def _where(mask, fn, *args):
    """fn(*args) on the elements where `mask` holds (broadcast arrays of one shape), NaN elsewhere."""
    out = np.full(mask.shape, np.nan)
    if mask.any():
        out[mask] = fn(*(a[mask] for a in args))
    return out


def _f64(*xs):
    return np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in xs))


# ----------------------------------------------------------------------------------------- zeta
def _zeta_positive(s, q):
    """Hurwitz zeta for s > 1, q > 0: ten terms summed, the rest by Euler-Maclaurin from w = q + 10."""
    total = np.zeros_like(q)
    for k in range(_ZETA_TERMS):
        total += (q + k) ** -s
    w = q + _ZETA_TERMS
    w_s = w ** -s
    total += w * w_s / (s - 1.0) + 0.5 * w_s
    factor = s * w_s / w  # s (s+1) ... (s+2j-2) w^(-s-2j+1), for j = 1
    for j, c in enumerate(_EULER_MACLAURIN, 1):
        total += c * factor
        factor = factor * (s + 2 * j - 1) * (s + 2 * j) / (w * w)
    return total


def _zeta_negative_q(s, q):
    """Hurwitz zeta for integer s > 1 and q < 0 not an integer: the terms (q + k)^-s up to the first
    positive one, then the rest. The leading terms may nearly cancel (for odd s), so they are added
    exactly, with fsum."""
    out = np.empty_like(q)
    for i, (si, qi) in enumerate(zip(s, q)):
        m = math.ceil(-qi)
        head = ((qi + np.arange(m + 1)) ** -si).tolist()
        out[i] = math.fsum(head + [float(_zeta_positive(np.array([si]), np.array([qi + m + 1]))[0])])
    return out


def zeta(s, q):
    """The Hurwitz zeta function sum_k (q + k)^-s, with TensorFlow's values off its domain."""
    s, q = _f64(s, q)
    regular = (s > 1) & (q > 0) & np.isfinite(s)
    out = _where(regular, _zeta_positive, s, q)
    out[regular & np.isinf(q)] = 0.0
    out[s == 1] = np.inf
    with np.errstate(over="ignore", divide="ignore"):
        top = np.isposinf(s) & (q > 0)
        out[top] = q[top] ** -np.inf
    integer_s = s == np.floor(s)
    pole = (q <= 0) & (q == np.floor(q)) & (s > 1)
    out[pole & integer_s & (np.fmod(s, 2) == 0)] = np.inf
    shifted = (q < 0) & (q != np.floor(q)) & (s > 1) & integer_s & np.isfinite(s)
    if shifted.any():
        out[shifted] = _zeta_negative_q(s[shifted], q[shifted])
    return out


# Taylor series of lgamma about 2: lgamma(2 + u) = (1 - gamma) u + sum_{k>=2} (-1)^k (zeta(k) - 1) u^k / k,
# used for |u| <= 1/2, where 30 terms reach double precision (zeta(k) - 1 ~ 2^-k).
_ZETA_MINUS_1 = _zeta_positive(np.arange(2.0, 32.0), np.full(30, 2.0))
_SERIES = np.concatenate([[1.0 - EULER_GAMMA], [(-1) ** k * z / k for k, z in enumerate(_ZETA_MINUS_1, 2)]])
_SERIES_DERIVATIVE = _SERIES * np.arange(1, _SERIES.size + 1)


def _horner(coefficients, u):
    total = np.zeros_like(u)
    for c in coefficients[::-1]:
        total = total * u + c
    return total


# --------------------------------------------------------------------------------------- lgamma
def _lgamma_positive(x):
    """lgamma for x > 0: the series about 2 after shifting x into [1.5, 2.5), Stirling from 8 on."""
    out = np.empty_like(x)
    big = x >= 8.0
    if big.any():
        xb = x[big]
        inv, inv2 = 1.0 / xb, 1.0 / (xb * xb)
        out[big] = (xb - 0.5) * np.log(xb) - xb + _HALF_LOG_2PI + inv * _horner(_STIRLING, inv2)
    small = ~big
    xs = x[small]
    shift = np.floor(xs - 1.5)  # Gamma(x) = Gamma(y) * y (y+1) ... (x-1) for y = x - shift in [1.5, 2.5)
    y = xs - shift
    log_part = np.zeros_like(xs)
    up = shift > 0
    prod = np.ones_like(xs)
    for j in range(int(shift.max(initial=0))):
        prod = np.where(shift > j, prod * (y + j), prod)
    log_part[up] = np.log(prod[up])
    down = shift < 0  # x < 1.5: Gamma(x) = Gamma(x + 1) / x, once or twice
    log_part[down] = -np.log(xs[down])
    twice = shift < -1
    log_part[twice] -= np.log1p(xs[twice])
    u = xs - (shift + 2.0)  # exact, unlike y - 2, which matters where lgamma is near its zeros 1 and 2
    out[small] = _horner(_SERIES, u) * u + log_part
    return out


def _abs_sin_pi(x):
    """|sin(pi x)|, exact in its argument reduction (x - round(x) loses nothing)."""
    return np.abs(np.sin(np.pi * (x - np.round(x))))


def lgamma(x):
    """log |Gamma(x)|; +inf at 0, the negative integers and +-inf, as TensorFlow."""
    (x,) = _f64(x)
    out = np.full(x.shape, np.inf)
    out[np.isnan(x)] = np.nan
    pos = (x > 0) & np.isfinite(x)
    if pos.any():
        out[pos] = _lgamma_positive(x[pos])
    neg = (x < 0) & (x != np.floor(x))
    if neg.any():
        xn = x[neg]
        out[neg] = math.log(math.pi) - np.log(_abs_sin_pi(xn)) - _lgamma_positive(1.0 - xn)
    return out


# -------------------------------------------------------------------------------------- digamma
def _digamma_positive(x):
    out = np.empty_like(x)
    big = x >= 8.0
    if big.any():
        xb = x[big]
        inv2 = 1.0 / (xb * xb)
        out[big] = np.log(xb) - 0.5 / xb - inv2 * _horner(_DIGAMMA_ASYMPTOTIC, inv2)
    small = ~big
    xs = x[small]
    shift = np.floor(xs - 1.5)
    y = xs - shift
    total = _horner(_SERIES_DERIVATIVE, xs - (shift + 2.0))
    for j in range(int(shift.max(initial=0))):
        total = np.where(shift > j, total + 1.0 / (y + j), total)
    down = shift < 0
    total[down] -= 1.0 / xs[down]
    twice = shift < -1
    total[twice] -= 1.0 / (xs[twice] + 1.0)
    out[small] = total
    return out


def digamma(x):
    """Gamma'(x) / Gamma(x); NaN at 0, the negative integers and -inf, +inf at +inf, as TensorFlow."""
    (x,) = _f64(x)
    out = np.full(x.shape, np.nan)
    pos = (x > 0) & np.isfinite(x)
    if pos.any():
        out[pos] = _digamma_positive(x[pos])
    out[np.isposinf(x)] = np.inf
    neg = (x < 0) & (x != np.floor(x))
    if neg.any():
        xn = x[neg]
        # Reflection: digamma(x) = digamma(1 - x) - pi / tan(pi x); tan has period 1, so reduce exactly.
        out[neg] = _digamma_positive(1.0 - xn) - np.pi / np.tan(np.pi * (xn - np.round(xn)))
    return out


_FACTORIAL = np.array([float(math.factorial(k)) for k in range(171)])


def polygamma(n, x):
    """The n-th derivative of digamma, (-1)^(n+1) n! zeta(n + 1, x); NaN unless n is a whole number >= 0."""
    n, x = _f64(n, x)
    out = np.full(x.shape, np.nan)
    whole = (n >= 0) & (n == np.floor(n)) & np.isfinite(n)
    first = whole & (n == 0)
    if first.any():
        out[first] = digamma(x[first])
    higher = whole & (n > 0)
    if higher.any():
        k = n[higher]
        small = k <= 170
        fact = np.where(small, _FACTORIAL[np.where(small, k, 0).astype(np.int64)], np.exp(lgamma(k + 1.0)))
        sign = np.where(np.fmod(k, 2) == 0, -1.0, 1.0)
        with np.errstate(invalid="ignore", over="ignore"):
            out[higher] = sign * fact * zeta(k + 1.0, x[higher])
    return out


# ------------------------------------------------------------------------ incomplete gamma, beta
def _log_prefactor(a, x):
    """log(x^a e^-x / Gamma(a))."""
    return a * np.log(x) - x - lgamma(a)


def _gamma_series(a, x, with_grad):
    """P(a, x) from its power series (and dP/da): x^a e^-x / Gamma(a+1) sum_n x^n / ((a+1)...(a+n))."""
    term = np.ones_like(x)
    total = np.ones_like(x)
    dlog_term = np.zeros_like(x)
    dtotal = np.zeros_like(x)
    for n in range(1, 5000):
        term = term * x / (a + n)
        total += term
        done = np.abs(term) <= _EPS * np.abs(total)
        if with_grad:
            dlog_term -= 1.0 / (a + n)
            dtotal += term * dlog_term
            done &= np.abs(term * dlog_term) <= _EPS * np.abs(dtotal)
        if done.all():
            break
    log_pre = a * np.log(x) - x - lgamma(a + 1.0)
    p = np.exp(log_pre) * total
    if not with_grad:
        return p
    return p, p * (np.log(x) - digamma(a + 1.0)) + np.exp(log_pre) * dtotal


def _gamma_continued_fraction(a, x, with_grad):
    """Q(a, x) = x^a e^-x / Gamma(a) / F, F = b0 + a1/(b1 + a2/(b2 + ...)), a_n = -n (n - a),
    b_n = x + 2n + 1 - a, by Lentz's method (and dQ/da, carrying the derivatives of its recurrences)."""
    f = x + 1.0 - a
    c, d = f.copy(), np.zeros_like(x)
    df, dc, dd = -np.ones_like(x), -np.ones_like(x), np.zeros_like(x)
    active = np.ones(x.shape, dtype=bool)
    for n in range(1, 5000):
        an, bn = -n * (n - a), x + 2 * n + 1.0 - a
        d_new = bn + an * d
        d_new = np.where(d_new == 0, _TINY, d_new)
        c_new = bn + an / c
        c_new = np.where(c_new == 0, _TINY, c_new)
        d_new = 1.0 / d_new
        delta = c_new * d_new
        if with_grad:
            dd = -(-1.0 + n * d + an * dd) * d_new * d_new
            dc = -1.0 + n / c - an * dc / (c * c)
            step = f * (dc * d_new + c_new * dd)
        c, d = c_new, d_new
        # Converged elements stay put: multiplying on by deltas within an ulp of 1 would drift.
        f = np.where(active, f * delta, f)
        if with_grad:
            df = np.where(active, df * delta + step, df)
        going = np.abs(delta - 1.0) > _EPS
        if with_grad:
            going |= np.abs(step) > _EPS * np.abs(df)
        active &= going
        if not active.any():
            break
    log_pre = _log_prefactor(a, x)
    q = np.exp(log_pre) / f
    if not with_grad:
        return q
    return q, q * (np.log(x) - digamma(a)) - np.exp(log_pre) * df / (f * f)


def _incomplete_gamma(a, x, upper, with_grad=False):
    """P (upper False) or Q and, with_grad, its derivative in a, each in [0, 1]. The continued fraction
    serves x > max(1, a) (x >= max(1, a) for Q, as TensorFlow splits them), the series the rest; each
    gives the other function as its complement."""
    out = np.full(x.shape, np.nan)
    grad = np.full(x.shape, np.nan)
    ok = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    by_fraction = ok & ((x >= 1) & (x >= a) if upper else (x > 1) & (x > a))
    by_series = ok & ~by_fraction
    methods = ((by_series, _gamma_series, False), (by_fraction, _gamma_continued_fraction, True))
    for mask, method, gives_upper in methods:
        if mask.any():
            got = method(a[mask], x[mask], with_grad)
            value, dvalue = got if with_grad else (got, None)
            flip = gives_upper != upper
            out[mask] = np.clip(1.0 - value if flip else value, 0.0, 1.0)
            if with_grad:
                grad[mask] = -dvalue if flip else dvalue
    return out, grad


def igamma(a, x):
    """The regularized lower incomplete gamma function P(a, x); NaN for a < 0 or x < 0, 0 at x = 0."""
    a, x = _f64(a, x)
    out, _ = _incomplete_gamma(a, x, upper=False)
    valid = (a >= 0) & (x >= 0)
    out[valid & (x == 0)] = 0.0
    out[valid & np.isposinf(x) & np.isfinite(a) & (a > 0)] = 1.0
    out[valid & np.isposinf(a) & (x > 0)] = 0.0
    return out


def igammac(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x); NaN for a <= 0 or x < 0."""
    a, x = _f64(a, x)
    out, _ = _incomplete_gamma(a, x, upper=True)
    valid = (a > 0) & (x >= 0)
    out[valid & (x == 0)] = 1.0
    out[valid & np.isposinf(x)] = 0.0
    out[valid & np.isposinf(a) & np.isfinite(x)] = 1.0
    return out


def igamma_grad_a(a, x):
    """dP(a, x)/da, the derivative of the lower function in its parameter (that of Q is its negative)."""
    a, x = _f64(a, x)
    _, grad = _incomplete_gamma(a, x, upper=False, with_grad=True)
    grad[(a > 0) & ((x == 0) | np.isposinf(x))] = 0.0
    return grad


def _log_beta(a, b):
    """log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b)."""
    return lgamma(a) + lgamma(b) - lgamma(a + b)


def _beta_continued_fraction(a, b, x):
    """I_x(a, b) = x^a (1-x)^b / (a B(a, b)) / (1 + d1/(1 + d2/(1 + ...))), by Lentz's method, where
    d_2m+1 = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)) and d_2m = m (b-m) x / ((a+2m-1)(a+2m))."""
    f = np.ones_like(x)
    c, d = np.ones_like(x), np.zeros_like(x)
    active = np.ones(x.shape, dtype=bool)
    for n in range(1, 10000):
        m = n // 2
        if n % 2:
            dn = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        else:
            dn = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 + dn * d
        d = np.where(d == 0, _TINY, d)
        c = 1.0 + dn / c
        c = np.where(c == 0, _TINY, c)
        d = 1.0 / d
        delta = c * d
        f = np.where(active, f * delta, f)
        if n % 2 == 0:
            active &= np.abs(delta - 1.0) > _EPS
            if not active.any():
                break
    log_pre = a * np.log(x) + b * np.log1p(-x) - _log_beta(a, b)
    return np.exp(log_pre) / (a * f)


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b); NaN outside a, b > 0 finite and 0 <= x <= 1."""
    a, b, x = _f64(a, b, x)
    out = np.full(x.shape, np.nan)
    valid = (a > 0) & (b > 0) & np.isfinite(a) & np.isfinite(b) & (x >= 0) & (x <= 1)
    out[valid & (x == 0)] = 0.0
    out[valid & (x == 1)] = 1.0
    inner = valid & (x > 0) & (x < 1)
    # The fraction converges fast below the mean; above it, I_x(a, b) = 1 - I_(1-x)(b, a).
    swap = x * (a + b + 2.0) > a + 1.0
    direct, mirrored = inner & ~swap, inner & swap
    if direct.any():
        out[direct] = _beta_continued_fraction(a[direct], b[direct], x[direct])
    if mirrored.any():
        out[mirrored] = 1.0 - _beta_continued_fraction(b[mirrored], a[mirrored], 1.0 - x[mirrored])
    return out

"""Special functions (`tf.math.lgamma`, `digamma`, `polygamma`, `zeta`, `igamma`, `igammac`, `betainc`,
`lbeta`, `erfc`, `erfinv`, `erfcinv`, `ndtri`, `bessel_i0`, `bessel_i0e`, `bessel_i1`, `bessel_i1e`), with
their gradient rules.

Values come from the float64 kernels in special_gamma, special_erf and special_bessel; a float32 or
float16 input gets its result rounded to its own dtype, and an integer input is taken as float32. Poles
and points off a function's domain give the inf or NaN TensorFlow gives, never an error.
"""
import math

import numpy as np

from ..backend import floatx
from .core import InvalidArgumentError, Primitive, Tensor, defgrad, output, shape_of, value
from . import math as M
from . import reduction as R
from . import special_bessel as B
from . import special_erf as E
from . import special_gamma as G

_WEAK = (int, float)


def _float_dtype(dtype):
    return dtype if dtype.kind == "f" else np.dtype(floatx())


def _inputs(xs):
    """The values of an op's inputs, a Python number left weakly typed beside a tensor, and the float
    dtype of the result."""
    vals = [x if type(x) in _WEAK else value(x) for x in xs]
    if all(type(v) in _WEAK for v in vals):
        vals = [value(float(v)) for v in vals]
    return vals, _float_dtype(np.result_type(*vals))


def _compute(kernel, vals, dtype):
    with np.errstate(all="ignore"):  # overflow to inf and NaN off the domain are results, not warnings
        return np.asarray(kernel(*vals)).astype(dtype, copy=False)


def _unary(name, kernel):
    prim = Primitive(name)

    def op(x, name=None):
        vals, dtype = _inputs((x,))
        return output(prim, _compute(kernel, vals, dtype), (x,))

    op.__name__ = name
    return prim, op


def _nary(name, kernel, exact_shapes=False):
    """An elementwise op of several inputs, which broadcast (or, with exact_shapes, must have one shape
    unless scalar, as TensorFlow's betainc)."""
    prim = Primitive(name)

    def op(*xs, name=None):
        vals, dtype = _inputs(xs)
        shapes = [tuple(shape_of(x)) for x in xs]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise InvalidArgumentError(f"{prim.name}: incompatible shapes {', '.join(map(str, shapes))}") from None
        if exact_shapes and len({s for s in shapes if s}) > 1:
            raise InvalidArgumentError(
                f"{prim.name}: the inputs must have one shape or be scalars, got shapes {', '.join(map(str, shapes))}")
        return output(prim, _compute(kernel, vals, dtype), xs)

    return prim, op


_lgamma, lgamma = _unary("Lgamma", G.lgamma)
_digamma, digamma = _unary("Digamma", G.digamma)
_erfc, erfc = _unary("Erfc", E.erfc)
_erfinv, erfinv = _unary("Erfinv", E.erfinv)
_erfcinv, erfcinv = _unary("Erfcinv", E.erfcinv)
_ndtri, ndtri = _unary("Ndtri", E.ndtri)
_i0e, bessel_i0e = _unary("BesselI0e", B.i0e)
_i1e, bessel_i1e = _unary("BesselI1e", B.i1e)
_i0, bessel_i0 = _unary("BesselI0", lambda v: B.i0e(v) * np.exp(np.abs(v)))
_i1, bessel_i1 = _unary("BesselI1", lambda v: B.i1e(v) * np.exp(np.abs(v)))
_polygamma, _polygamma_op = _nary("Polygamma", G.polygamma)
_zeta, _zeta_op = _nary("Zeta", G.zeta)
_igamma, _igamma_op = _nary("Igamma", G.igamma)
_igammac, _igammac_op = _nary("Igammac", G.igammac)
_betainc, _betainc_op = _nary("Betainc", G.betainc, exact_shapes=True)


def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x; a must hold whole numbers >= 0 (NaN elsewhere)."""
    return _polygamma_op(a, x)


def zeta(x, q, name=None):
    """The Hurwitz zeta function sum_k (q + k)^-x."""
    return _zeta_op(x, q)


def igamma(a, x, name=None):
    """The regularized lower incomplete gamma function P(a, x)."""
    return _igamma_op(a, x)


def igammac(a, x, name=None):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _igammac_op(a, x)


def betainc(a, b, x, name=None):
    """The regularized incomplete beta function I_x(a, b); a, b and x share one shape or are scalars."""
    return _betainc_op(a, b, x)


def lbeta(x, name=None):
    """log |B(x)| over the last axis: sum(lgamma(x)) - lgamma(sum(x)) (-inf for an empty last axis)."""
    if not isinstance(x, Tensor):
        vals, dtype = _inputs((x,))
        x = Tensor(vals[0].astype(dtype, copy=False))
    return M.subtract(R.reduce_sum(lgamma(x), axis=-1), lgamma(R.reduce_sum(x, axis=-1)))


def _igamma_grad_a(a, x):
    """dP(a, x)/da as a constant (TensorFlow gives it no gradient of its own)."""
    vals, dtype = _inputs((a, x))
    return Tensor(_compute(G.igamma_grad_a, vals, dtype))


def _minus_one(a):
    return M.subtract(a, 1)


def _constants(ans, *xs):
    """An op's inputs for its gradient rule, a Python number made a tensor of the output's dtype (so a
    float64 gradient keeps float64 constants)."""
    return [Tensor(np.asarray(x, dtype=ans._value.dtype)) if type(x) in _WEAK else x for x in xs]


def _ub(g, x):
    return M.unbroadcast(g, x)


def _igamma_dx(ans, a, x):
    """dP(a, x)/dx = x^(a-1) e^-x / Gamma(a)."""
    a, x = _constants(ans, a, x)
    return M.exp(M.subtract(M.subtract(M.xlogy(_minus_one(a), x), x), lgamma(a)))


def _betainc_dx(ans, a, b, x):
    """dI_x(a, b)/dx = x^(a-1) (1-x)^(b-1) / B(a, b)."""
    a, b, x = _constants(ans, a, b, x)
    log_beta = M.subtract(M.add(lgamma(a), lgamma(b)), lgamma(M.add(a, b)))
    return M.exp(M.subtract(M.add(M.xlogy(_minus_one(a), x), M.xlog1py(_minus_one(b), M.negative(x))), log_beta))


def _next_order(ans, a, x):
    """polygamma(a + 1, x) (the derivative of polygamma(a, x) in x)."""
    a, x = _constants(ans, a, x)
    return polygamma(M.add(a, 1), x)


def _next_zeta(ans, s, q):
    """zeta(s + 1, q) (d/dq zeta(s, q) = -s zeta(s + 1, q))."""
    s, q = _constants(ans, s, q)
    return zeta(M.add(s, 1), q)


def _bessel_i1_slope(x, ans, scaled):
    """I1'(x) = I0(x) - I1(x)/x (scaled: i1e' = i0e - i1e (sign(x) + 1/x)); 1/2 at x = 0."""
    zero = M.equal(x, 0)
    safe = M.where(zero, 1.0, x)
    if scaled:
        slope = M.subtract(bessel_i0e(x), M.multiply(ans, M.add(M.sign(x), M.reciprocal(safe))))
    else:
        slope = M.subtract(bessel_i0(x), M.divide(ans, safe))
    return M.where(zero, 0.5, slope)


_SQRT_PI_2 = math.sqrt(math.pi) / 2
_SQRT_2PI = math.sqrt(2 * math.pi)

defgrad(_lgamma, lambda g, ans, x: M.multiply(g, digamma(x)))
defgrad(_digamma, lambda g, ans, x: M.multiply(g, polygamma(1, x)))
defgrad(_polygamma, None, lambda g, ans, a, x: _ub(M.multiply(g, _next_order(ans, a, x)), x))
defgrad(_zeta, None, lambda g, ans, s, q: _ub(M.multiply(g, M.negative(M.multiply(s, _next_zeta(ans, s, q)))), q))
defgrad(_igamma, lambda g, ans, a, x: _ub(M.multiply(g, _igamma_grad_a(a, x)), a),
        lambda g, ans, a, x: _ub(M.multiply(g, _igamma_dx(ans, a, x)), x))
defgrad(_igammac, lambda g, ans, a, x: _ub(M.negative(M.multiply(g, _igamma_grad_a(a, x))), a),
        lambda g, ans, a, x: _ub(M.negative(M.multiply(g, _igamma_dx(ans, a, x))), x))
defgrad(_betainc, None, None, lambda g, ans, a, b, x: _ub(M.multiply(g, _betainc_dx(ans, a, b, x)), x))
defgrad(_erfc, lambda g, ans, x: M.multiply(g, M.multiply(-2 / math.sqrt(math.pi), M.exp(M.negative(M.square(x))))))
defgrad(_erfinv, lambda g, ans, x: M.multiply(g, M.multiply(_SQRT_PI_2, M.exp(M.square(ans)))))
defgrad(_erfcinv, lambda g, ans, x: M.multiply(g, M.multiply(-_SQRT_PI_2, M.exp(M.square(ans)))))
defgrad(_ndtri, lambda g, ans, x: M.multiply(g, M.multiply(_SQRT_2PI, M.exp(M.multiply(M.square(ans), 0.5)))))
defgrad(_i0e, lambda g, ans, x: M.multiply(g, M.subtract(bessel_i1e(x), M.multiply(M.sign(x), ans))))
defgrad(_i1e, lambda g, ans, x: M.multiply(g, _bessel_i1_slope(x, ans, scaled=True)))
defgrad(_i0, lambda g, ans, x: M.multiply(g, bessel_i1(x)))
defgrad(_i1, lambda g, ans, x: M.multiply(g, _bessel_i1_slope(x, ans, scaled=False)))

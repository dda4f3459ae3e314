"""The gate math of one LSTM or GRU step as a single recorded operation.

A recurrent layer runs a Python loop over time steps, and each op it records costs bookkeeping in the
forward pass and a node to visit in the backward pass. The dozen elementwise ops of a step's gates
become one node here, with its gradient written out by hand (fewer, larger ops than differentiating
them one by one). Both directions are written with gradfit ops; the backward pass recomputes the gates
from the node's inputs when a tape records it, so higher-order gradients stay exact.
"""
from ...autodiff.tape import ACTIVE, Primitive, _Paused
from ...ops import array as A
from ...ops import math as M
from ...ops.core import output, outputs


def _columns(x, start, stop):
    return x[:, start:stop]


# -------------------------------------------------------------------------------------------- LSTM
def _lstm_forward(x, inner, c_prev):
    """Activations [i, f, g, o] (columns in Keras's kernel order) and the cell's new h, c and tanh(c)."""
    units = c_prev.shape[-1]
    z = M.add(x, inner)
    gates = M.sigmoid(z)
    i, f, o = _columns(gates, 0, units), _columns(gates, units, 2 * units), _columns(gates, 3 * units, 4 * units)
    g = M.tanh(_columns(z, 2 * units, 3 * units))
    c = M.add(M.multiply(f, c_prev), M.multiply(i, g))
    tanh_c = M.tanh(c)
    return (i, f, g, o), M.multiply(o, tanh_c), c, tanh_c


def _lstm_backward(gates, c_prev, tanh_c, gh, gc):
    """d/dz and d/dc_prev of a step, from the gradients of its h and c."""
    i, f, g, o = gates
    dc = M.multiply(M.multiply(gh, o), M.subtract(1.0, M.square(tanh_c)))
    if gc is not None:
        dc = M.add(dc, gc)
    # Each gate's gradient times its activation's derivative: sigmoid' = s(1 - s), tanh' = 1 - t^2.
    dz = A.concat([M.multiply(M.multiply(dc, g), M.multiply(i, M.subtract(1.0, i))),
                   M.multiply(M.multiply(dc, c_prev), M.multiply(f, M.subtract(1.0, f))),
                   M.multiply(M.multiply(dc, i), M.subtract(1.0, M.square(g))),
                   M.multiply(M.multiply(gh, tanh_c), M.multiply(o, M.subtract(1.0, o)))], axis=-1)
    return dz, M.multiply(dc, f)


class _LSTMGates(Primitive):
    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        gh, gc = g
        x, inner, c_prev = inputs
        if gh is None:
            gh = A.zeros_like(ans[0])
        if ACTIVE:
            gates, _, _, tanh_c = _lstm_forward(x, inner, c_prev)
        else:
            gates, tanh_c = params["gates"], params["tanh_c"]
        dz, dc_prev = _lstm_backward(gates, c_prev, tanh_c, gh, gc)
        return {k: (dz, dz, dc_prev)[k] for k in wanted}


_lstm_gates = _LSTMGates("LSTMGates", multi_output=True)


def lstm_gates(x, inner, c_prev):
    """(h, c) of an LSTM step from x = inputs @ kernel + bias and inner = h_prev @ recurrent_kernel
    (columns i, f, c, o) and the previous carry, with sigmoid gates and tanh activations."""
    with _Paused(list(ACTIVE)):
        gates, h, c, tanh_c = _lstm_forward(x, inner, c_prev)
    return outputs(_lstm_gates, [h._value, c._value], (x, inner, c_prev), {"gates": gates, "tanh_c": tanh_c})


# --------------------------------------------------------------------------------------------- GRU
def _gru_forward(x, inner, h_prev):
    """GRU activations and new state (reset_after=True); x and inner hold [z, r, h] columns."""
    units = h_prev.shape[-1]
    zr = M.sigmoid(M.add(_columns(x, 0, 2 * units), _columns(inner, 0, 2 * units)))
    z, r = _columns(zr, 0, units), _columns(zr, units, 2 * units)
    rh = _columns(inner, 2 * units, 3 * units)
    hh = M.tanh(M.add(_columns(x, 2 * units, 3 * units), M.multiply(r, rh)))
    h = M.add(M.multiply(z, h_prev), M.multiply(M.subtract(1.0, z), hh))
    return (z, r, hh, rh), h


def _gru_backward(saved, h_prev, gh):
    z, r, hh, rh = saved
    dpre_h = M.multiply(M.multiply(gh, M.subtract(1.0, z)), M.subtract(1.0, M.square(hh)))
    dpre_z = M.multiply(M.multiply(gh, M.subtract(h_prev, hh)), M.multiply(z, M.subtract(1.0, z)))
    dpre_r = M.multiply(M.multiply(dpre_h, rh), M.multiply(r, M.subtract(1.0, r)))
    dx = A.concat([dpre_z, dpre_r, dpre_h], axis=-1)
    dinner = A.concat([dpre_z, dpre_r, M.multiply(dpre_h, r)], axis=-1)
    return dx, dinner, M.multiply(gh, z)


class _GRUGates(Primitive):
    __slots__ = ()

    def gradients(self, g, ans, inputs, params, wanted):
        x, inner, h_prev = inputs
        saved = _gru_forward(x, inner, h_prev)[0] if ACTIVE else params["saved"]
        grads = _gru_backward(saved, h_prev, g)
        return {k: grads[k] for k in wanted}


_gru_gates = _GRUGates("GRUGates")


def gru_gates(x, inner, h_prev):
    """The new state of a GRU step (reset_after=True) from x = inputs @ kernel + input bias and
    inner = h_prev @ recurrent_kernel + recurrent bias (columns z, r, h), with sigmoid gates and tanh."""
    with _Paused(list(ACTIVE)):
        saved, h = _gru_forward(x, inner, h_prev)
    return output(_gru_gates, h._value, (x, inner, h_prev), {"saved": saved})

"""Adafactor (Shazeer & Stern, 2018): second moments kept as row and column statistics for matrices."""
import math

import numpy as np

from ...tensor import Variable
from .optimizer import Optimizer


class Adafactor(Optimizer):
    """With t the step, rho = min(lr, 1 / sqrt(t)), beta = 1 - t^beta_2_decay and q = g^2 + epsilon_1:

    for a variable of rank >= 2, r = beta r + (1 - beta) mean(q, -1), c = beta c + (1 - beta) mean(q, -2)
    and v = r / mean(r) (outer) c; for lower ranks v = beta v + (1 - beta) q. Then u = g / sqrt(v),
    u /= max(1, rms(u) / clip_threshold), and w -= max(epsilon_2, rms(w)) * rho * u.

    As in Keras, `optimizer.variables` holds, per variable, its row and column statistics (named after the
    variable; two int32 placeholders for a variable of rank < 2) and then its velocity.
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
                 relative_step=True, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        # Kept for the config: the step size is min(lr, 1 / sqrt(t)) either way, as in Keras.
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for variable in var_list:
            shape = tuple(variable.shape)
            if len(shape) < 2:
                for _ in range(2):
                    self._placeholder(variable.name)
                self._r.append(None)
                self._c.append(None)
            else:
                dtype = variable._value.dtype
                self._r.append(self.add_variable(shape[:-1], dtype=dtype, name=variable.name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], dtype=dtype, name=variable.name))
            self._v.append(self.add_variable_from_reference(variable, name="velocity"))

    def _placeholder(self, name):
        """An unused int32 scalar Keras creates for each factored statistic of a vector (kept for file layouts)."""
        placeholder = Variable(np.zeros((), np.int32), trainable=False, name=name, dtype="int32")
        placeholder._path = name
        self._variables.append(placeholder)

    def _update_coefficients(self, learning_rate):
        t = float(self._local_step)
        rho = min(learning_rate, 1.0 / math.sqrt(t))
        beta = 1.0 - t ** float(self.beta_2_decay)
        return rho, beta, 1.0 - beta, float(self.epsilon_1), float(self.epsilon_2), float(self.clip_threshold)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, v = variable._buffer(), self._v[i]._buffer()
        rho, beta, one_minus_beta, epsilon_1, epsilon_2, clip_threshold = self.coefficients(w.dtype, learning_rate)
        alpha = np.maximum(epsilon_2, _rms(w)) * rho
        q, u = self.scratch(i), self.scratch(i, 1)
        np.square(gradient, out=q)
        q += epsilon_1
        if w.ndim >= 2:
            r, c = self._r[i]._buffer(), self._c[i]._buffer()
            r *= beta
            r += np.mean(q, axis=-1) * one_minus_beta
            c *= beta
            c += np.mean(q, axis=-2) * one_minus_beta
            np.multiply((r / np.mean(r, axis=-1, keepdims=True))[..., None], c[..., None, :], out=v)
        else:
            v *= beta
            q *= one_minus_beta
            v += q
        np.sqrt(v, out=u)
        np.divide(gradient, u, out=u)
        u /= np.maximum(w.dtype.type(1.0), _rms(u) / clip_threshold)
        u *= alpha
        w -= u

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}


def _rms(x):
    """sqrt(mean(x^2)) in x's dtype."""
    flat = x.ravel()
    return np.sqrt(np.dot(flat, flat) / x.dtype.type(max(flat.size, 1)))

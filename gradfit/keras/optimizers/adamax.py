"""Adamax: Adam with the infinity norm of past gradients in place of their second moment."""
import numpy as np

from .optimizer import Optimizer


class Adamax(Optimizer):
    """m += (g - m) * (1 - beta_1); u = max(beta_2 * u, |g|); w -= lr * m / ((1 - beta_1^t) * (u + epsilon))."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def _update_coefficients(self, learning_rate):
        beta_1 = float(self.beta_1)
        return learning_rate, 1.0 - beta_1, float(self.beta_2), float(self.epsilon), 1.0 - beta_1 ** self._local_step

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, m, u = variable._buffer(), self._m[i]._buffer(), self._u[i]._buffer()
        lr, one_minus_beta_1, beta_2, epsilon, bias_correction = self.coefficients(w.dtype, learning_rate)
        s = self.scratch(i)
        m += np.multiply(np.subtract(gradient, m, out=s), one_minus_beta_1, out=s)
        u *= beta_2
        np.maximum(u, np.abs(gradient, out=s), out=u)
        np.add(u, epsilon, out=s)
        s *= bias_correction
        np.divide(m, s, out=s)
        s *= lr
        w -= s

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

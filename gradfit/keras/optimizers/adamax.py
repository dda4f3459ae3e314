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

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        beta_1 = float(self.beta_1)
        m, u = self._m[i]._buffer(), self._u[i]._buffer()
        s = self.scratch(i)
        m += np.multiply(np.subtract(gradient, m, out=s), 1.0 - beta_1, out=s)
        u *= float(self.beta_2)
        np.maximum(u, np.abs(gradient, out=s), out=u)
        np.add(u, float(self.epsilon), out=s)
        s *= 1.0 - beta_1 ** self._local_step
        np.divide(m, s, out=s)
        s *= learning_rate
        w = variable._buffer()
        w -= s

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

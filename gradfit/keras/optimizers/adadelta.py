"""Adadelta: steps scaled by the ratio of running RMS of past updates to running RMS of gradients."""
import numpy as np

from .optimizer import Optimizer


class Adadelta(Optimizer):
    """E[g^2] = rho E[g^2] + (1 - rho) g^2; dx = -sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g;
    E[dx^2] = rho E[dx^2] + (1 - rho) dx^2; w += lr * dx."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    def _update_coefficients(self, learning_rate):
        rho = float(self.rho)
        return learning_rate, rho, 1.0 - rho, float(self.epsilon)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w = variable._buffer()
        lr, rho, one_minus_rho, epsilon = self.coefficients(w.dtype, learning_rate)
        acc_g = self._accumulated_grads[i]._buffer()
        acc_dx = self._accumulated_delta_vars[i]._buffer()
        s, delta = self.scratch(i), self.scratch(i, 1)
        acc_g *= rho
        acc_g += np.multiply(np.square(gradient, out=s), one_minus_rho, out=s)
        # delta = -sqrt(acc_dx + eps) * g / sqrt(acc_g + eps)
        np.add(acc_dx, epsilon, out=delta)
        np.sqrt(delta, out=delta)
        delta *= gradient
        np.add(acc_g, epsilon, out=s)
        np.sqrt(s, out=s)
        delta /= s
        np.negative(delta, out=delta)
        acc_dx *= rho
        acc_dx += np.multiply(np.square(delta, out=s), one_minus_rho, out=s)
        w += np.multiply(delta, lr, out=s)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}

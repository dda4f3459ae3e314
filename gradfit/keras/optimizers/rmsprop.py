"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
import numpy as np

from .optimizer import Optimizer


class RMSprop(Optimizer):
    """v = rho * v + (1 - rho) * g^2; step = lr * g / sqrt(v + epsilon), with `centered` subtracting the
    squared running mean of g from v, and `momentum` accumulating the steps."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient") if self.centered else []

    def _update_coefficients(self, learning_rate):
        rho = float(self.rho)
        return learning_rate, rho, 1.0 - rho, float(self.epsilon), float(self.momentum)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, v = variable._buffer(), self._velocities[i]._buffer()
        lr, rho, one_minus_rho, epsilon, momentum = self.coefficients(w.dtype, learning_rate)
        s = self.scratch(i)
        v *= rho
        v += np.multiply(np.square(gradient, out=s), one_minus_rho, out=s)
        if self.centered:
            avg = self._average_gradients[i]._buffer()
            avg *= rho
            avg += np.multiply(gradient, one_minus_rho, out=s)
            np.square(avg, out=s)
            np.subtract(v, s, out=s)
            s += epsilon
        else:
            np.add(v, epsilon, out=s)
        np.sqrt(s, out=s)
        np.divide(gradient, s, out=s)
        s *= lr
        if self.momentum > 0:
            mom = self._momentums[i]._buffer()
            mom *= momentum
            mom += s
            w -= mom
        else:
            w -= s

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}

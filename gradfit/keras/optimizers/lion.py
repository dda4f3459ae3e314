"""Lion (Chen et al., 2023): the sign of an interpolated momentum as the update."""
import numpy as np

from .optimizer import Optimizer


class Lion(Optimizer):
    """w -= lr * sign(beta_1 * m + (1 - beta_1) * g); then m = beta_2 * m + (1 - beta_2) * g."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to "
                             f"SignSGD. Received: beta_1={beta_1}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _update_coefficients(self, learning_rate):
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        return learning_rate, beta_1, 1.0 - beta_1, beta_2, 1.0 - beta_2

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, m = variable._buffer(), self._momentums[i]._buffer()
        lr, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2 = self.coefficients(w.dtype, learning_rate)
        s, t = self.scratch(i), self.scratch(i, 1)
        np.multiply(m, beta_1, out=s)
        s += np.multiply(gradient, one_minus_beta_1, out=t)
        np.sign(s, out=s)
        s *= lr
        w -= s
        m *= beta_2
        m += np.multiply(gradient, one_minus_beta_2, out=t)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}

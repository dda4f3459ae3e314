"""Adam (with the AMSGrad variant) and AdamW (Adam with decoupled weight decay)."""
import math

import numpy as np

from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014): moving averages of the gradient and its square, bias-corrected.

    m += (g - m) * (1 - beta_1); v += (g^2 - v) * (1 - beta_2);
    w -= m * lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) / (sqrt(v) + epsilon)
    (with `amsgrad=True`, the running maximum of v is used).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _update_coefficients(self, learning_rate):
        beta_1, beta_2, t = float(self.beta_1), float(self.beta_2), self._local_step
        alpha = learning_rate * math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
        return 1.0 - beta_1, 1.0 - beta_2, float(self.epsilon), alpha

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, m, v = variable._buffer(), self._momentums[i]._buffer(), self._velocities[i]._buffer()
        one_minus_beta_1, one_minus_beta_2, epsilon, alpha = self.coefficients(w.dtype, learning_rate)
        s = self.scratch(i)
        # Twelve in-place passes, no temporaries: m, v, then the step, all through one scratch buffer.
        np.subtract(gradient, m, out=s)
        s *= one_minus_beta_1
        m += s
        np.square(gradient, out=s)
        s -= v
        s *= one_minus_beta_2
        v += s
        if self.amsgrad:
            v_hat = self._velocity_hats[i]._buffer()
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=s)
        s += epsilon
        np.divide(m, s, out=s)
        s *= alpha
        w -= s

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): w -= w * weight_decay * lr each step."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         name=name, weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")

"""Nadam: Adam with Nesterov momentum (Dozat, 2015), with Keras's momentum schedule."""
import numpy as np

from .optimizer import Optimizer


class Nadam(Optimizer):
    """Adam whose momentum term looks one step ahead; beta_1 is scheduled as
    mu_t = beta_1 * (1 - 0.5 * 0.96^t) and bias-corrected by the running product of the mu's."""

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
        var_list = list(var_list)
        dtype = var_list[0]._value.dtype if var_list else None
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _mu(self, step):
        return float(self.beta_1) * (1.0 - 0.5 * 0.96 ** step)

    def _backend_update_step(self, grads, variables, learning_rate):
        # The product of the momentum schedule advances once per update, before the variables move.
        u = self._u_product._buffer()
        u[()] = u[()] * self._mu(self._local_step)
        super()._backend_update_step(grads, variables, learning_rate)

    def _update_coefficients(self, learning_rate):
        t = self._local_step
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        u_t, u_t_1 = self._mu(t), self._mu(t + 1)
        u_product_t = float(self._u_product._value)
        u_product_t_1 = u_product_t * u_t_1
        # m_hat = u_{t+1} m / (1 - prod_{t+1}) + (1 - u_t) g / (1 - prod_t); v_hat = v / (1 - beta_2^t)
        return (learning_rate, 1.0 - beta_1, 1.0 - beta_2, u_t_1 / (1.0 - u_product_t_1),
                (1.0 - u_t) / (1.0 - u_product_t), 1.0 / (1.0 - beta_2 ** t), float(self.epsilon))

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, m, v = variable._buffer(), self._momentums[i]._buffer(), self._velocities[i]._buffer()
        lr, one_minus_beta_1, one_minus_beta_2, m_scale, g_scale, v_scale, epsilon = self.coefficients(
            w.dtype, learning_rate)
        s, m_hat = self.scratch(i), self.scratch(i, 1)
        m += np.multiply(np.subtract(gradient, m, out=s), one_minus_beta_1, out=s)
        np.square(gradient, out=s)
        s -= v
        s *= one_minus_beta_2
        v += s
        np.multiply(m, m_scale, out=m_hat)
        m_hat += np.multiply(gradient, g_scale, out=s)
        np.multiply(v, v_scale, out=s)
        np.sqrt(s, out=s)
        s += epsilon
        np.divide(m_hat, s, out=s)
        s *= lr
        w -= s

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

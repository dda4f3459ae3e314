"""LAMB (You et al., 2019): Adam's step rescaled, per variable, by the ratio of the weight norm to the step norm."""
import numpy as np

from .optimizer import Optimizer


class Lamb(Optimizer):
    """m += (g - m) * (1 - beta_1); v += (g^2 - v) * (1 - beta_2);
    u = m / (1 - beta_1^t) / (sqrt(v / (1 - beta_2^t)) + epsilon);
    w -= lr * ||w|| / ||u|| * u (the ratio is 1 when either norm is 0).
    """

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
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])

    def _update_coefficients(self, learning_rate):
        return (learning_rate, 1.0 - float(self.beta_1), 1.0 - float(self.beta_2), float(self.epsilon))

    def _bias_corrections(self, dtype):
        # In the variable's dtype, as Keras computes them: 1 - 0.999^1 differs by 1e-5 between float32 and float64.
        t = dtype.type(self._local_step)
        one = dtype.type(1.0)
        return one - dtype.type(self.beta_1) ** t, one - dtype.type(self.beta_2) ** t

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, m, v = variable._buffer(), self._momentums[i]._buffer(), self._velocities[i]._buffer()
        lr, one_minus_beta_1, one_minus_beta_2, epsilon = self.coefficients(w.dtype, learning_rate)
        correction_1, correction_2 = self._bias_corrections(w.dtype)
        s, u = self.scratch(i), self.scratch(i, 1)
        np.subtract(gradient, m, out=s)
        s *= one_minus_beta_1
        m += s
        np.square(gradient, out=s)
        s -= v
        s *= one_minus_beta_2
        v += s
        np.divide(v, correction_2, out=s)
        np.sqrt(s, out=s)
        s += epsilon
        np.divide(m, correction_1, out=u)
        u /= s
        w_norm = np.sqrt(np.dot(w.ravel(), w.ravel()))
        u_norm = np.sqrt(np.dot(u.ravel(), u.ravel()))
        ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else w.dtype.type(1.0)
        u *= w.dtype.type(ratio) * lr
        w -= u

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

"""FTRL-Proximal (McMahan et al., 2013): follow the regularized leader, with L1/L2 and L2 shrinkage."""
import numpy as np

from .optimizer import Optimizer


class Ftrl(Optimizer):
    """Per coordinate, with n the accumulated squared gradients and p = -learning_rate_power:

    linear += g + 2 * l2_shrinkage * w - (n_new^p - n^p) / lr * w;  n = n_new = n + g^2;
    w = (clip(linear, -l1, l1) - linear) / (n^p / lr + 2 * l2 + beta / lr).
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        for argument, value, rule in (
                ("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
                ("learning_rate_power", -learning_rate_power, "negative or zero"),
                ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
                ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
                ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, "positive or zero")):
            if value < 0.0:
                received = -value if argument == "learning_rate_power" else value
                raise ValueError(f"`{argument}` needs to be {rule}. Received: {argument}={received}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"], initializer=[float(self.initial_accumulator_value), "zeros"])

    def _update_coefficients(self, learning_rate):
        # (lr, 2 * l2 + beta / lr, -l1, l1, 2 * l2_shrinkage)
        return (learning_rate, 2.0 * float(self.l2_regularization_strength) + float(self.beta) / learning_rate,
                -float(self.l1_regularization_strength), float(self.l1_regularization_strength),
                2.0 * float(self.l2_shrinkage_regularization_strength))

    def _power(self, x, out):
        """x ** -learning_rate_power (a square root for the default -0.5)."""
        p = -float(self.learning_rate_power)
        if p == 0.5:
            return np.sqrt(x, out=out)
        return np.power(x, np.asarray(p, x.dtype), out=out)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, n, linear = variable._buffer(), self._accumulators[i]._buffer(), self._linears[i]._buffer()
        lr, quadratic_offset, low, high, shrinkage = self.coefficients(w.dtype, learning_rate)
        new_n, new_n_power = self.scratch(i), self.scratch(i, 1)
        np.square(gradient, out=new_n)
        new_n += n
        self._power(new_n, new_n_power)
        # linear += (g + 2 * shrinkage * w) - (new_n^p - n^p) / lr * w; then n is free for scratch values.
        self._power(n, n)
        np.subtract(new_n_power, n, out=n)
        n /= lr
        n *= w
        if self.l2_shrinkage_regularization_strength:
            gradient_to_use = np.multiply(w, shrinkage, out=self.scratch(i, 2))
            gradient_to_use += gradient
            np.subtract(gradient_to_use, n, out=n)
        else:
            np.subtract(gradient, n, out=n)
        linear += n
        # w = (clip(linear, -l1, l1) - linear) / (new_n^p / lr + 2 * l2 + beta / lr)
        new_n_power /= lr
        new_n_power += quadratic_offset
        np.clip(linear, low, high, out=n)
        n -= linear
        np.divide(n, new_n_power, out=w)
        np.copyto(n, new_n)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}

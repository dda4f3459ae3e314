"""Adagrad: per-parameter learning rates scaled by the accumulated squared gradients."""
import numpy as np

from .optimizer import Optimizer


class Adagrad(Optimizer):
    """accumulator += g^2; w -= lr * g / sqrt(accumulator + epsilon)."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator",
                                                          initializer=float(self.initial_accumulator_value))

    def _update_coefficients(self, learning_rate):
        return learning_rate, float(self.epsilon)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w, acc = variable._buffer(), self._accumulators[i]._buffer()
        lr, epsilon = self.coefficients(w.dtype, learning_rate)
        s = self.scratch(i)
        acc += np.square(gradient, out=s)
        np.add(acc, epsilon, out=s)
        np.sqrt(s, out=s)
        np.divide(gradient, s, out=s)
        s *= lr
        w -= s

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}

"""Stochastic gradient descent, with optional (Nesterov) momentum."""
import numpy as np

from .optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent: w -= lr * g; with momentum m = momentum * m - lr * g and w += m
    (w += momentum * m - lr * g with `nesterov=True`)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum != 0 else []

    def _update_coefficients(self, learning_rate):
        return learning_rate, float(self.momentum)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        w = variable._buffer()
        lr, momentum = self.coefficients(w.dtype, learning_rate)
        # lr * g goes to a scratch buffer: no temporary array per step.
        step = np.multiply(gradient, lr, out=self.scratch(i))
        if self.momentum == 0:
            w -= step
            return
        m = self.momentums[i]._buffer()
        m *= momentum
        m -= step
        if self.nesterov:
            lookahead = np.multiply(m, momentum, out=self.scratch(i, 1))
            lookahead -= step
            w += lookahead
        else:
            w += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}

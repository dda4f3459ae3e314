"""`LossScaleOptimizer`: dynamic loss scaling around another optimizer, as Keras 3 does it."""
import numpy as np

from .gradients import checked_gradients
from .optimizer import Optimizer

# Base optimizer arguments Keras's configs of this class once held: their defaults are accepted, nothing else.
_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Wraps `inner_optimizer`: `scale_loss` multiplies the loss by the current scale and `apply` divides the
    gradients by it before the inner optimizer applies them.

    A step whose gradients hold an inf or NaN is skipped and halves the scale; after `dynamic_growth_steps`
    finite steps in a row the scale doubles. `variables` are this optimizer's own (iteration, an unused
    learning rate, `step_counter`, `dynamic_scale`) followed by the inner optimizer's; `iterations` and
    `learning_rate` are the inner optimizer's.
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for argument, default in _BASE_DEFAULTS.items():
            if argument in kwargs and kwargs.pop(argument) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{argument}`. Instead, set `{argument}` on "
                                 "the `inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError("LossScaleOptimizer expects an Optimizer instance as `inner_optimizer`. Received: "
                             f"inner_optimizer={inner_optimizer!r}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale the gradients a second time.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        self.step_counter = self.add_variable((), initializer="zeros", dtype="int64", name="step_counter")
        self.dynamic_scale = self.add_variable((), initializer=float(self.initial_scale), dtype="float32",
                                               name="dynamic_scale")
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        return self._variables + self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    def apply(self, grads, trainable_variables=None):
        """Unscale the gradients and let the inner optimizer apply them, or skip a non-finite step."""
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = self._trainable_variables
        all_variables = list(trainable_variables)
        if len(all_variables) != len(grads):
            raise ValueError(f"Optimizer '{self.name}' received {len(grads)} gradients for {len(all_variables)} "
                             "variables; expected one gradient (or None) per variable")
        grads, variables = checked_gradients(self.name, grads, all_variables, self._index if self.built else None)
        if not self.built:
            self.build(all_variables)
        counter, scale = self.step_counter._buffer(), self.dynamic_scale._buffer()
        if not all(np.isfinite(g).all() for g in grads):
            counter[()] = 0
            scale[()] = scale[()] * np.float32(0.5)
            return
        divisor = float(scale[()])
        self.inner_optimizer.apply([g / divisor for g in grads], variables)
        if int(counter[()]) == self.dynamic_growth_steps - 1:
            counter[()] = 0
            scale[()] = scale[()] * np.float32(2.0)
        else:
            counter[()] = counter[()] + 1

    def scale_loss(self, loss):
        """The loss times the current scale (`initial_scale` before the first step)."""
        scale = float(self.dynamic_scale._value) if self.built else self.initial_scale
        return loss * scale

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from . import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        config = dict(config)
        inner = config.pop("inner_optimizer", None)
        if isinstance(inner, (dict, str)):
            inner = deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)

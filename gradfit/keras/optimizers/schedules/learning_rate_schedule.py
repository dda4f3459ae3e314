"""Learning rate schedules: the learning rate as a function of the optimizer's step, as Keras 3 computes it.

A schedule is called with the step (an int, or the optimizer's `iterations` variable) and returns a
scalar float32 Tensor, computed with gradfit ops.
"""
import math

import numpy as np

from ....ops import math as M
from ....tensor import Tensor, convert_to_tensor
from ...losses.serialization import deserialize_object, serialize_object


def _float_tensor(x):
    if isinstance(x, Tensor):
        return x if x._value.dtype.kind == "f" else M.cast(x, "float32")
    return convert_to_tensor(float(x), dtype="float32")


def _step(step, dtype):
    return M.cast(step if isinstance(step, Tensor) else convert_to_tensor(step), dtype)


def _check_positive(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    """Base class: `schedule(step)` gives the learning rate to use at that step."""

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override "
                                  "`__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
                                  "in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _RateDecay(LearningRateSchedule):
    """A decay by `decay_rate` driven by step / decay_steps (floored if `staircase`): what ExponentialDecay
    and InverseTimeDecay share. Subclasses give `_decay(initial, rate, progress)`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        super().__init__()
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = M.divide(_step(step, dtype), M.cast(self.decay_steps, dtype))
        if self.staircase:
            p = M.floor(p)
        return self._decay(initial, M.cast(self.decay_rate, dtype), p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """initial_learning_rate * decay_rate ** (step / decay_steps), the exponent floored if `staircase`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def _decay(self, initial, rate, progress):
        return M.multiply(initial, M.pow(rate, progress))


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] up to boundaries[0] (inclusive), values[1] up to boundaries[1], ..., values[-1] after."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. Received: "
                             f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        s = np.asarray(step._value if isinstance(step, Tensor) else step)
        index = int(np.searchsorted(np.asarray(self.boundaries), s, side="left"))
        return _float_tensor(self.values[index]) if not isinstance(self.values[index], Tensor) else self.values[index]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ** power + end; with `cycle`, decay_steps grows to fit."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        super().__init__()
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        end = M.cast(self.end_learning_rate, dtype)
        step = _step(step, dtype)
        decay_steps = M.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = 1.0 if float(step) == 0 else M.ceil(M.divide(step, float(self.decay_steps)))
            decay_steps = M.multiply(decay_steps, multiplier)
        else:
            step = M.minimum(step, decay_steps)
        p = M.divide(step, decay_steps)
        return M.add(M.multiply(M.subtract(initial, end), M.pow(M.subtract(1.0, p), M.cast(self.power, dtype))), end)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(_RateDecay):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps), the ratio floored if `staircase`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def _decay(self, initial, rate, progress):
        return M.divide(initial, M.add(1.0, M.multiply(rate, progress)))


class CosineDecay(LearningRateSchedule):
    """Cosine decay from the initial rate (or, after a linear warmup to `warmup_target`, from that) to
    alpha times it over `decay_steps` (Loshchilov & Hutter, SGDR)."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        super().__init__()
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = M.divide(step, decay_steps)
        cosine = M.multiply(M.add(M.cos(M.multiply(M.cast(math.pi, dtype), fraction)), 1.0), 0.5)
        return M.multiply(decay_from, M.add(M.multiply(cosine, 1.0 - self.alpha), self.alpha))

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = M.cast(self.decay_steps, dtype)
        step = _step(step, dtype)
        if self.warmup_target is None:
            return self._decay(M.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = M.cast(self.warmup_target, dtype)
        warmup_steps = M.cast(self.warmup_steps, dtype)
        step = M.minimum(step, M.add(decay_steps, warmup_steps))
        if float(step) < float(warmup_steps):
            return M.add(M.multiply(M.subtract(target, initial), M.divide(step, warmup_steps)), initial)
        return self._decay(M.subtract(step, warmup_steps), decay_steps, target, dtype)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts: each period `t_mul` times longer and `m_mul` times lower."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        super().__init__()
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        initial = _float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        t_mul = M.cast(self._t_mul, dtype)
        fraction = M.divide(_step(step, dtype), M.cast(self.first_decay_steps, dtype))
        if float(t_mul) == 1.0:
            i_restart = M.floor(fraction)
            fraction = M.subtract(fraction, i_restart)
        else:
            i_restart = M.floor(M.divide(M.log(M.subtract(1.0, M.multiply(fraction, M.subtract(1.0, t_mul)))),
                                         M.log(t_mul)))
            sum_r = M.divide(M.subtract(1.0, M.pow(t_mul, i_restart)), M.subtract(1.0, t_mul))
            fraction = M.divide(M.subtract(fraction, sum_r), M.pow(t_mul, i_restart))
        m_fac = M.pow(M.cast(self._m_mul, dtype), i_restart)
        cosine = M.multiply(M.multiply(m_fac, 0.5), M.add(M.cos(M.multiply(M.cast(math.pi, dtype), fraction)), 1.0))
        alpha = M.cast(self.alpha, dtype)
        return M.multiply(initial, M.add(M.multiply(M.subtract(1.0, alpha), cosine), alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


ALL_SCHEDULES = {cls.__name__: cls for cls in (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay,
                                               PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """The Keras config dict of a schedule."""
    return serialize_object(learning_rate_schedule, "keras.optimizers.schedules")


def deserialize(config, custom_objects=None):
    """The schedule a config dict describes."""
    return deserialize_object(config, ALL_SCHEDULES, custom_objects, kind="learning rate schedule")

"""keras.optimizers.schedules: learning rates that change with the optimizer's step."""
from .learning_rate_schedule import (CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay,
                                     LearningRateSchedule, PiecewiseConstantDecay, PolynomialDecay, deserialize,
                                     serialize)

__all__ = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
           "PiecewiseConstantDecay", "PolynomialDecay", "deserialize", "serialize"]

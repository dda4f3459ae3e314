"""Reverse-mode automatic differentiation: GradientTape and the gradient rules' registry."""
from .tape import GradientTape, Primitive, UnconnectedGradients, custom_gradient, defgrad, stop_gradient

__all__ = ["GradientTape", "Primitive", "UnconnectedGradients", "custom_gradient", "defgrad", "stop_gradient"]

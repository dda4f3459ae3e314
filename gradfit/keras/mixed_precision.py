"""keras.mixed_precision: the global dtype policy under its older names. Only full-precision policies
('float32', 'float64') are available: NumPy has no fast float16 kernels, so the mixed policies raise.
`LossScaleOptimizer` is keras.optimizers.LossScaleOptimizer, here as in Keras."""
from .config import dtype_policy, set_dtype_policy
from .layers.dtype_policy import DTypePolicy
from .optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy", "set_dtype_policy",
           "set_global_policy"]

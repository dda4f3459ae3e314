"""`tf.random`: seeded random tensors."""
from .ops.random import (categorical, gamma, normal, poisson, set_seed, shuffle, stateless_normal,
                         stateless_truncated_normal, stateless_uniform, truncated_normal, uniform)

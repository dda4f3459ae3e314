"""`tf.random`: seeded random tensors."""
from .ops.random import (categorical, gamma, normal, poisson, set_seed, shuffle, stateless_normal,
                         stateless_truncated_normal, stateless_uniform, truncated_normal, uniform)
from .random_generator import (Generator, fold_in, get_global_generator, set_global_generator, split,
                               stateless_binomial, stateless_categorical, stateless_gamma, stateless_poisson)

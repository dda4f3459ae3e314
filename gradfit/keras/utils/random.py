"""keras.utils.set_random_seed: one call that makes a gradfit program repeatable."""
import random

import numpy as np

from ... import backend


def set_random_seed(seed):
    """Seeds Python's `random`, NumPy's global generator (`np.random.seed`) and gradfit's own generator
    (`gradfit.backend.set_seed`, used by initializers, dropout, `tf.random` and `keras.random`), as Keras
    seeds Python, NumPy and its backend.
    """
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    random.seed(seed)
    np.random.seed(seed)
    backend.set_seed(seed)

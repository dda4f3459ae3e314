"""What the housing datasets share: a seeded shuffle, then the last `test_split` of the rows as the test set."""
import numpy as np


def check_test_split(test_split):
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 (exclusive of 1).")


def shuffled_split(x, y, test_split, seed):
    """`(x_train, y_train), (x_test, y_test)` after shuffling rows with `np.random.RandomState(seed)`, as Keras."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])

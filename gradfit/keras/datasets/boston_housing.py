"""keras.datasets.boston_housing: 506 Boston suburbs (1970s), 13 features, median house value in k$."""
import numpy as np

from .sources import fetch
from .tabular import check_test_split, shuffled_split


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads Boston Housing as `(x_train, y_train), (x_test, y_test)`.

    x: float64 arrays of shape (n, 13); y: float64 arrays of shape (n,) with prices in k$. Rows are shuffled
    with `np.random.RandomState(seed)` and the last `test_split` of them are the test set.

    Keras warns that this dataset has an ethical problem (its "B" feature); prefer california_housing.
    """
    check_test_split(test_split)
    path = fetch("boston_housing.npz", fname=path)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffled_split(x, y, test_split, seed)

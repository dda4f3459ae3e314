"""keras.datasets.california_housing: 20,640 California block groups (1990 census), 8 features, house value."""
import numpy as np

from .sources import fetch
from .tabular import check_test_split, shuffled_split


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads California Housing as `(x_train, y_train), (x_test, y_test)`.

    x: arrays of shape (n, 8) (MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude,
    Longitude); y: median house values in dollars. `version="small"` keeps the first 600 rows. Rows are shuffled
    with `np.random.RandomState(seed)` and the last `test_split` of them are the test set.
    """
    check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version!r}")
    path = fetch("california_housing.npz", fname=path)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffled_split(x, y, test_split, seed)

"""What a dataset yields, as plain Python values (lists, tuples, dicts, numbers) for comparisons."""
import numpy as np


def values(dataset):
    def plain(x):
        if isinstance(x, tuple):
            return tuple(plain(v) for v in x)
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items()}
        return x.tolist() if isinstance(x, np.ndarray) else x.item() if isinstance(x, np.generic) else x

    return [plain(v) for v in dataset.as_numpy_iterator()]

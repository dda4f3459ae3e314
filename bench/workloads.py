"""The benchmark workloads, shared by bench/training.py and the peers' worker: same data on both sides."""
import numpy as np


def mlp_data(n=2048):
    rng = np.random.default_rng(0)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n).astype(np.int64)


def cnn_data(n=1024):
    rng = np.random.default_rng(1)
    return rng.random((n, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, n).astype(np.int64)


def batches_for(x, y, batch):
    return [(x[i:i + batch], y[i:i + batch]) for i in range(0, len(x) - batch + 1, batch)]

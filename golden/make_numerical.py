"""Keras 3's to_categorical, normalize and pad_sequences on fixed inputs.

    /work/peers/bin/python golden/make_numerical.py
Writes tests/fixtures/utils/numerical.npz: for case i of each function, its inputs (`<fn>/<i>/...`) and
Keras's output (`<fn>/<i>/out`).
"""
import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
from keras.src.utils.numerical_utils import normalize, to_categorical  # noqa: E402
from keras.src.utils.sequence_utils import pad_sequences  # noqa: E402

rng = np.random.RandomState(0)

TO_CATEGORICAL = [
    ([0, 1, 2, 3], {"num_classes": 4}),
    ([[1], [0], [2]], {}),                # (n, 1) labels: the trailing 1 is dropped
    ([[0, 1], [2, 0]], {}),
    ([[[1]], [[0]]], {"num_classes": 3}),
    (2, {"num_classes": 4}),              # a scalar gives one row of shape (4,)
    ([1.0, 2.0, 0.0], {}),                # floats are read as integers
    ([[3]], {"num_classes": 5}),
]
NORMALIZE = [
    (rng.randn(4, 5).astype("float32"), {}),
    (rng.randn(3, 4, 2), {"axis": -2}),    # (axis=0 is left out: Keras's NumPy path mistakes it for -1)
    (rng.randn(3, 4), {"order": 1}),
    (np.array([[3.0, 4.0], [0.0, 0.0]]), {}),
    (np.array([[3, 4], [6, 8]]), {}),      # integers give float64
    (rng.randn(2, 3, 4).astype("float32"), {"axis": 1}),
    # (a 1-D input is left out: Keras's NumPy path returns it with an extra leading axis, shape (1, n))
]
PAD_SEQUENCES = [
    ([[1], [2, 3], [4, 5, 6]], {}),
    ([[1], [2, 3], [4, 5, 6]], {"maxlen": 2}),
    ([[1], [2, 3], [4, 5, 6]], {"padding": "post"}),
    ([[1], [2, 3], [4, 5, 6]], {"maxlen": 2, "truncating": "post"}),
    ([[1], [2, 3], [4, 5, 6]], {"value": -1}),
    ([[1], [2, 3], [4, 5, 6]], {"maxlen": 5, "padding": "post", "truncating": "post"}),
    ([[0.5, 1.5], [], [2.5]], {"dtype": "float32", "value": 9.0}),
    ([[[1, 2]], [[3, 4], [5, 6]]], {}),     # items that are vectors
    ([[1, 2, 3, 4], [5]], {"maxlen": 3, "padding": "post", "truncating": "pre", "dtype": "int64"}),
]


def main():
    out = {}
    for i, (x, kwargs) in enumerate(TO_CATEGORICAL):
        out[f"to_categorical/{i}/x"] = np.array(json.dumps(x))
        out[f"to_categorical/{i}/kwargs"] = np.array(json.dumps(kwargs))
        out[f"to_categorical/{i}/out"] = to_categorical(x, **kwargs)
    for i, (x, kwargs) in enumerate(NORMALIZE):
        out[f"normalize/{i}/x"] = x
        out[f"normalize/{i}/kwargs"] = np.array(json.dumps(kwargs))
        out[f"normalize/{i}/out"] = normalize(x, **kwargs)
    for i, (x, kwargs) in enumerate(PAD_SEQUENCES):
        out[f"pad_sequences/{i}/x"] = np.array(json.dumps(x))
        out[f"pad_sequences/{i}/kwargs"] = np.array(json.dumps(kwargs))
        out[f"pad_sequences/{i}/out"] = pad_sequences(x, **kwargs)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "utils",
                        "numerical.npz")
    np.savez_compressed(path, **out)
    for key in sorted(k for k in out if k.endswith("/out")):
        print(key, out[key].dtype, out[key].shape)


if __name__ == "__main__":
    main()

"""TensorFlow's tf.linalg decompositions, solves and helpers on fixed inputs.

    /work/peers/bin/python golden/make_linalg.py
Writes tests/fixtures/linalg/linalg.npz: for each case, its inputs (`<case>/in/<i>`), TensorFlow's outputs
(`<case>/out/<i>`) and, under `cases`, a JSON list of [case, function name, keyword arguments].
"""
import json
import os

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)


def spd(*shape, dtype="float64"):
    x = rng.randn(*shape)
    return (x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def symmetric(*shape, dtype="float64"):
    x = rng.randn(*shape)
    return (x + np.swapaxes(x, -1, -2)).astype(dtype)


def triangular_friendly(*shape, dtype="float64"):
    return (rng.randn(*shape) + 3 * np.eye(shape[-1])).astype(dtype)


CASES = [
    ("cholesky", "cholesky", [spd(3, 3)], {}),
    ("cholesky_batched_f32", "cholesky", [spd(2, 3, 4, 4, dtype="float32")], {}),
    ("cholesky_reads_lower", "cholesky", [np.array([[4.0, 100.0], [2.0, 5.0]])], {}),
    ("qr_square", "qr", [rng.randn(3, 3)], {}),
    ("qr_tall_batched", "qr", [rng.randn(2, 5, 3)], {}),
    ("qr_tall_full", "qr", [rng.randn(4, 2)], {"full_matrices": True}),
    ("qr_wide_f32", "qr", [rng.randn(3, 5).astype("float32")], {}),
    ("eigh", "eigh", [symmetric(4, 4)], {}),
    ("eigh_batched_f32", "eigh", [symmetric(2, 3, 3, dtype="float32")], {}),
    ("eigh_reads_lower", "eigh", [np.array([[1.0, 5.0], [0.5, 2.0]])], {}),
    ("eigvalsh", "eigvalsh", [symmetric(2, 4, 4)], {}),
    ("svd_tall", "svd", [rng.randn(5, 3)], {}),
    ("svd_wide_batched", "svd", [rng.randn(2, 3, 4)], {}),
    ("svd_full", "svd", [rng.randn(4, 2)], {"full_matrices": True}),
    ("svd_values_f32", "svd", [rng.randn(2, 3, 5).astype("float32")], {"compute_uv": False}),
    ("slogdet", "slogdet", [rng.randn(3, 4, 4)], {}),
    ("slogdet_f32", "slogdet", [rng.randn(3, 3).astype("float32")], {}),
    ("logdet", "logdet", [spd(2, 4, 4)], {}),
    ("triangular_solve_lower", "triangular_solve", [triangular_friendly(3, 3), rng.randn(3, 2)], {}),
    ("triangular_solve_upper_adjoint", "triangular_solve", [triangular_friendly(2, 3, 3), rng.randn(2, 3, 1)],
     {"lower": False, "adjoint": True}),
    ("triangular_solve_broadcast", "triangular_solve", [triangular_friendly(3, 3), rng.randn(4, 3, 2)], {}),
    ("triangular_solve_f32", "triangular_solve",
     [triangular_friendly(3, 3, dtype="float32"), rng.randn(3, 2).astype("float32")], {"lower": False}),
    ("band_part", "band_part", [rng.randn(2, 4, 5)], {"num_lower": 1, "num_upper": 2}),
    ("band_part_lower", "band_part", [rng.randn(4, 3)], {"num_lower": -1, "num_upper": 0}),
    ("band_part_upper", "band_part", [rng.randn(3, 4)], {"num_lower": 0, "num_upper": -1}),
    ("band_part_diagonal_int", "band_part", [rng.randint(-5, 5, (3, 3)).astype("int32")],
     {"num_lower": 0, "num_upper": 0}),
    ("cholesky_solve", "cholesky_solve", [np.linalg.cholesky(spd(2, 3, 3)), rng.randn(2, 3, 2)], {}),
    ("pinv_wide", "pinv", [rng.randn(3, 5)], {}),
    ("pinv_rank_deficient", "pinv", [np.outer(rng.randn(4), rng.randn(3))], {}),
    ("lstsq_tall", "lstsq", [rng.randn(5, 3), rng.randn(5, 2)], {}),
    ("lstsq_wide", "lstsq", [rng.randn(2, 4), rng.randn(2, 1)], {}),
    ("lstsq_regularized_broadcast", "lstsq", [rng.randn(4, 3), rng.randn(2, 4, 2)], {"l2_regularizer": 0.5}),
    ("matvec", "matvec", [rng.randn(2, 4, 3), rng.randn(3)], {}),
    ("matvec_transpose", "matvec", [rng.randn(4, 3), rng.randn(5, 4)], {"transpose_a": True}),
    ("adjoint", "adjoint", [rng.randn(2, 3, 4)], {}),
    ("lstsq_robust_ignores_l2", "lstsq", [np.outer(rng.randn(5), rng.randn(3)) + 1e-3 * rng.randn(5, 3),
                                          rng.randn(5, 2)], {"fast": False, "l2_regularizer": 0.5}),
]


def main():
    arrays = {}
    for case, fn, inputs, kwargs in CASES:
        out = getattr(tf.linalg, fn)(*[tf.constant(x) for x in inputs], **kwargs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        for i, x in enumerate(inputs):
            arrays[f"{case}/in/{i}"] = x
        for i, y in enumerate(outs):
            arrays[f"{case}/out/{i}"] = y.numpy()
    arrays["cases"] = np.array(json.dumps([[case, fn, kwargs] for case, fn, _, kwargs in CASES]))
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "linalg", "linalg.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()

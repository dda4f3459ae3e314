"""Record whole `fit` runs of real Keras, for tests/keras/test_training_golden.py.

Run with the peers environment (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_training.py
Each case fixes data and initial weights, trains with shuffle=False, and saves the History values and
the final weights to tests/fixtures/training/<case>.npz.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "training")


def classification_data(rng, n, inputs=6, classes=3):
    centers = rng.standard_normal((classes, inputs)) * 2
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.standard_normal((n, inputs))).astype(np.float32), y.astype(np.int32)


def build(case):
    L = keras.layers
    if case == "mlp_adam_sparse_ce":
        return keras.Sequential([keras.Input((6,)), L.Dense(16, activation="relu"), L.Dense(3, activation="softmax")])
    if case == "mlp_sgd_momentum_l2_logits":
        return keras.Sequential([keras.Input((6,)),
                                 L.Dense(8, activation="tanh", kernel_regularizer=keras.regularizers.l2(0.01)),
                                 L.Dense(3)])
    if case == "regression_rmsprop_mse":
        return keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu"), L.Dense(1)])
    raise ValueError(case)


def compile_args(case):
    if case == "mlp_adam_sparse_ce":
        return dict(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    if case == "mlp_sgd_momentum_l2_logits":
        return dict(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return dict(optimizer=keras.optimizers.RMSprop(1e-2), loss="mse", metrics=["mae"])


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, case in enumerate(["mlp_adam_sparse_ce", "mlp_sgd_momentum_l2_logits", "regression_rmsprop_mse"]):
        rng = np.random.default_rng(100 + i)
        x, y = classification_data(rng, 128)
        x, xv, y, yv = x[:96], x[96:], y[:96], y[96:]
        if case.startswith("regression"):
            y = x.sum(axis=1, keepdims=True).astype(np.float32)
            yv = xv.sum(axis=1, keepdims=True).astype(np.float32)
        model = build(case)
        initial = [rng.standard_normal(w.shape).astype(np.float32) * 0.3 for w in model.get_weights()]
        model.set_weights(initial)
        model.compile(**compile_args(case))
        history = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, validation_data=(xv, yv), verbose=0)
        arrays = {"x": x, "y": y, "xv": xv, "yv": yv}
        arrays.update({f"initial_{k}": w for k, w in enumerate(initial)})
        arrays.update({f"final_{k}": w for k, w in enumerate(model.get_weights())})
        arrays.update({f"history_{k}": np.asarray(v) for k, v in history.history.items()})
        np.savez_compressed(os.path.join(OUT, f"{case}.npz"), **arrays)
        print(case, {k: [round(float(a), 5) for a in v] for k, v in history.history.items()})


if __name__ == "__main__":
    main()

"""Whole fit() runs against real Keras: same data and initial weights give the same History (1e-5)."""
import os

import numpy as np
import pytest

from gradfit import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "training")
CASES = ["mlp_adam_sparse_ce", "mlp_sgd_momentum_l2_logits", "regression_rmsprop_mse"]


def build(case):
    L = keras.layers
    if case == "mlp_adam_sparse_ce":
        return keras.Sequential([keras.Input((6,)), L.Dense(16, activation="relu"), L.Dense(3, activation="softmax")])
    if case == "mlp_sgd_momentum_l2_logits":
        return keras.Sequential([keras.Input((6,)),
                                 L.Dense(8, activation="tanh", kernel_regularizer=keras.regularizers.l2(0.01)),
                                 L.Dense(3)])
    return keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu"), L.Dense(1)])


def compile_args(case):
    if case == "mlp_adam_sparse_ce":
        return dict(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    if case == "mlp_sgd_momentum_l2_logits":
        return dict(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return dict(optimizer=keras.optimizers.RMSprop(1e-2), loss="mse", metrics=["mae"])


@pytest.mark.parametrize("case", CASES)
def test_fit_history_matches_keras(case):
    f = np.load(os.path.join(FIXTURES, f"{case}.npz"))
    model = build(case)
    n = len(model.get_weights())
    model.set_weights([f[f"initial_{k}"] for k in range(n)])
    model.compile(**compile_args(case))
    history = model.fit(f["x"], f["y"], batch_size=32, epochs=3, shuffle=False,
                        validation_data=(f["xv"], f["yv"]), verbose=0)
    expected = {k[len("history_"):]: f[k] for k in f.files if k.startswith("history_")}
    assert sorted(history.history) == sorted(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, atol=1e-5, err_msg=key)
    for k, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, f[f"final_{k}"], rtol=1e-5, atol=1e-5)

"""Tabular regression with fit(): a Normalization layer adapted to the data, and a custom loss function.

The data is a synthetic housing table (no download): floor area, rooms, age, distance to the centre and
floor level, on scales from 1 to 250, and a price whose noise grows with the price and is skewed upwards.
`Normalization.adapt` learns each column's mean and variance, so the network sees standardized inputs.
The loss is written as a plain `def loss(y_true, y_pred)` with gradfit ops: the pinball (quantile) loss,
which makes the network's three outputs the 10th, 50th and 90th percentiles of the price given the
features, a prediction interval rather than a single guess (Koenker & Bassett, 1978).

    python examples/regression_fit.py                      # full mode
    python examples/regression_fit.py --quick              # fewer epochs (what the tests run)

Quality bar (full mode): on 2000 held-out houses, the 10th-90th percentile interval contains between 77% and
83% of the prices (80% is exact) and the median's mean absolute error is within 5% of the error of the true
median. Quick mode (5 epochs): coverage between 70% and 90%, median error within 20% of the true median's.
"""
import time

import numpy as np

import gradfit as tf
from gradfit import keras

from _common import exit_code, finish, parser

QUANTILES = (0.1, 0.5, 0.9)
NOISE = 0.2  # the price's log-normal noise


def housing(n, rng):
    """Features (n, 5) and prices (n, 1) in units of 100k; also the true median price of each house."""
    area = rng.uniform(30, 250, n)
    rooms = rng.integers(1, 8, n)
    age = rng.uniform(0, 80, n)
    distance = np.minimum(rng.exponential(6.0, n), 40.0)
    floor = rng.integers(0, 21, n)
    median = (0.03 * area * (1 + 0.05 * rooms) * np.exp(-distance / 15) * (1 - 0.004 * age)
              + 0.1 * np.log1p(floor))
    price = median * np.exp(NOISE * rng.standard_normal(n))
    features = np.stack([area, rooms, age, distance, floor], axis=1).astype("float32")
    return features, price[:, None].astype("float32"), median[:, None].astype("float32")


def quantile_loss(y_true, y_pred):
    """Pinball loss, one output per quantile: under-predicting a quantile q costs q per unit, over-predicting
    it costs 1 - q, so the loss is lowest at the q-th percentile."""
    error = y_true - y_pred  # (batch, 1) against (batch, 3)
    q = tf.constant(QUANTILES)
    return tf.reduce_mean(tf.maximum(q * error, (q - 1.0) * error), axis=-1)


def build_model(features):
    normalizer = keras.layers.Normalization()
    normalizer.adapt(features)
    return keras.Sequential([
        keras.Input(shape=(features.shape[1],)),
        normalizer,
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(len(QUANTILES)),
    ])


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--epochs", type=int, default=200, help="most epochs (early stopping ends sooner)")
    args = args_parser.parse_args(argv)
    epochs = 5 if args.quick else args.epochs

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x_train, y_train, _ = housing(8000, rng)
    x_test, y_test, median_test = housing(2000, np.random.default_rng(12345))

    model = build_model(x_train)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=quantile_loss)
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.2,
                        callbacks=[early_stopping], verbose=2)
    seconds = time.perf_counter() - start

    low, median, high = np.split(model.predict(x_test, verbose=0), 3, axis=1)
    coverage = float(np.mean((y_test >= low) & (y_test <= high)))
    median_error = float(np.mean(np.abs(median - y_test)))
    best_error = float(np.mean(np.abs(median_test - y_test)))  # the true median's error
    results = {"epochs run": len(history.epoch), "first epoch loss": history.history["loss"][0],
               "last epoch loss": history.history["loss"][-1], "test interval coverage": coverage,
               "test median absolute error": median_error, "true median's absolute error": best_error,
               "training seconds": seconds}
    (low_bar, high_bar), error_bar = ((0.7, 0.9), 1.2) if args.quick else ((0.77, 0.83), 1.05)
    bar = f"coverage in [{low_bar}, {high_bar}], median error <= {error_bar} x the true median's"
    met = low_bar <= coverage <= high_bar and median_error <= error_bar * best_error
    return finish(results, bar, met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

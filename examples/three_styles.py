"""The three training styles side by side: one model trained with fit, with train_on_batch and with a
GradientTape loop, on the 8x8 digits.

    style            difficulty     control                     typical uses
    fit              easy           epochs, callbacks           image classification, regression
    train_on_batch   moderate       every batch                 online learning, debugging one batch
    GradientTape     most code      every gradient              GANs, reinforcement/meta-learning, custom losses

Each style is written as its users write it: `compile` + `fit(..., validation_split=0.1)`; a loop of
`train_on_batch` calls with `evaluate` on the same last 10% after each epoch; a `Dataset` loop with a
tape, a loss function, an optimizer and a metric. The model starts from the same seeded weights and sees the
same batches in the same order in all three, and all three run the same step (fit and train_on_batch
call `Model.train_step`, itself an ordinary GradientTape step), so they end with identical weights.

    python examples/three_styles.py                        # full mode
    python examples/three_styles.py --quick                # 3 epochs (what the tests run)

Quality bar (full mode, 50 epochs): every style reaches test accuracy >= 0.94 and the three end with
identical weights. Quick mode (3 epochs): test accuracy >= 0.8 and identical weights.
"""
import math
import time

import numpy as np

import gradfit as tf
from gradfit import keras

from _common import digit_images, exit_code, finish, parser

BATCH_SIZE = 32
VALIDATION_SPLIT = 0.1


def build_model(seed):
    keras.utils.set_random_seed(seed)  # the same initial weights for every style
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def split(x, y):
    """fit's validation_split: the last 10% of the samples, taken before any shuffling."""
    at = int(math.floor(len(x) * (1.0 - VALIDATION_SPLIT)))
    return (x[:at], y[:at]), (x[at:], y[at:])


def train_with_fit(model, x, y, epochs):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # shuffle=False so that the three styles see the same batches; the data was shuffled once up front.
    history = model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs, validation_split=VALIDATION_SPLIT,
                        shuffle=False, verbose=0)
    return history.history["val_accuracy"][-1]


def train_with_train_on_batch(model, x, y, epochs):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    (x_train, y_train), (x_val, y_val) = split(x, y)
    for epoch in range(epochs):
        for start in range(0, len(x_train), BATCH_SIZE):
            loss, accuracy = model.train_on_batch(x_train[start:start + BATCH_SIZE],
                                                  y_train[start:start + BATCH_SIZE])
        val_loss, val_accuracy = model.evaluate(x_val, y_val, batch_size=BATCH_SIZE, verbose=0)
    return val_accuracy


def train_with_gradient_tape(model, x, y, epochs):
    (x_train, y_train), (x_val, y_val) = split(x, y)
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(BATCH_SIZE)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam()
    val_accuracy = keras.metrics.SparseCategoricalAccuracy()
    for epoch in range(epochs):
        for x_batch, y_batch in dataset:
            with tf.GradientTape() as tape:
                probs = model(x_batch, training=True)
                loss = loss_fn(y_batch, probs)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
        val_accuracy.reset_state()
        val_accuracy.update_state(y_val, model(x_val, training=False))
    return float(val_accuracy.result())


STYLES = {"fit": train_with_fit, "train_on_batch": train_with_train_on_batch,
          "GradientTape": train_with_gradient_tape}


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--epochs", type=int, default=50)
    args = args_parser.parse_args(argv)
    epochs = 3 if args.quick else args.epochs

    (x, y), (x_test, y_test) = digit_images()
    x, x_test = x.reshape(-1, 64), x_test.reshape(-1, 64)
    order = np.random.default_rng(args.seed).permutation(len(x))
    x, y = x[order], y[order]

    print(f"{'style':16s} {'val accuracy':>12s} {'test accuracy':>13s} {'seconds':>8s}")
    results, weights, accuracies = {}, {}, []
    for name, train in STYLES.items():
        model = build_model(args.seed)
        start = time.perf_counter()
        val_accuracy = train(model, x, y, epochs)
        seconds = time.perf_counter() - start
        test_accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(axis=1) == y_test))
        print(f"{name:16s} {val_accuracy:12.4f} {test_accuracy:13.4f} {seconds:8.2f}")
        results[f"{name} test accuracy"] = test_accuracy
        results[f"{name} seconds"] = seconds
        weights[name] = model.get_weights()
        accuracies.append(test_accuracy)

    reference = weights["fit"]
    identical = all(all(np.array_equal(a, b) for a, b in zip(reference, w)) for w in weights.values())
    results["identical weights"] = identical
    accuracy_bar = 0.8 if args.quick else 0.94
    bar = f"test accuracy >= {accuracy_bar} in every style and identical weights"
    return finish(results, bar, min(accuracies) >= accuracy_bar and identical, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

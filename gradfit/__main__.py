"""`python -m gradfit`: the tour. One digits classifier trained three ways, side by side.

    python -m gradfit                      # all three styles, 10 epochs each
    python -m gradfit --style tape --epochs 5
    python -m gradfit --quiet              # only the summary table

The same model (same seed, same initial weights) sees the same batches in every style, so the three
end with identical weights: fit(), train_on_batch() and a GradientTape loop are one computation.
"""
import argparse
import time

import numpy as np

import gradfit as tf
from gradfit import keras
from gradfit.datasets import digits

STYLES = ("fit", "train_on_batch", "tape")
BATCH = 32


def load():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
    # One fixed shuffle, so every style sees the same batches in the same order.
    order = np.random.default_rng(0).permutation(len(x_train))
    return (x_train[order], y_train[order].astype("int64")), (x_test, y_test.astype("int64"))


def build_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def train_fit(model, x, y, epochs, verbose):
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=verbose)


def train_on_batch_loop(model, x, y, epochs, verbose):
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    steps = -(-len(x) // BATCH)
    for epoch in range(epochs):
        if verbose:
            print(f"Epoch {epoch + 1}/{epochs}")
        bar = keras.utils.Progbar(steps, verbose=verbose)
        for step in range(steps):
            xb, yb = x[step * BATCH:(step + 1) * BATCH], y[step * BATCH:(step + 1) * BATCH]
            loss, accuracy = model.train_on_batch(xb, yb)
            bar.update(step + 1, values=[("accuracy", accuracy), ("loss", loss)])


def tape_loop(model, x, y, epochs, verbose):
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam(1e-2)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    steps = -(-len(x) // BATCH)
    for epoch in range(epochs):
        if verbose:
            print(f"Epoch {epoch + 1}/{epochs}")
        bar = keras.utils.Progbar(steps, verbose=verbose)
        accuracy.reset_state()
        for step, (x_batch, y_batch) in enumerate(dataset):
            with tf.GradientTape() as tape:
                probs = model(x_batch, training=True)
                loss = loss_fn(y_batch, probs)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            accuracy.update_state(y_batch, probs)
            bar.update(step + 1, values=[("accuracy", float(accuracy.result())), ("loss", float(loss))])


TRAINERS = {"fit": train_fit, "train_on_batch": train_on_batch_loop, "tape": tape_loop}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gradfit", description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per style (default 10)")
    parser.add_argument("--style", choices=STYLES + ("all",), default="all", help="which training style to run")
    parser.add_argument("--quiet", action="store_true", help="print only the summary table")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")

    (x, y), (x_test, y_test) = load()
    styles = STYLES if args.style == "all" else (args.style,)
    verbose = 0 if args.quiet else 1
    if not args.quiet:
        print(f"gradfit {tf.__version__}: 8x8 digits, {len(x)} training and {len(x_test)} test images, "
              f"a 64-64-10 network, Adam, batches of {BATCH}\n")
    results = {}
    for style in styles:
        if not args.quiet:
            print(f"--- {style} ---")
        model = build_model()
        start = time.perf_counter()
        TRAINERS[style](model, x, y, args.epochs, verbose)
        seconds = time.perf_counter() - start
        probs = model.predict(x_test, verbose=0)
        accuracy = float(np.mean(np.argmax(probs, axis=1) == y_test))
        steps = args.epochs * -(-len(x) // BATCH)
        results[style] = (accuracy, seconds, steps / seconds, model.get_weights())
        if not args.quiet:
            print()

    print(f"{'style':16s} {'test accuracy':>13s} {'wall time':>10s} {'steps/s':>9s}")
    for style, (accuracy, seconds, rate, _) in results.items():
        print(f"{style:16s} {accuracy:13.4f} {seconds:9.2f}s {rate:9.0f}")
    if len(results) > 1:
        weights = [r[3] for r in results.values()]
        same = all(all(np.array_equal(a, b) for a, b in zip(weights[0], w)) for w in weights[1:])
        print("\nThe styles ended with " + ("identical weights: one train step, three ways to drive it."
                                          if same else "different weights."))
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

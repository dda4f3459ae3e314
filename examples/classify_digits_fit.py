"""Image classification with a small convnet and fit(): the 8x8 digits as (8, 8, 1) images.

Shows Conv2D and MaxPooling2D layers, `fit` with `validation_split`, `EarlyStopping(restore_best_weights=True)`,
the learning curves from the History saved as a PNG (when matplotlib is installed), `evaluate` on held-out
images, and the trained weights saved for the examples that judge generated digits (gan_custom_loop.py,
gan_train_step.py, wgan_gp.py).

    python examples/classify_digits_fit.py                 # full mode
    python examples/classify_digits_fit.py --quick         # 5 epochs (what the tests run)
    python examples/classify_digits_fit.py --save digits_classifier.weights.h5 --plot learning_curves.png

Quality bar (full mode): accuracy >= 0.97 on the 359 held-out test images. Quick mode (5 epochs): >= 0.8.
"""
import time

import gradfit as tf  # noqa: F401  (the TensorFlow-style namespace, as a Keras script imports it)
from gradfit import keras

from _common import CLASSIFIER_WEIGHTS, digit_images, exit_code, finish, parser


def build_classifier():
    """Two convolution blocks and a softmax over the 10 digits."""
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, activation="softmax"),
    ], name="digit_classifier")


def train(model, x_train, y_train, epochs, verbose=2):
    """compile + fit, keeping the weights of the epoch with the lowest validation loss."""
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    return model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.2,
                     callbacks=[early_stopping], verbose=verbose)


def plot_learning_curves(history, path):
    """Loss and accuracy per epoch, training and validation, side by side in one PNG."""
    try:
        import matplotlib
    except ImportError:
        print(f"matplotlib is not installed: skipping the learning-curve plot ({path})")
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(history.epoch, history.history[metric], label="training")
        ax.plot(history.epoch, history.history[f"val_{metric}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"learning curves saved to {path}")
    return True


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--epochs", type=int, default=60, help="most epochs (early stopping ends sooner)")
    args_parser.add_argument("--save", default=CLASSIFIER_WEIGHTS, help="where to save the trained weights (.weights.h5)")
    args_parser.add_argument("--plot", default="learning_curves.png", help="where to save the learning curves")
    args = args_parser.parse_args(argv)
    epochs = 5 if args.quick else args.epochs

    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = digit_images()
    model = build_classifier()
    model.summary()
    start = time.perf_counter()
    history = train(model, x_train, y_train, epochs)
    seconds = time.perf_counter() - start
    plot_learning_curves(history, args.plot)
    model.save_weights(args.save)
    print(f"weights saved to {args.save}")

    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    results = {"epochs run": len(history.epoch), "first epoch loss": history.history["loss"][0],
               "last epoch loss": history.history["loss"][-1], "test loss": test_loss,
               "test accuracy": test_accuracy, "training seconds": seconds}
    bar = 0.8 if args.quick else 0.97
    return finish(results, f"test accuracy >= {bar}", test_accuracy >= bar, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

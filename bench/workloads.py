"""The benchmark workloads, shared by bench/training.py (gradfit) and bench/peers_worker.py (Keras):
the same data, the same model and the same training loops, written once against the Keras API and
run with either `import gradfit as tf; from gradfit import keras` or TensorFlow's own modules."""
import numpy as np


def mlp_data(n=2048):
    rng = np.random.default_rng(0)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n).astype(np.int64)


def cnn_data(n=1024):
    rng = np.random.default_rng(1)
    return rng.random((n, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, n).astype(np.int64)


def batches_for(x, y, batch):
    return [(x[i:i + batch], y[i:i + batch]) for i in range(0, len(x) - batch + 1, batch)]


def data_for(kind):
    """(x, y, batch size) of a workload."""
    x, y = mlp_data() if kind == "mlp" else cnn_data()
    return x, y, 32 if kind == "mlp" else 128


def build_model(keras, kind):
    """The MLP 784-128-10, or the Keras mnist_convnet example's CNN."""
    keras.utils.set_random_seed(0)
    L = keras.layers
    if kind == "mlp":
        return keras.Sequential([keras.Input((784,)), L.Dense(128, activation="relu"),
                                 L.Dense(10, activation="softmax")])
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                             L.Dense(10, activation="softmax")])


def keras_runner(tf, keras, kind, style, compile_step=None):
    """A function running `steps` training steps of `kind` in `style`; returns how many it ran.

    Styles: 'fit', 'train_on_batch', 'tape' (an eager GradientTape loop), 'predict_on_batch' (one sample
    per call). `compile_step` wraps the tape step (e.g. with tf.function).
    """
    x, y, batch = data_for(kind)
    batches = batches_for(x, y, batch)
    model = build_model(keras, kind)
    if style in ("fit", "train_on_batch"):
        model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    if style == "fit":
        n = len(batches) * batch

        def run(steps):
            epochs = max(1, steps // len(batches))
            model.fit(x[:n], y[:n], batch_size=batch, epochs=epochs, verbose=0)
            return epochs * len(batches)

        return run
    if style == "train_on_batch":
        def run(steps):
            for i in range(steps):
                model.train_on_batch(*batches[i % len(batches)])
            return steps

        return run
    if style == "predict_on_batch":
        sample = x[:1]

        def run(steps):
            for _ in range(steps):
                model.predict_on_batch(sample)
            return steps

        return run
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam(1e-3)
    tensors = [(tf.constant(a), tf.constant(b)) for a, b in batches]

    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    if compile_step is not None:
        step = compile_step(step)

    def run(steps):
        for i in range(steps):
            step(*tensors[i % len(tensors)])
        return steps

    return run

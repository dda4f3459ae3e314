"""Times Keras (TensorFlow) and PyTorch steps for bench/training.py, in the peers' own environment.

Started by bench/training.py with the Python that has tensorflow and torch installed; reads one JSON
request per line on stdin ({"config": name, "steps": n}) and answers one JSON line on stdout
({"config": name, "seconds_per_step": s}), so the two sides can be measured in alternation.
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from workloads import batches_for, mlp_data, cnn_data  # noqa: E402


def keras_model(kind):
    import keras

    keras.utils.set_random_seed(0)
    L = keras.layers
    if kind == "mlp":
        return keras.Sequential([keras.Input((784,)), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")])
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                             L.Dense(10, activation="softmax")])


def torch_model(kind):
    import torch

    torch.manual_seed(0)
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))


class Runner:
    """Builds each configuration once and keeps it warm between timing requests."""

    def __init__(self):
        self.steps = {}

    def make(self, config):
        framework, kind, style = config.split(":")
        x, y = mlp_data() if kind == "mlp" else cnn_data()
        batch = 32 if kind == "mlp" else 128
        if framework == "keras":
            return self.make_keras(kind, style, x, y, batch)
        return self.make_torch(kind, x, y, batch)

    def make_keras(self, kind, style, x, y, batch):
        import keras
        import tensorflow as tf

        model = keras_model(kind)
        loss_name = "sparse_categorical_crossentropy"
        if style in ("fit", "train_on_batch"):
            model.compile(keras.optimizers.Adam(1e-3), loss_name, metrics=["accuracy"])
        batches = batches_for(x, y, batch)
        if style == "fit":
            n = len(batches) * batch

            def run(steps):
                reps = max(1, steps // len(batches))
                model.fit(x[:n], y[:n], batch_size=batch, epochs=reps, verbose=0)
                return reps * len(batches)

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
        tbatches = [(tf.constant(a), tf.constant(b)) for a, b in batches]

        def step(xb, yb):
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        if style == "tf_function":
            step = tf.function(step)

        def run(steps):
            for i in range(steps):
                step(*tbatches[i % len(tbatches)])
            return steps

        return run

    def make_torch(self, kind, x, y, batch):
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        model = torch_model(kind)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.CrossEntropyLoss()
        if kind == "cnn":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        batches = [(torch.from_numpy(a), torch.from_numpy(b.astype(np.int64))) for a, b in batches_for(x, y, batch)]
        model.train()

        def run(steps):
            for i in range(steps):
                xb, yb = batches[i % len(batches)]
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
            return steps

        return run

    def time(self, config, steps):
        run = self.steps.get(config)
        if run is None:
            run = self.steps[config] = self.make(config)
            run(max(2, steps // 10))  # warm up: graph tracing, allocator, caches
        start = time.perf_counter()
        done = run(steps)
        return (time.perf_counter() - start) / done


def main():
    runner = Runner()
    for line in sys.stdin:
        request = json.loads(line)
        seconds = runner.time(request["config"], request["steps"])
        print(json.dumps({"config": request["config"], "seconds_per_step": seconds}), flush=True)


if __name__ == "__main__":
    main()

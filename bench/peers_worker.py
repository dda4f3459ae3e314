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

from workloads import batches_for, data_for, keras_runner  # noqa: E402


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
        if framework == "keras":
            import keras
            import tensorflow as tf

            if style == "tf_function":
                return keras_runner(tf, keras, kind, "tape", compile_step=tf.function)
            return keras_runner(tf, keras, kind, "tape" if style == "eager" else style)
        x, y, batch = data_for(kind)
        return self.make_torch(kind, x, y, batch)

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

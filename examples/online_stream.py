"""Online learning from a stream with concept drift, with `train_on_batch`, scored prequentially.

Batches arrive one at a time. Each is first used to test the model (`predict_on_batch`: the model has never
seen it), then to train it (`train_on_batch`): prequential, or test-then-train, evaluation (Gama et al.,
2013). The stream is a rotating-hyperplane classification problem in 10 dimensions with 5% label noise:
the concept changes abruptly a third of the way in, then drifts gradually to a third concept over the next
third. A model that stopped learning after the first concept is scored on the same stream for comparison.

    python examples/online_stream.py                       # full mode
    python examples/online_stream.py --quick               # a shorter stream (what the tests run)

Quality bar (full mode, 1500 batches of 32): prequential accuracy over the whole stream >= 0.88 (the label
noise caps it at 0.95); after the abrupt drift, the windowed accuracy is back to 0.85 within 60 batches; the
frozen model's accuracy over the last third is below 0.7. Quick mode (450 batches): whole-stream accuracy
>= 0.8 and the online model beats the frozen one over the last third.
"""
import time

import numpy as np

import gradfit as tf  # noqa: F401  (the TensorFlow-style namespace, as a Keras script imports it)
from gradfit import keras

from _common import exit_code, finish, parser

FEATURES = 10
BATCH_SIZE = 32
LABEL_NOISE = 0.05
WINDOW = 20  # batches in the sliding window of the accuracy timeline


class HyperplaneStream:
    """Batches (x, y) with y = [w . x > 0] (5% of labels flipped). w is the first concept for the first
    third of the stream, jumps to a second concept, and rotates into a third over the second third."""

    def __init__(self, batches, rng):
        self.batches, self.rng = batches, rng
        self.concepts = [self._unit(rng.standard_normal(FEATURES)) for _ in range(3)]
        self.abrupt_drift, self.gradual_end = batches // 3, 2 * batches // 3

    @staticmethod
    def _unit(w):
        return w / np.linalg.norm(w)

    def concept(self, t):
        first, second, third = self.concepts
        if t < self.abrupt_drift:
            return first
        blend = min(1.0, (t - self.abrupt_drift) / (self.gradual_end - self.abrupt_drift))
        return self._unit((1 - blend) * second + blend * third)

    def __iter__(self):
        for t in range(self.batches):
            x = self.rng.uniform(-1.0, 1.0, (BATCH_SIZE, FEATURES)).astype("float32")
            y = (x @ self.concept(t) > 0).astype("float32")
            flip = self.rng.random(BATCH_SIZE) < LABEL_NOISE
            yield x, np.where(flip, 1.0 - y, y)[:, None].astype("float32")


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(FEATURES,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def prequential(stream, model, frozen, learn_frozen_until):
    """Test-then-train over the stream: per batch, the accuracy of `model` (then trained on the batch) and
    of `frozen` (trained only on the first `learn_frozen_until` batches)."""
    online_hits, frozen_hits = [], []
    for t, (x, y) in enumerate(stream):
        online_hits.append(np.mean((model.predict_on_batch(x) > 0.5) == y))
        frozen_hits.append(np.mean((frozen.predict_on_batch(x) > 0.5) == y))
        model.train_on_batch(x, y)
        if t < learn_frozen_until:
            frozen.train_on_batch(x, y)
    return np.array(online_hits), np.array(frozen_hits)


def windowed(hits):
    """The accuracy over the last WINDOW batches, at every batch."""
    sums = np.cumsum(np.concatenate([[0.0], hits]))
    starts = np.maximum(np.arange(1, len(hits) + 1) - WINDOW, 0)
    return (sums[1:] - sums[starts]) / (np.arange(1, len(hits) + 1) - starts)


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--batches", type=int, default=1500, help="length of the stream in batches")
    args = args_parser.parse_args(argv)
    batches = 450 if args.quick else args.batches

    keras.utils.set_random_seed(args.seed)
    stream = HyperplaneStream(batches, np.random.default_rng(args.seed))
    model, frozen = build_model(), build_model()
    frozen.set_weights(model.get_weights())
    start = time.perf_counter()
    online_hits, frozen_hits = prequential(stream, model, frozen, learn_frozen_until=stream.abrupt_drift)
    seconds = time.perf_counter() - start

    online_window, frozen_window = windowed(online_hits), windowed(frozen_hits)
    print(f"{'batch':>6s} {'concept':>18s} {'online accuracy':>16s} {'frozen accuracy':>16s}   "
          f"(over the last {WINDOW} batches)")
    for t in range(batches // 30 - 1, batches, batches // 30):
        phase = "1" if t < stream.abrupt_drift else "2, drifting to 3" if t < stream.gradual_end else "3"
        print(f"{t + 1:6d} {phase:>18s} {online_window[t]:16.3f} {frozen_window[t]:16.3f}")

    after_drift = online_window[stream.abrupt_drift + WINDOW:]
    recovered = int(np.argmax(after_drift >= 0.85)) + WINDOW if (after_drift >= 0.85).any() else batches
    last_third = slice(stream.gradual_end, batches)
    results = {"stream batches": batches, "prequential accuracy, online": float(online_hits.mean()),
               "prequential accuracy, frozen": float(frozen_hits.mean()),
               "last third accuracy, online": float(online_hits[last_third].mean()),
               "last third accuracy, frozen": float(frozen_hits[last_third].mean()),
               "batches to recover from the abrupt drift": recovered, "stream seconds": seconds}
    if args.quick:
        bar = "prequential accuracy >= 0.8 and online > frozen over the last third"
        met = online_hits.mean() >= 0.8 and online_hits[last_third].mean() > frozen_hits[last_third].mean()
    else:
        bar = "prequential accuracy >= 0.88, recovery within 60 batches, frozen < 0.7 over the last third"
        met = online_hits.mean() >= 0.88 and recovered <= 60 and frozen_hits[last_third].mean() < 0.7
    return finish(results, bar, met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

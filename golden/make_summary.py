"""Records the event files TensorFlow's tf.summary and Keras 3's TensorBoard callback write.

Run with the peers' Python (TensorFlow/Keras installed). tf.summary's scalar, histogram, image and text live in
the `tensorboard` package, which that environment may lack; it needs no other package for this:
    /work/peers/bin/pip install --no-deps --target /tmp/tensorboard_package tensorboard==2.21.0
    PYTHONPATH=/tmp/tensorboard_package /work/peers/bin/python golden/make_summary.py
Writes tests/fixtures/summary/summary.npz:
  - `calls` (JSON): scripted tf.summary calls; `returns` (JSON): what each returned; `tf_events`: the bytes of
    the event file they wrote;
  - `x`, `y`, `initial_<k>`: data and initial weights of a small model; `fit_cases` (JSON): TensorBoard
    arguments for fits of it; `<case>_train` and `<case>_validation`: the bytes of the event files Keras wrote
    (`<case>_validation` is empty when Keras wrote none).
"""
import glob
import json
import os
import tempfile

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "summary", "summary.npz")

rng = np.random.default_rng(7)
NORMAL = rng.normal(size=100).round(6).tolist()
GRADIENT = (np.arange(24, dtype="float32").reshape(1, 2, 4, 3) / 23.0).tolist()

# Each call: [function, name, data, data dtype or null, keyword arguments]; `default_step` and `record`
# entries change the writer's state for the calls after them.
CALLS = [
    ["scalar", "loss", 0.5, None, {"step": 0}],
    ["scalar", "loss", 0.25, None, {"step": 1, "description": "The *training* loss."}],
    ["scalar", "count", 3, "int32", {"step": 2}],
    ["scalar", "flag", True, None, {"step": 3}],
    ["scalar", "big_step", 2.0, "float64", {"step": 2 ** 40}],
    ["scalar", "negative_step", -1.5, "float32", {"step": -4}],
    ["histogram", "normal", NORMAL, None, {"step": 0}],
    ["histogram", "normal_float32", NORMAL, "float32", {"step": 1}],
    ["histogram", "five_buckets", NORMAL, None, {"step": 2, "buckets": 5}],
    ["histogram", "one_bucket", [0.0, 1.0, 2.0], None, {"step": 2, "buckets": 1}],
    ["histogram", "constant", [2.5] * 7, None, {"step": 3}],
    ["histogram", "empty", [], "float32", {"step": 4}],
    ["histogram", "no_buckets", [1.0, 2.0, 3.0], None, {"step": 5, "buckets": 0}],
    ["histogram", "matrix", [[1, 2, 2], [3, 3, 3]], "int32", {"step": 6, "description": "integers"}],
    ["text", "greeting", "hello *world*", None, {"step": 0}],
    ["text", "table", [["a", "b"], ["c", "d"]], None, {"step": 1}],
    ["text", "unicode", "h\u00e9llo \u2713", None, {"step": 2, "description": "accents"}],
    ["image", "gradient", GRADIENT, "float32", {"step": 0}],
    ["image", "gray", [[[[0], [128]], [[255], [7]]]], "uint8", {"step": 1, "description": "two by two"}],
    ["default_step", 10],
    ["scalar", "default_step", 0.75, None, {}],
    ["record", False],
    ["scalar", "not_recorded", 1.0, None, {"step": 11}],
    ["record", True],
    ["histogram", "recorded_again", [1.0, 2.0], None, {}],
]

FIT_CASES = {
    "histograms_images_every_2_batches": {"histogram_freq": 1, "write_images": True, "update_freq": 2},
    "update_freq_3": {"update_freq": 3},
    "defaults": {},
}


def make_data(dtype, data):
    return np.asarray(data) if dtype is None else np.asarray(data, dtype=dtype)


def run_calls(logdir):
    writer = tf.summary.create_file_writer(logdir)
    returns = []
    with writer.as_default():
        for call in CALLS:
            if call[0] == "default_step":
                tf.summary.experimental.set_step(call[1])
                continue
            if call[0] == "record":
                context = tf.summary.record_if(call[1])
                context.__enter__()
                continue
            function, name, data, dtype, kwargs = call
            result = getattr(tf.summary, function)(name, make_data(dtype, data), **kwargs)
            returns.append(bool(result.numpy()))
    writer.close()
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    with open(path, "rb") as f:
        return returns, f.read()


def build_model():
    # Named, so the weight paths in the histogram tags do not depend on how many models were built before.
    return keras.Sequential([keras.Input((3,), name="features"),
                             keras.layers.Dense(4, activation="relu", name="hidden"),
                             keras.layers.Dense(1, name="output")], name="regressor")


def run_fit(logdir, x, y, initial, kwargs):
    model = build_model()
    model.set_weights(initial)
    model.compile(keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(logdir, **kwargs)])
    files = {}
    for part in ("train", "validation"):
        paths = glob.glob(os.path.join(logdir, part, "events.out.tfevents.*"))
        assert len(paths) <= 1, paths
        files[part] = open(paths[0], "rb").read() if paths else b""
    return files


def main():
    record = {}
    with tempfile.TemporaryDirectory() as tmp:
        returns, events = run_calls(os.path.join(tmp, "calls"))
        record["calls"] = json.dumps(CALLS)
        record["returns"] = json.dumps(returns)
        record["tf_events"] = np.frombuffer(events, np.uint8)

        data_rng = np.random.default_rng(0)
        x = data_rng.normal(size=(40, 3)).astype("float32")
        y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
        keras.utils.set_random_seed(0)
        initial = build_model().get_weights()
        record.update(x=x, y=y, fit_cases=json.dumps(FIT_CASES))
        record.update({f"initial_{k}": w for k, w in enumerate(initial)})
        for case, kwargs in FIT_CASES.items():
            files = run_fit(os.path.join(tmp, case), x, y, initial, kwargs)
            for part, data in files.items():
                record[f"{case}_{part}"] = np.frombuffer(data, np.uint8)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT, **record)
    print(f"wrote {OUT}: {len(returns)} calls, {len(FIT_CASES)} fits")


if __name__ == "__main__":
    main()

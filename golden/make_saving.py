"""Files saved by real Keras 3 for tests/saving/test_keras_files.py, and the reverse check.

Run with the peers environment (TensorFlow/Keras installed):

    /work/peers/bin/python golden/make_saving.py
        Builds small Keras models (seeded), saves each as tests/fixtures/saving/<case>.keras (some also as
        <case>.weights.h5) and writes <case>.npz with the inputs (x_0, x_1, ...) and Keras's predictions
        (y_0, y_1, ...). The `adam_resume` case also holds the batch of one more training step
        (next_x, next_y) and Keras's weights after that step (after_0, ...) in get_weights() order.

    /work/peers/bin/python golden/make_saving.py --reverse [--gradfit-python python3]
        The other direction: runs tests/saving/export_models.py with gradfit's interpreter, which saves
        gradfit models of the same cases into a temporary directory with their inputs and gradfit's
        predictions; then loads every file into Keras 3 and checks Keras predicts the same (1e-5), and
        that Keras, given the gradfit-saved optimizer state, takes the same next training step.
        `--check DIR` runs only the Keras half on a directory exported earlier.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "saving")
sys.path.insert(0, os.path.join(ROOT, "tests", "saving"))

# The models, written once against the Keras API, shared with gradfit's tests.
from saving_cases import NAMES, WEIGHTS_ONLY, build, cases_for, numbered, predict, recorded_arrays  # noqa: E402


def write_fixtures():
    os.makedirs(OUT, exist_ok=True)
    for name in NAMES:
        model, inputs, rng = build(keras, name)
        model.save(os.path.join(OUT, f"{name}.keras"))
        if name in WEIGHTS_ONLY:
            model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        arrays = recorded_arrays(name, model, inputs, rng)
        np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)
        print(f"{name}: {len(model.weights)} weights, outputs {[y.shape for y in numbered(arrays, 'y')]}")


def check_directory(directory):
    """Load every gradfit-saved `.keras` (and `.weights.h5`) in `directory` into Keras and compare."""
    cases_for(keras)  # registers the custom classes the files name
    failures = 0
    for path in sorted(glob.glob(os.path.join(directory, "*.keras"))):
        name = os.path.basename(path)[:-len(".keras")]
        data = np.load(os.path.join(directory, f"{name}.npz"))
        inputs, expected = numbered(data, "x"), numbered(data, "y")
        try:
            model = keras.saving.load_model(path, safe_mode=name != "lambda_layer")
            ours = predict(model, inputs)
            worst = max(float(np.max(np.abs(a - b))) for a, b in zip(ours, expected))
            assert all(np.allclose(a, b, rtol=1e-5, atol=1e-5) for a, b in zip(ours, expected)), worst
            report = f"predictions match (max difference {worst:.2e})"
            if "next_x" in data.files:
                loss = model.train_on_batch(data["next_x"], data["next_y"])[0]
                after = numbered(data, "after")
                step = max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), after))
                assert step < 1e-5 and abs(loss - float(data["next_loss"])) < 1e-5, (step, loss)
                report += f"; next training step matches (max difference {step:.2e})"
            weights_path = os.path.join(directory, f"{name}.weights.h5")
            if os.path.exists(weights_path):
                fresh = keras.saving.load_model(path, safe_mode=name != "lambda_layer")
                for w in fresh.weights:
                    w.assign(np.zeros(w.shape, w.dtype))
                fresh.load_weights(weights_path)
                again = predict(fresh, inputs)
                assert all(np.allclose(a, b, rtol=1e-5, atol=1e-5) for a, b in zip(again, expected))
                report += "; .weights.h5 loads"
            print(f"ok    {name}: {report}")
        except Exception as error:  # report every case, then fail
            failures += 1
            print(f"FAIL  {name}: {type(error).__name__}: {error}")
    return failures


def reverse(gradfit_python, directory=None):
    with tempfile.TemporaryDirectory() as scratch:
        directory = directory or scratch
        script = os.path.join(ROOT, "tests", "saving", "export_models.py")
        subprocess.run([gradfit_python, script, directory], check=True)
        return check_directory(directory)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reverse", action="store_true", help="export gradfit models and load them in Keras")
    parser.add_argument("--check", metavar="DIR", help="load gradfit-saved files from DIR in Keras")
    parser.add_argument("--gradfit-python", default="python3", help="interpreter with gradfit installed")
    args = parser.parse_args()
    if args.check:
        sys.exit(1 if check_directory(args.check) else 0)
    if args.reverse:
        sys.exit(1 if reverse(args.gradfit_python) else 0)
    write_fixtures()


if __name__ == "__main__":
    main()

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
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "saving")


def data_rng():
    return np.random.default_rng(11)


@keras.saving.register_keras_serializable(package="gradfit_tests")
class ScaledDense(layers.Layer):
    """x @ kernel * scale_var * scale: a custom layer with its own weights and config."""

    def __init__(self, units, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      name="kernel")
        self.scale_var = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        return keras.ops.matmul(x, self.kernel) * self.scale_var * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


@keras.saving.register_keras_serializable(package="gradfit_tests")
class TwoBlocks(keras.Model):
    """A subclassed model: a custom layer, then a list of Dense blocks."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.first = ScaledDense(units)
        self.blocks = [layers.Dense(units, activation="tanh"), layers.Dense(2)]

    def call(self, x):
        x = self.first(x)
        for block in self.blocks:
            x = block(x)
        return x

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def sequential_mlp(rng):
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dropout(0.2),
                              layers.Dense(4, activation="softmax")], name="mlp")
    return model, [rng.standard_normal((5, 8)).astype("float32")]


def functional_multi_io(rng):
    a, b = keras.Input((6,), name="a"), keras.Input((3,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    block = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(5)], name="block")
    joined = layers.Concatenate(name="joined")([shared(layers.Dense(5, name="proj_a")(a)), shared(block(b))])
    score = ScaledDense(1, scale=0.5, name="score")(joined)
    label = layers.Dense(3, activation="softmax", name="label")(layers.Multiply()([shared(layers.Dense(5)(a)),
                                                                               shared(layers.Dense(5)(b))]))
    model = keras.Model([a, b], [score, label], name="two_heads")
    return model, [rng.standard_normal((4, 6)).astype("float32"), rng.standard_normal((4, 3)).astype("float32")]


def cnn(rng):
    model = keras.Sequential([
        keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(6, 3, padding="same"), layers.BatchNormalization(), layers.ReLU(),
        layers.GlobalAveragePooling2D(), layers.Dense(3)], name="cnn")
    return model, [rng.standard_normal((3, 8, 8, 1)).astype("float32")]


def lstm(rng):
    # Sequential: a Functional model records the Embedding's mask as a Keras `NotEqual` op node in its config.
    model = keras.Sequential([keras.Input((7,), dtype="int32"), layers.Embedding(20, 4, mask_zero=True),
                              layers.LSTM(5, return_sequences=True), layers.GRU(3), layers.Dense(2)],
                             name="recurrent")
    tokens = rng.integers(1, 20, (4, 7)).astype("int32")
    tokens[1, 5:] = 0
    tokens[3, 2:] = 0
    return model, [tokens]


def batchnorm_trained(rng):
    model = keras.Sequential([keras.Input((5,)), layers.Dense(6), layers.BatchNormalization(momentum=0.5),
                              layers.Dense(1)], name="bn")
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    x = rng.standard_normal((32, 5)).astype("float32") * 3 + 1
    model.fit(x, rng.standard_normal((32, 1)).astype("float32"), batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model, [rng.standard_normal((6, 5)).astype("float32") * 3 + 1]


def adam_resume(rng):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
                              layers.Dense(3)], name="classifier")
    model.compile(optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = rng.standard_normal((24, 4)).astype("float32")
    model.fit(x, rng.integers(0, 3, 24), batch_size=8, epochs=1, shuffle=False, verbose=0)
    return model, [rng.standard_normal((5, 4)).astype("float32")]


def subclassed(rng):
    model = TwoBlocks(units=4, name="two_blocks")
    model(np.zeros((1, 3), "float32"))
    return model, [rng.standard_normal((3, 3)).astype("float32")]


def lambda_layer(rng):
    model = keras.Sequential([keras.Input((3,)), layers.Lambda(lambda x: x * 2.0 + 1.0), layers.Dense(2)],
                             name="with_lambda")
    return model, [rng.standard_normal((2, 3)).astype("float32")]


def zoo(rng):
    """One model holding every kind of layer with weights or sublayers: its file shows Keras's paths."""
    image, sequence, ids = keras.Input((6, 6, 2)), keras.Input((5, 4)), keras.Input((5,), dtype="int32")
    x = layers.Conv2D(3, 3, padding="same", activation="relu")(image)
    x = layers.SeparableConv2D(3, 3, padding="same")(x)
    x = layers.DepthwiseConv2D(3, padding="same")(x)
    x = layers.Conv2DTranspose(2, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.LayerNormalization()(x)
    x = layers.GroupNormalization(groups=2)(x)
    x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    s = layers.Conv1D(4, 2, padding="same")(sequence)
    s = layers.Conv1DTranspose(4, 2, padding="same")(s)
    s = layers.DepthwiseConv1D(2, padding="same")(s)
    s = layers.SeparableConv1D(4, 2, padding="same")(s)
    s = layers.LSTM(3, return_sequences=True)(s)
    s = layers.GRU(3, return_sequences=True)(s)
    s = layers.SimpleRNN(3, return_sequences=True)(s)
    s = layers.Bidirectional(layers.LSTM(2, return_sequences=True))(s)
    s = layers.TimeDistributed(layers.Dense(3))(s)
    s = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], return_sequences=True)(s)
    s = layers.MultiHeadAttention(num_heads=2, key_dim=2)(s, s)
    s = layers.Attention(use_scale=True)([s, s])
    s = layers.AdditiveAttention()([s, s])
    s = layers.RMSNormalization()(s)
    s = layers.UnitNormalization()(s)
    s = layers.GlobalMaxPooling1D()(s)
    e = layers.Embedding(12, 4)(ids)
    e = layers.Flatten()(e)
    e = layers.Dense(3)(e)
    e = layers.PReLU(alpha_initializer="random_normal")(e)
    normalization = layers.Normalization()
    normalization.adapt(rng.standard_normal((10, 3)).astype("float32") * 2 + 1)
    e = normalization(e)
    out = layers.Dense(2)(layers.Concatenate()([x, s, e]))
    model = keras.Model([image, sequence, ids], out, name="zoo")
    return model, [rng.standard_normal((2, 6, 6, 2)).astype("float32"),
                   rng.standard_normal((2, 5, 4)).astype("float32"), rng.integers(0, 12, (2, 5)).astype("int32")]


CASES = {"sequential_mlp": sequential_mlp, "functional_multi_io": functional_multi_io, "cnn": cnn, "lstm": lstm,
         "batchnorm_trained": batchnorm_trained, "adam_resume": adam_resume, "subclassed": subclassed,
         "lambda_layer": lambda_layer, "zoo": zoo}
WEIGHTS_ONLY = ("sequential_mlp", "cnn", "zoo")


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def write_fixtures():
    os.makedirs(OUT, exist_ok=True)
    for name, builder in CASES.items():
        keras.utils.set_random_seed(1)
        rng = data_rng()
        model, inputs = builder(rng)
        model.save(os.path.join(OUT, f"{name}.keras"))
        if name in WEIGHTS_ONLY:
            model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
        arrays = {f"x_{i}": x for i, x in enumerate(inputs)}
        outputs = as_list(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
        arrays.update({f"y_{i}": y for i, y in enumerate(outputs)})
        if name == "adam_resume":
            arrays["next_x"] = rng.standard_normal((8, 4)).astype("float32")
            arrays["next_y"] = rng.integers(0, 3, 8)
            arrays["next_loss"] = np.float32(model.train_on_batch(arrays["next_x"], arrays["next_y"])[0])
            arrays.update({f"after_{i}": w for i, w in enumerate(model.get_weights())})
        np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **arrays)
        print(f"{name}: {len(model.weights)} weights, outputs {[y.shape for y in outputs]}")


def check_directory(directory):
    """Load every gradfit-saved `.keras` (and `.weights.h5`) in `directory` into Keras and compare."""
    failures = 0
    for path in sorted(glob.glob(os.path.join(directory, "*.keras"))):
        name = os.path.basename(path)[:-len(".keras")]
        data = np.load(os.path.join(directory, f"{name}.npz"))
        inputs, expected = numbered(data, "x"), numbered(data, "y")
        try:
            model = keras.saving.load_model(path, safe_mode=name != "lambda_layer")
            ours = as_list(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
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
                again = as_list(fresh.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
                assert all(np.allclose(a, b, rtol=1e-5, atol=1e-5) for a, b in zip(again, expected))
                report += "; .weights.h5 loads"
            print(f"ok    {name}: {report}")
        except Exception as error:  # report every case, then fail
            failures += 1
            print(f"FAIL  {name}: {type(error).__name__}: {error}")
    return failures


def numbered(data, prefix):
    """data[prefix_0], data[prefix_1], ... in order."""
    keys = [k for k in data.files if k.startswith(prefix + "_") and k[len(prefix) + 1:].isdigit()]
    return [data[k] for k in sorted(keys, key=lambda k: int(k[len(prefix) + 1:]))]


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

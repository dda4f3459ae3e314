"""Convolution, pooling, normalization, recurrent and attention layers against real Keras 3.

Fixtures from golden/make_layers_advanced.py: each layer is built from the same constructor arguments,
must have Keras's weight shapes in get_weights() order, is given Keras's (random) weights with
set_weights, and must reproduce Keras's outputs, output masks, updated moving statistics and the
gradients of sum(outputs * u) with respect to its inputs and trainable weights, to 1e-5.
"""
import glob
import json
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "layers_advanced")
CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "*.npz")))


def load(case):
    data = np.load(os.path.join(FIXTURES, f"{case}.npz"))
    return {k: data[k] for k in data.files}


def numbered(data, prefix):
    return [data[f"{prefix}_{i}"] for i in range(len([k for k in data if k.startswith(prefix + "_")
                                                        and k[len(prefix) + 1:].isdigit()]))]


def close(ours, theirs, what):
    ours = ours.numpy() if isinstance(ours, tf.Tensor) else np.asarray(ours)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5, err_msg=what)


def build(spec):
    kwargs = {}
    for key, value in spec["kwargs"].items():
        if isinstance(value, dict) and "class_name" in value:
            value = build(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [build(v) for v in value]
        kwargs[key] = value
    return getattr(keras.layers, spec["class_name"])(**kwargs)


def flat(outputs):
    result = []
    for o in outputs:
        result.extend(flat(o) if isinstance(o, (list, tuple)) else [o])
    return result


class Case:
    """One recorded case: builds the layer and calls it as the recording did."""

    def __init__(self, name):
        self.data = load(name)
        self.spec = json.loads(str(self.data["spec"]))
        self.layer = build(self.spec["layer"])
        self.inputs = numbered(self.data, "x")
        self.kwargs = dict(self.spec["call"])
        for array_name, count in self.spec["arrays"].items():
            values = [tf.constant(self.data[f"c_{array_name}_{i}"]) for i in range(max(count, 1))]
            self.kwargs[array_name] = values if count else values[0]

    def tensors(self):
        return [tf.constant(x) for x in self.inputs]

    def masked(self, xs):
        """The call's inputs: through Masking(0.0) for masked cases."""
        return [keras.layers.Masking(0.0)(x) for x in xs] if self.spec["masking"] else xs

    def __call__(self, args, training):
        if self.spec["list_input"]:
            out = self.layer(list(args), training=training, **self.kwargs)
        else:
            out = self.layer(*args, training=training, **self.kwargs)
        return flat(list(out) if isinstance(out, (list, tuple)) else [out])


def test_every_family_is_recorded():
    assert len(CASES) >= 70
    for family in ("conv", "pooling", "batch_norm", "lstm", "gru", "bidirectional", "mha", "attention"):
        assert any(family in c for c in CASES), family


@pytest.mark.parametrize("name", CASES)
def test_layer_matches_keras(name):
    case = Case(name)
    data, layer = case.data, case.layer
    case(case.masked(case.tensors()), False)  # builds the weights
    weights = numbered(data, "w")
    assert [tuple(w.shape) for w in layer.get_weights()] == [w.shape for w in weights]
    for mode in case.spec["modes"]:
        layer.set_weights(weights)
        outputs = case(case.masked(case.tensors()), mode == "training")
        expected = numbered(data, f"y_{mode}")
        assert len(outputs) == len(expected)
        for i, (ours, theirs) in enumerate(zip(outputs, expected)):
            assert tuple(ours.shape) == theirs.shape, f"output {i} ({mode})"
            close(ours, theirs, f"output {i} ({mode})")
            if f"mask_{mode}_{i}" in data:
                np.testing.assert_array_equal(ours._keras_mask.numpy(), data[f"mask_{mode}_{i}"])
        for i, (ours, theirs) in enumerate(zip(layer.get_weights(), numbered(data, f"after_{mode}"))):
            close(ours, theirs, f"weight {i} after a call in {mode} mode")


@pytest.mark.parametrize("name", [c for c in CASES if "gx_0" in load(c)])
def test_gradients_match_keras(name):
    case = Case(name)
    data, layer = case.data, case.layer
    case(case.masked(case.tensors()), False)
    layer.set_weights(numbered(data, "w"))
    with tf.GradientTape() as tape:
        xs = case.tensors()
        tape.watch(xs)
        outputs = case(case.masked(xs), case.spec["grad"] == "training")
        loss = tf.add_n([tf.reduce_sum(y * u) for y, u in zip(outputs, numbered(data, "up"))])
    grads = tape.gradient(loss, xs + layer.trainable_weights)
    expected = numbered(data, "gx") + numbered(data, "gw")
    assert len(grads) == len(expected)
    for i, (ours, theirs) in enumerate(zip(grads, expected)):
        what = f"input {i}" if i < len(xs) else f"weight {layer.trainable_weights[i - len(xs)].path}"
        assert ours is not None, what
        close(ours, theirs, f"gradient of {what}")

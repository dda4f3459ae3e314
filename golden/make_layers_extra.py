"""Keras 3's outputs for EinsumDense, SpectralNormalization, GroupQueryAttention and ConvLSTM1D/2D.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_layers_extra.py
Writes tests/fixtures/layers_extra/layers_extra.npz and cases.json: for each case the layer's constructor
arguments, call arguments, inputs, the weights it was given and its outputs (for SpectralNormalization, two
training calls and an inference call, and its `vector_u` afterwards).
"""
import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "layers_extra")

EINSUM = [("ab,bc->ac", 4, None, (3, 5)), ("abc,cd->abd", [None, 6], "d", (2, 3, 5)),
          ("abc,cde->abde", [None, 2, 4], "de", (2, 3, 5)), ("...b,bc->...c", 7, "c", (2, 3, 5)),
          ("abc,cd->abd", [3, 6], "bd", (2, 3, 5)), ("bqm,muh->bquh", [None, 2, 3], "uh", (2, 4, 5)),
          ("bquh,uhm->bqm", [None, 6], "m", (2, 4, 2, 3))]
CONV_LSTM = [("2D", {"filters": 4, "kernel_size": 3, "padding": "same", "return_sequences": True}, (2, 3, 5, 5, 2)),
             ("2D", {"filters": 3, "kernel_size": 3, "strides": 2, "return_state": True}, (2, 3, 6, 6, 2)),
             ("2D", {"filters": 2, "kernel_size": [2, 3], "dilation_rate": 2, "go_backwards": True,
                     "return_sequences": True, "activation": "relu"}, (2, 4, 7, 7, 1)),
             ("1D", {"filters": 3, "kernel_size": 2, "unit_forget_bias": False}, (2, 3, 6, 2))]
GQA = [({}, {}), ({"use_gate": True}, {"use_causal_mask": True}), ({"use_bias": False}, {"return_attention_scores": True}),
       ({}, {"attention_mask": "mask"}), ({"sliding_window": 2}, {})]


def main():
    rng = np.random.default_rng(5)
    arrays, cases = {}, []

    def record(key, layer, inputs, outputs, extra=None):
        arrays.update({f"{key}/x{i}": x for i, x in enumerate(inputs)})
        arrays.update({f"{key}/w{i}": w for i, w in enumerate(layer.get_weights())})
        arrays.update({f"{key}/y{i}": np.asarray(y) for i, y in enumerate(outputs)})
        arrays.update(extra or {})

    for i, (equation, output_shape, bias_axes, shape) in enumerate(EINSUM):
        key = f"einsum{i}"
        layer = keras.layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes, activation="relu")
        x = rng.standard_normal(shape).astype("float32")
        layer(x)
        layer.set_weights([rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()])
        record(key, layer, [x], [layer(x)])
        cases.append({"key": key, "class": "EinsumDense", "kwargs": {"equation": equation, "output_shape": output_shape,
                                                                      "bias_axes": bias_axes, "activation": "relu"}})
    for i, (make, kind) in enumerate([("Dense", (4, 5)), ("Conv2D", (2, 6, 6, 3)), ("Embedding", None)]):
        key = f"spectral{i}"
        inner = {"Dense": lambda: keras.layers.Dense(3), "Conv2D": lambda: keras.layers.Conv2D(2, 3),
                 "Embedding": lambda: keras.layers.Embedding(7, 3)}[make]()
        layer = keras.layers.SpectralNormalization(inner, power_iterations=2)
        x = rng.integers(0, 7, (4, 2)) if kind is None else rng.standard_normal(kind).astype("float32")
        layer(x)
        layer.set_weights([rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()])
        weights = layer.get_weights()
        outputs = [layer(x, training=True), layer(x, training=True), layer(x)]
        record(key, layer, [x], outputs, {f"{key}/u": layer.get_weights()[-1]})
        arrays.update({f"{key}/w{i}": w for i, w in enumerate(weights)})
        cases.append({"key": key, "class": "SpectralNormalization", "inner": make})
    for i, (kwargs, call) in enumerate(GQA):
        key = f"gqa{i}"
        layer = keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, **kwargs)
        q = rng.standard_normal((2, 4, 6)).astype("float32")
        v = rng.standard_normal((2, 5, 6)).astype("float32")
        call = dict(call)
        inputs = [q, v]
        if call.get("attention_mask") == "mask":
            call["attention_mask"] = rng.integers(0, 2, (2, 4, 5)).astype(bool)
            inputs.append(call["attention_mask"])
        layer(q, v, **call)
        layer.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.3 for w in layer.get_weights()])
        out = layer(q, v, **call)
        record(key, layer, inputs, out if isinstance(out, tuple) else [out])
        cases.append({"key": key, "class": "GroupQueryAttention", "kwargs": kwargs,
                      "call": {k: (v if k != "attention_mask" else "mask") for k, v in call.items()}})
    for i, (kind, kwargs, shape) in enumerate(CONV_LSTM):
        key = f"convlstm{i}"
        layer = getattr(keras.layers, "ConvLSTM" + kind)(**kwargs)
        x = rng.standard_normal(shape).astype("float32")
        layer(x)
        layer.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.3 for w in layer.get_weights()])
        out = layer(x)
        record(key, layer, [x], list(out) if isinstance(out, (list, tuple)) else [out])
        cases.append({"key": key, "class": "ConvLSTM" + kind, "kwargs": kwargs})
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, "layers_extra.npz"), **arrays)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()

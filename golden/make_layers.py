"""Record real Keras layers and models for tests/keras/test_layers_golden.py.

Run with the peers environment (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_layers.py
Each case builds a layer (class name and constructor arguments kept as JSON), calls it on fixed inputs,
and saves its weights (`get_weights()` order), inputs, outputs (inference, and training where that is
deterministic), output masks and losses to tests/fixtures/layers/<case>.npz. The models at the end are
saved the same way, with their builders repeated in the test.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "layers")
RNG = np.random.default_rng(7)


def floats(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def ints(high, *shape):
    return RNG.integers(0, high, shape).astype(np.int32)


IMAGES = floats(2, 4, 5, 3)
SEQUENCES = floats(2, 3, 5)
MATRIX = floats(4, 5)
ACTIVATIONS = ["relu", "sigmoid", "softmax", "tanh", "elu", "selu", "gelu", "silu", "swish", "softplus", "softsign",
               "exponential", "hard_sigmoid", "hard_silu", "leaky_relu", "relu6", "linear", "mish", "log_softmax",
               "celu", "glu", "sparse_plus", "squareplus", "soft_shrink", "hard_shrink", "tanh_shrink", "hard_tanh",
               "sparse_sigmoid", "log_sigmoid"]

# (case name, layer class, constructor kwargs, inputs, call kwargs)
CASES = [
    ("dense_relu", "Dense", {"units": 3, "activation": "relu"}, [MATRIX], {}),
    ("dense_no_bias_3d", "Dense", {"units": 4, "use_bias": False, "activation": "tanh"}, [SEQUENCES], {}),
    ("dense_softmax", "Dense", {"units": 6, "activation": "softmax"}, [MATRIX], {}),
    ("dense_regularized", "Dense", {"units": 3, "kernel_regularizer": "l1", "bias_regularizer": "l2",
                                    "activity_regularizer": "l2", "bias_initializer": "ones"}, [MATRIX], {}),
    *[(f"activation_{name}", "Activation", {"activation": name}, [floats(3, 6, scale=2.0)], {})
      for name in ACTIVATIONS],
    # No sparsemax case: Keras's TensorFlow backend sums the cumulative sums over the support (instead of
    # taking the last one), which is wrong whenever more than one value is kept; tested on its own.
    ("dropout", "Dropout", {"rate": 0.5}, [MATRIX], {}),
    ("spatial_dropout1d", "SpatialDropout1D", {"rate": 0.5}, [SEQUENCES], {}),
    ("spatial_dropout2d", "SpatialDropout2D", {"rate": 0.5}, [IMAGES], {}),
    ("gaussian_noise", "GaussianNoise", {"stddev": 0.5}, [MATRIX], {}),
    ("gaussian_dropout", "GaussianDropout", {"rate": 0.3}, [MATRIX], {}),
    ("flatten", "Flatten", {}, [IMAGES], {}),
    ("flatten_channels_first", "Flatten", {"data_format": "channels_first"}, [IMAGES], {}),
    ("reshape", "Reshape", {"target_shape": [5, -1]}, [SEQUENCES], {}),
    ("permute", "Permute", {"dims": [2, 1]}, [SEQUENCES], {}),
    ("permute_3d", "Permute", {"dims": [3, 1, 2]}, [IMAGES], {}),
    ("repeat_vector", "RepeatVector", {"n": 3}, [MATRIX], {}),
    ("add", "Add", {}, [MATRIX, floats(4, 5)], {}),
    ("add_three", "Add", {}, [MATRIX, floats(4, 5), floats(4, 5)], {}),
    ("subtract", "Subtract", {}, [MATRIX, floats(4, 5)], {}),
    ("multiply", "Multiply", {}, [MATRIX, floats(4, 5)], {}),
    ("average", "Average", {}, [MATRIX, floats(4, 5)], {}),
    ("maximum", "Maximum", {}, [MATRIX, floats(4, 5)], {}),
    ("minimum", "Minimum", {}, [MATRIX, floats(4, 5)], {}),
    ("concatenate", "Concatenate", {}, [MATRIX, floats(4, 2)], {}),
    ("concatenate_axis1", "Concatenate", {"axis": 1}, [SEQUENCES, floats(2, 4, 5)], {}),
    ("dot", "Dot", {"axes": 1}, [MATRIX, floats(4, 5)], {}),
    ("dot_normalized", "Dot", {"axes": 1, "normalize": True}, [MATRIX, floats(4, 5)], {}),
    ("dot_3d", "Dot", {"axes": [2, 2]}, [SEQUENCES, floats(2, 4, 5)], {}),
    ("dot_3d_axes_1_2", "Dot", {"axes": [1, 2]}, [SEQUENCES, floats(2, 4, 3)], {}),
    ("relu_layer", "ReLU", {}, [MATRIX], {}),
    ("relu_options", "ReLU", {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2}, [MATRIX], {}),
    ("leaky_relu_default", "LeakyReLU", {}, [MATRIX], {}),
    ("leaky_relu_slope", "LeakyReLU", {"negative_slope": 0.05}, [MATRIX], {}),
    ("prelu", "PReLU", {"alpha_initializer": "random_normal"}, [MATRIX], {}),
    ("prelu_shared", "PReLU", {"alpha_initializer": "random_normal", "shared_axes": [1, 2]}, [IMAGES], {}),
    ("elu_layer", "ELU", {"alpha": 0.5}, [MATRIX], {}),
    ("softmax_layer", "Softmax", {}, [MATRIX], {}),
    ("softmax_axis1", "Softmax", {"axis": 1}, [SEQUENCES], {}),
    ("rescaling", "Rescaling", {"scale": 1 / 255.0, "offset": -0.5}, [floats(3, 4, scale=100.0)], {}),
    ("embedding", "Embedding", {"input_dim": 10, "output_dim": 4}, [ints(10, 3, 5)], {}),
    ("embedding_mask_zero", "Embedding", {"input_dim": 10, "output_dim": 3, "mask_zero": True},
     [np.array([[1, 2, 0, 0], [3, 0, 4, 9]], np.int32)], {}),
    ("zero_padding2d", "ZeroPadding2D", {"padding": [1, 2]}, [IMAGES], {}),
    ("zero_padding2d_asymmetric", "ZeroPadding2D", {"padding": [[1, 0], [2, 3]]}, [IMAGES], {}),
    ("zero_padding2d_channels_first", "ZeroPadding2D", {"padding": 1, "data_format": "channels_first"}, [IMAGES], {}),
    ("cropping2d", "Cropping2D", {"cropping": [[1, 0], [0, 2]]}, [IMAGES], {}),
    ("cropping2d_channels_first", "Cropping2D", {"cropping": 1, "data_format": "channels_first"},
     [floats(2, 3, 4, 5)], {}),
    ("upsampling2d", "UpSampling2D", {"size": [2, 3]}, [IMAGES], {}),
    ("upsampling2d_bilinear", "UpSampling2D", {"size": [2, 3], "interpolation": "bilinear"}, [IMAGES], {}),
    ("upsampling2d_bilinear_channels_first", "UpSampling2D",
     {"size": 2, "interpolation": "bilinear", "data_format": "channels_first"}, [IMAGES], {}),
    ("activity_regularization", "ActivityRegularization", {"l1": 0.1, "l2": 0.2}, [MATRIX], {}),
    ("identity", "Identity", {}, [MATRIX], {}),
    ("masking", "Masking", {"mask_value": 0.0},
     [np.array([[[1, 2], [0, 0], [3, 0]], [[0, 0], [0, 0], [5, 6]]], np.float32)], {}),
    ("normalization_fixed", "Normalization", {"mean": [1.0, 2.0, 3.0, 4.0, 5.0], "variance": [1.0, 4.0, 9.0, 1.0, 0.25]},
     [MATRIX], {}),
    ("normalization_fixed_invert", "Normalization", {"mean": 2.0, "variance": 4.0, "invert": True}, [MATRIX], {}),
]

# The 1-D and 3-D reshaping layers draw from their own generator and come last, so the cases above (and
# the models after them) keep their values.
SPATIAL_RNG = np.random.default_rng(11)
STEPS = (SPATIAL_RNG.standard_normal((2, 6, 3))).astype(np.float32)
VOLUMES = (SPATIAL_RNG.standard_normal((2, 3, 4, 5, 2))).astype(np.float32)
CASES += [
    ("zero_padding1d", "ZeroPadding1D", {"padding": [1, 2]}, [STEPS], {}),
    ("zero_padding1d_channels_first", "ZeroPadding1D", {"padding": 2, "data_format": "channels_first"}, [STEPS],
     {}),
    ("cropping1d", "Cropping1D", {"cropping": [2, 1]}, [STEPS], {}),
    ("cropping1d_int", "Cropping1D", {"cropping": 1}, [STEPS], {}),
    ("upsampling1d", "UpSampling1D", {"size": 3}, [STEPS], {}),
    ("zero_padding3d", "ZeroPadding3D", {"padding": [1, [0, 2], [2, 1]]}, [VOLUMES], {}),
    ("zero_padding3d_channels_first", "ZeroPadding3D", {"padding": 1, "data_format": "channels_first"}, [VOLUMES],
     {}),
    ("cropping3d", "Cropping3D", {"cropping": [[1, 0], [0, 2], 1]}, [VOLUMES], {}),
    ("cropping3d_channels_first", "Cropping3D", {"cropping": [[0, 1], 1, [1, 0]], "data_format": "channels_first"},
     [VOLUMES], {}),
    ("upsampling3d", "UpSampling3D", {"size": [2, 1, 3]}, [VOLUMES], {}),
    ("upsampling3d_channels_first", "UpSampling3D", {"size": 2, "data_format": "channels_first"}, [VOLUMES], {}),
    ("spatial_dropout3d", "SpatialDropout3D", {"rate": 0.5}, [VOLUMES], {}),
    ("spatial_dropout3d_channels_first", "SpatialDropout3D", {"rate": 0.3, "data_format": "channels_first"},
     [VOLUMES], {}),
]


def to_json(value):
    return json.dumps(value)


def save(case, layer_class, kwargs, inputs, call_kwargs, layer, outputs, extra=None):
    arrays = {"spec": np.array(to_json({"class_name": layer_class, "kwargs": kwargs, "call_kwargs": call_kwargs}))}
    arrays.update({f"x_{i}": x for i, x in enumerate(inputs)})
    arrays.update({f"w_{i}": w for i, w in enumerate(layer.get_weights())})
    flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for i, y in enumerate(flat):
        arrays[f"y_{i}"] = np.asarray(y)
        mask = getattr(y, "_keras_mask", None)
        if mask is not None:
            arrays[f"mask_{i}"] = np.asarray(mask)
    losses = [float(loss) for loss in layer.losses]
    if losses:
        arrays["losses"] = np.array(losses, np.float32)
    arrays.update(extra or {})
    np.savez_compressed(os.path.join(OUT, f"{case}.npz"), **arrays)


def record_layers():
    for case, layer_class, kwargs, inputs, call_kwargs in CASES:
        layer = getattr(keras.layers, layer_class)(**kwargs)
        x = inputs if len(inputs) > 1 else inputs[0]
        outputs = layer(x, **call_kwargs)
        save(case, layer_class, kwargs, inputs, call_kwargs, layer, outputs)


def record_normalization_adapt():
    """Normalization adapted in Keras: on an array, per feature and over all values, and on batches."""
    data = floats(64, 5, scale=3.0) + 2.0
    for case, kwargs, source in [("normalization_adapt", {}, data),
                                 ("normalization_adapt_axis_none", {"axis": None}, data),
                                 ("normalization_adapt_batches", {}, [data[:20], data[20:45], data[45:]]),
                                 ("normalization_adapt_axis_1_3d", {"axis": 1}, SEQUENCES * 3 + 1)]:
        layer = keras.layers.Normalization(**kwargs)
        layer.adapt(source)
        sample = source[0] if isinstance(source, list) else source
        outputs = layer(sample[:4])
        save(case, "Normalization", kwargs, [sample[:4]], {}, layer, outputs,
             extra={"adapt_data": np.concatenate(source) if isinstance(source, list) else source,
                    "adapt_in_batches": np.array(isinstance(source, list))})


def build_models(k):
    """The models recorded; tests/keras/test_layers_golden.py builds the same ones with gradfit."""
    k.backend.clear_session()  # so automatic layer names match
    L = k.layers
    mlp = k.Sequential([k.Input((8,)), L.Dense(16, activation="relu"), L.Dropout(0.3), L.Dense(4, activation="softmax")])
    a, b = k.Input((6,), name="a"), k.Input((4,), name="b")
    shared = L.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(L.Dense(5, name="proj_a")(a)), shared(L.Dense(5, name="proj_b")(b))
    two_heads = k.Model([a, b], [L.Dense(1, name="score")(L.Concatenate()([ha, hb])),
                                 L.Dense(3, activation="softmax", name="label")(L.Multiply()([ha, hb]))])
    inner = k.Sequential([L.Dense(6, activation="relu"), L.Dense(3)], name="inner")
    x = k.Input((8,))
    nested = k.Model(x, L.Dense(2)(L.Concatenate()([inner(x), L.Dense(3)(x)])))
    images = k.Input((6, 6, 2))
    y = L.ZeroPadding2D(1)(images)
    y = L.UpSampling2D(interpolation="bilinear")(y)
    y = L.Cropping2D(((1, 1), (2, 0)))(y)
    cnn_like = k.Model(images, L.Dense(3)(L.Flatten()(y)))
    tokens = k.Input((5,), dtype="int32")
    e = L.Embedding(12, 4, mask_zero=True)(tokens)
    text = k.Model(tokens, L.Dense(2)(L.Flatten()(e)))
    return {"mlp": mlp, "two_heads": two_heads, "nested": nested, "cnn_like": cnn_like, "text": text}


MODEL_INPUTS = {"mlp": [floats(5, 8)], "two_heads": [floats(5, 6), floats(5, 4)], "nested": [floats(5, 8)],
                "cnn_like": [floats(3, 6, 6, 2)], "text": [ints(12, 3, 5)]}


def record_models():
    for name, model in build_models(keras).items():
        inputs = MODEL_INPUTS[name]
        weights = [RNG.standard_normal(w.shape).astype(np.float32) * 0.5 for w in model.get_weights()]
        model.set_weights(weights)
        outputs = model(inputs if len(inputs) > 1 else inputs[0])
        arrays = {f"x_{i}": x for i, x in enumerate(inputs)}
        arrays.update({f"w_{i}": w for i, w in enumerate(model.get_weights())})
        flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        arrays.update({f"y_{i}": np.asarray(y) for i, y in enumerate(flat)})
        arrays["layer_names"] = np.array([layer.name for layer in model.layers])
        arrays["weight_names"] = np.array([w.name for w in model.weights])
        np.savez_compressed(os.path.join(OUT, f"model_{name}.npz"), **arrays)
        with open(os.path.join(OUT, f"model_{name}_config.json"), "w") as f:
            json.dump(model.get_config(), f, indent=1)


def build_summary_models(k):
    """Models whose `summary()` text is recorded; the test builds the same ones."""
    k.backend.clear_session()
    L = k.layers
    mlp = k.Sequential([k.Input((784,)), L.Dense(128, activation="relu"), L.Dropout(0.2),
                        L.Dense(10, activation="softmax")], name="mnist_mlp")
    a, b = k.Input((6,), name="features"), k.Input((4,), name="extra_information_input")
    shared = L.Dense(5, name="shared_projection_layer")
    h = L.Concatenate(name="join")([shared(L.Dense(5, name="pa")(a)), shared(L.Dense(5, name="pb")(b))])
    two_heads = k.Model([a, b], [L.Dense(1, name="score")(h), L.Normalization(name="norm")(h)], name="two_heads")
    unbuilt = k.Sequential([L.Dense(4, name="d1"), L.Dense(2, name="d2")], name="unbuilt")
    return [("mlp_88", mlp, {"line_length": 88}), ("two_heads", two_heads, {}),
            ("two_heads_trainable", two_heads, {"show_trainable": True}), ("unbuilt", unbuilt, {}),
            ("mlp_expanded", k.Sequential([mlp, L.Dense(3, name="top")], name="outer"), {"expand_nested": True})]


def record_summaries():
    """Keras's summary text in an 80-column console (what a script or notebook log shows)."""
    os.environ["COLUMNS"] = "80"
    for name, model, options in build_summary_models(keras):
        printed = []
        model.summary(print_fn=printed.append, **options)
        with open(os.path.join(OUT, f"summary_{name}.txt"), "w", encoding="utf-8") as f:
            f.write(printed[0])


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(0)  # the same fixtures on every run
    record_layers()
    record_normalization_adapt()
    record_models()
    record_summaries()
    print(f"wrote {len(os.listdir(OUT))} fixtures to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()

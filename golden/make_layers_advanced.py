"""Record Keras 3's convolution, pooling (1-D, 2-D and 3-D), normalization, recurrent and attention layers for
tests/keras/test_layers_advanced_golden.py.

Run with the peers environment (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_layers_advanced.py
Each case builds a layer from its class name and constructor arguments (kept as JSON; nested layers and
cells as {"class_name", "kwargs"}), gives it random weights, and saves to
tests/fixtures/layers_advanced/<case>.npz:
  spec            the case as JSON
  x_i, c_<name>_i inputs and array call arguments (initial_state, attention_mask, ...)
  w_i             the weights, in get_weights() order
  y_<mode>_i      outputs in inference and (where listed) training mode
  after_<mode>_i  the weights after that call (BatchNormalization's moving statistics)
  up_i, gx_i, gw_i  for gradient cases: fixed random weights u_i and the gradients of sum(y_i * u_i) with
                  respect to the inputs and the trainable weights
Inputs with `masking` go through keras.layers.Masking(0.0) first; their padded steps are all zeros.
"""
import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "layers_advanced")
RNG = np.random.default_rng(2024)


def floats(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def padded(*shape, lengths):
    """(batch, time, features) values whose steps past each row's length are zeros (masked by Masking)."""
    x = floats(*shape)
    for row, length in enumerate(lengths):
        x[row, length:] = 0.0
    return x


def leading(*shape, starts):
    """Like `padded`, but zeros at the start of each row (pre-padding)."""
    x = floats(*shape)
    for row, start in enumerate(starts):
        x[row, :start] = 0.0
    return x


def layer(class_name, **kwargs):
    return {"class_name": class_name, "kwargs": kwargs}


def case(name, spec, inputs, modes=("inference",), grad=None, masking=False, list_input=False, call=None,
         arrays=None):
    """A case: `grad` is the mode ('inference' or 'training') gradients are recorded in, or None."""
    return {"name": name, "layer": spec, "inputs": inputs, "modes": list(modes), "grad": grad, "masking": masking,
            "list_input": list_input, "call": call or {}, "arrays": arrays or {}}


IMAGES = floats(2, 7, 7, 2)
IMAGES4 = floats(2, 6, 6, 4)
IMAGES_CF = floats(2, 2, 7, 6)
STEPS = floats(2, 9, 3)
SEQ = floats(3, 5, 4)
SEQ_MASKED = padded(3, 5, 4, lengths=[5, 3, 1])
SEQ_PREPADDED = leading(3, 5, 4, starts=[0, 2, 4])

CONV = [
    case("conv2d_valid", layer("Conv2D", filters=3, kernel_size=3), [IMAGES], grad="inference"),
    case("conv2d_strided_same_relu", layer("Conv2D", filters=4, kernel_size=[3, 2], strides=2, padding="same",
                                           activation="relu"), [IMAGES], grad="inference"),
    case("conv2d_dilated_same", layer("Conv2D", filters=3, kernel_size=3, dilation_rate=2, padding="same"), [IMAGES],
         grad="inference"),
    case("conv2d_groups", layer("Conv2D", filters=4, kernel_size=3, groups=2), [IMAGES4], grad="inference"),
    case("conv2d_channels_first", layer("Conv2D", filters=3, kernel_size=[2, 3], data_format="channels_first",
                                        use_bias=False), [IMAGES_CF], grad="inference"),
    case("conv1d_causal_dilated", layer("Conv1D", filters=3, kernel_size=3, padding="causal", dilation_rate=2),
         [STEPS], grad="inference"),
    case("conv1d_strided_same", layer("Conv1D", filters=4, kernel_size=2, strides=2, padding="same",
                                      activation="tanh"), [STEPS]),
    case("conv1d_channels_first", layer("Conv1D", filters=2, kernel_size=3, data_format="channels_first"),
         [floats(2, 3, 8)]),
    case("conv2d_transpose_same", layer("Conv2DTranspose", filters=3, kernel_size=3, strides=2, padding="same"),
         [floats(2, 4, 3, 2)], grad="inference"),
    case("conv2d_transpose_output_padding", layer("Conv2DTranspose", filters=2, kernel_size=3, strides=2,
                                                  output_padding=1), [floats(2, 3, 4, 2)]),
    case("conv2d_transpose_channels_first", layer("Conv2DTranspose", filters=2, kernel_size=[2, 3],
                                                  data_format="channels_first"), [floats(2, 3, 4, 4)]),
    case("conv1d_transpose_same", layer("Conv1DTranspose", filters=3, kernel_size=3, strides=2, padding="same"),
         [floats(2, 5, 2)], grad="inference"),
    case("depthwise_conv2d_multiplier", layer("DepthwiseConv2D", kernel_size=3, depth_multiplier=2, padding="same"),
         [IMAGES], grad="inference"),
    case("depthwise_conv2d_channels_first", layer("DepthwiseConv2D", kernel_size=2, strides=2,
                                                  data_format="channels_first"), [IMAGES_CF]),
    case("depthwise_conv1d", layer("DepthwiseConv1D", kernel_size=3, depth_multiplier=2), [STEPS]),
    case("separable_conv2d", layer("SeparableConv2D", filters=4, kernel_size=3, depth_multiplier=2, padding="same"),
         [IMAGES], grad="inference"),
    case("separable_conv1d", layer("SeparableConv1D", filters=3, kernel_size=3, strides=2), [STEPS]),
]

POOLING = [
    case("max_pooling2d", layer("MaxPooling2D"), [IMAGES], grad="inference"),
    case("max_pooling2d_same_strided", layer("MaxPooling2D", pool_size=3, strides=2, padding="same"), [IMAGES]),
    case("average_pooling2d_same", layer("AveragePooling2D", pool_size=3, strides=2, padding="same"), [IMAGES],
         grad="inference"),
    case("average_pooling2d_channels_first", layer("AveragePooling2D", pool_size=2, data_format="channels_first"),
         [IMAGES_CF]),
    case("max_pooling1d_same", layer("MaxPooling1D", pool_size=3, strides=2, padding="same"), [STEPS]),
    case("average_pooling1d_same", layer("AveragePooling1D", pool_size=3, padding="same"), [STEPS],
         grad="inference"),
    case("average_pooling1d_stride1", layer("AveragePooling1D", pool_size=2, strides=1), [STEPS]),
    case("global_average_pooling2d_keepdims", layer("GlobalAveragePooling2D", keepdims=True), [IMAGES]),
    case("global_max_pooling2d", layer("GlobalMaxPooling2D"), [IMAGES], grad="inference"),
    case("global_average_pooling1d_masked", layer("GlobalAveragePooling1D"), [SEQ_MASKED], masking=True,
         grad="inference"),
    case("global_max_pooling1d_channels_first", layer("GlobalMaxPooling1D", data_format="channels_first",
                                                      keepdims=True), [STEPS]),
]

NORMALIZATION = [
    case("batch_norm_dense", layer("BatchNormalization"), [floats(6, 5, scale=2.0)], modes=("inference", "training"),
         grad="training"),
    case("batch_norm_axis1", layer("BatchNormalization", axis=1, momentum=0.9, epsilon=1e-2),
         [floats(4, 3, 5, 5, scale=1.5)], modes=("inference", "training"), grad="training"),
    case("batch_norm_no_center_scale", layer("BatchNormalization", center=False, scale=False), [floats(4, 6, 3)],
         modes=("inference", "training"), grad="inference"),
    case("batch_norm_masked", layer("BatchNormalization"), [SEQ_MASKED], masking=True, modes=("training",),
         grad="training"),
    case("batch_norm_renorm", layer("BatchNormalization", renorm=True, renorm_momentum=0.9,
                                    renorm_clipping={"rmax": 1.5, "rmin": 0.7, "dmax": 0.5}),
         [floats(8, 3, scale=3.0)], modes=("inference", "training"), grad="training"),
    case("layer_norm", layer("LayerNormalization"), [floats(3, 4, 6, scale=2.0)], grad="inference"),
    case("layer_norm_two_axes", layer("LayerNormalization", axis=[1, 2], center=False, epsilon=1e-5),
         [floats(3, 4, 6)], grad="inference"),
    case("layer_norm_axis1", layer("LayerNormalization", axis=1), [floats(3, 4, 6)]),
    case("layer_norm_rms_scaling", layer("LayerNormalization", rms_scaling=True), [floats(3, 6, scale=2.0)]),
    case("group_norm", layer("GroupNormalization", groups=2), [floats(3, 5, 4, scale=2.0)], grad="inference"),
    case("group_norm_instance_axis1", layer("GroupNormalization", groups=-1, axis=1), [floats(2, 4, 3, 3)]),
    case("rms_norm", layer("RMSNormalization"), [floats(3, 4, 6)], grad="inference"),
    case("unit_norm_two_axes", layer("UnitNormalization", axis=[1, 2]), [floats(3, 4, 6)], grad="inference"),
]

RECURRENT = [
    case("simple_rnn", layer("SimpleRNN", units=4), [SEQ], grad="inference"),
    case("simple_rnn_backwards_masked", layer("SimpleRNN", units=3, return_sequences=True, go_backwards=True),
         [SEQ_MASKED], masking=True, grad="inference"),
    case("lstm", layer("LSTM", units=4), [SEQ], grad="inference"),
    case("lstm_sequences_state", layer("LSTM", units=3, return_sequences=True, return_state=True), [SEQ],
         grad="inference"),
    case("lstm_backwards_masked", layer("LSTM", units=3, return_sequences=True, go_backwards=True), [SEQ_MASKED],
         masking=True, grad="inference"),
    case("lstm_prepadded_masked_state", layer("LSTM", units=3, return_state=True), [SEQ_PREPADDED], masking=True,
         grad="inference"),
    case("lstm_custom_activations", layer("LSTM", units=3, activation="relu", recurrent_activation="hard_sigmoid",
                                          unit_forget_bias=False, return_sequences=True), [SEQ], grad="inference"),
    case("lstm_no_bias_initial_state", layer("LSTM", units=3, use_bias=False, return_state=True), [SEQ],
         arrays={"initial_state": [floats(3, 3), floats(3, 3)]}, grad="inference"),
    case("gru", layer("GRU", units=4), [SEQ], grad="inference"),
    case("gru_reset_before", layer("GRU", units=3, reset_after=False, return_sequences=True), [SEQ],
         grad="inference"),
    case("gru_backwards_masked_state", layer("GRU", units=3, return_state=True, go_backwards=True), [SEQ_MASKED],
         masking=True, grad="inference"),
    case("gru_no_bias_sequences", layer("GRU", units=2, use_bias=False, return_sequences=True), [SEQ]),
    case("gru_custom_activation", layer("GRU", units=3, activation="relu"), [SEQ], grad="inference"),
    case("rnn_lstm_cell", layer("RNN", cell=layer("LSTMCell", units=3), return_sequences=True), [SEQ],
         grad="inference"),
    case("rnn_stacked_cells", layer("RNN", cell=[layer("LSTMCell", units=3), layer("GRUCell", units=2)],
                                    return_state=True), [SEQ], grad="inference"),
    case("rnn_simple_cell_masked", layer("RNN", cell=layer("SimpleRNNCell", units=2), return_sequences=True,
                                         zero_output_for_mask=True), [SEQ_MASKED], masking=True),
    case("bidirectional_lstm", layer("Bidirectional", layer=layer("LSTM", units=3, return_sequences=True)), [SEQ],
         grad="inference"),
    case("bidirectional_gru_sum", layer("Bidirectional", layer=layer("GRU", units=2), merge_mode="sum"), [SEQ],
         grad="inference"),
    case("bidirectional_lstm_none", layer("Bidirectional", layer=layer("LSTM", units=2, return_sequences=True),
                                          merge_mode=None), [SEQ]),
    case("bidirectional_simple_rnn_ave_masked",
         layer("Bidirectional", layer=layer("SimpleRNN", units=2, return_sequences=True), merge_mode="ave"),
         [SEQ_MASKED], masking=True, grad="inference"),
    case("bidirectional_lstm_state_mul",
         layer("Bidirectional", layer=layer("LSTM", units=2, return_state=True), merge_mode="mul"), [SEQ]),
    case("time_distributed_dense", layer("TimeDistributed", layer=layer("Dense", units=3)), [SEQ], grad="inference"),
    case("time_distributed_conv2d", layer("TimeDistributed", layer=layer("Conv2D", filters=2, kernel_size=2)),
         [floats(2, 3, 4, 4, 1)]),
]

Q, V = floats(2, 4, 6), floats(2, 5, 7)
ATTENTION = [
    case("mha_self", layer("MultiHeadAttention", num_heads=2, key_dim=3), [SEQ, SEQ], grad="inference"),
    case("mha_cross_mask_scores", layer("MultiHeadAttention", num_heads=2, key_dim=3, value_dim=4, output_shape=5),
         [Q, V], call={"return_attention_scores": True},
         arrays={"attention_mask": RNG.random((2, 4, 5)) > 0.3}, grad="inference"),
    case("mha_causal", layer("MultiHeadAttention", num_heads=3, key_dim=2), [SEQ, SEQ],
         call={"use_causal_mask": True}, grad="inference"),
    case("mha_masked_inputs", layer("MultiHeadAttention", num_heads=2, key_dim=3), [SEQ_MASKED, SEQ_MASKED],
         masking=True, grad="inference"),
    case("mha_masked_inputs_scores", layer("MultiHeadAttention", num_heads=2, key_dim=3), [SEQ_MASKED, SEQ_MASKED],
         masking=True, call={"return_attention_scores": True}),
    case("mha_attention_axes_2d", layer("MultiHeadAttention", num_heads=2, key_dim=2, attention_axes=[1, 2]),
         [floats(2, 3, 4, 5), floats(2, 3, 4, 5)], grad="inference"),
    case("mha_no_bias_key_gate", layer("MultiHeadAttention", num_heads=2, key_dim=3, use_bias=False, use_gate=True),
         [Q, V, floats(2, 5, 3)], grad="inference"),
    case("attention_dot", layer("Attention"), [floats(2, 4, 3), floats(2, 5, 3)], list_input=True,
         grad="inference"),
    case("attention_scaled_masked_causal", layer("Attention", use_scale=True), [SEQ_MASKED, SEQ_MASKED],
         list_input=True, masking=True, call={"use_causal_mask": True, "return_attention_scores": True},
         grad="inference"),
    case("attention_concat_key", layer("Attention", score_mode="concat"),
         [floats(2, 4, 3), floats(2, 5, 3), floats(2, 5, 3)], list_input=True, grad="inference"),
    case("additive_attention_masked", layer("AdditiveAttention"), [SEQ_MASKED, SEQ_MASKED], list_input=True,
         masking=True, grad="inference"),
]

# Volumes draw from their own generator and their cases come last, so the cases above keep their values.
VOLUME_RNG = np.random.default_rng(3)


def volume(*shape):
    return VOLUME_RNG.standard_normal(shape).astype(np.float32)


VOLUME = volume(2, 4, 5, 6, 2)
VOLUME4 = volume(2, 3, 4, 5, 4)
VOLUME_CF = volume(2, 2, 4, 6, 5)
# Small integers: many windows hold their maximum more than once.
VOLUME_TIES = np.round(volume(2, 3, 4, 4, 2)).astype(np.float32)

VOLUMES = [
    case("conv3d_valid", layer("Conv3D", filters=3, kernel_size=2), [VOLUME], grad="inference"),
    case("conv3d_strided_same_relu", layer("Conv3D", filters=4, kernel_size=[3, 2, 3], strides=[2, 1, 2],
                                           padding="same", activation="relu"), [VOLUME], grad="inference"),
    case("conv3d_dilated_same", layer("Conv3D", filters=3, kernel_size=2, dilation_rate=[2, 1, 2], padding="same"),
         [VOLUME], grad="inference"),
    case("conv3d_strided_valid_tanh", layer("Conv3D", filters=2, kernel_size=[1, 3, 2], strides=2,
                                            activation="tanh"), [VOLUME]),
    case("conv3d_groups", layer("Conv3D", filters=6, kernel_size=2, groups=2), [VOLUME4], grad="inference"),
    case("conv3d_channels_first", layer("Conv3D", filters=3, kernel_size=[2, 3, 2], strides=[1, 2, 1],
                                        data_format="channels_first", use_bias=False), [VOLUME_CF], grad="inference"),
    case("max_pooling3d", layer("MaxPooling3D"), [VOLUME], grad="inference"),
    case("max_pooling3d_same_strided", layer("MaxPooling3D", pool_size=3, strides=2, padding="same"), [VOLUME],
         grad="inference"),
    case("max_pooling3d_ties", layer("MaxPooling3D", pool_size=2, strides=1), [VOLUME_TIES], grad="inference"),
    case("max_pooling3d_channels_first", layer("MaxPooling3D", pool_size=[1, 2, 2], strides=[1, 2, 1],
                                               data_format="channels_first"), [VOLUME_CF], grad="inference"),
    case("average_pooling3d_same", layer("AveragePooling3D", pool_size=[3, 2, 3], strides=2, padding="same"),
         [VOLUME], grad="inference"),
    case("average_pooling3d_channels_first", layer("AveragePooling3D", pool_size=2, data_format="channels_first"),
         [VOLUME_CF], grad="inference"),
    case("global_average_pooling3d", layer("GlobalAveragePooling3D"), [VOLUME], grad="inference"),
    case("global_average_pooling3d_channels_first_keepdims",
         layer("GlobalAveragePooling3D", data_format="channels_first", keepdims=True), [VOLUME_CF]),
    case("global_max_pooling3d", layer("GlobalMaxPooling3D"), [VOLUME], grad="inference"),
    case("global_max_pooling3d_channels_first", layer("GlobalMaxPooling3D", data_format="channels_first"),
         [VOLUME_CF], grad="inference"),
]

CASES = CONV + POOLING + NORMALIZATION + RECURRENT + ATTENTION + VOLUMES


def channels_first(spec):
    return spec["kwargs"].get("data_format") == "channels_first"


def to_last(x):
    """channels-first to channels-last: TensorFlow's CPU kernels only run channels-last, so channels-first
    cases are recorded from the same layer run channels-last on transposed tensors."""
    return np.moveaxis(np.asarray(x), 1, -1)


def to_first(x):
    return np.moveaxis(np.asarray(x), -1, 1)


def build(spec):
    """A Keras layer from {"class_name", "kwargs"}, nested layers and cells included."""
    if channels_first(spec):
        spec = {**spec, "kwargs": {**spec["kwargs"], "data_format": "channels_last"}}
    kwargs = {}
    for key, value in spec["kwargs"].items():
        if isinstance(value, dict) and "class_name" in value:
            value = build(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [build(v) for v in value]
        kwargs[key] = value
    return getattr(keras.layers, spec["class_name"])(**kwargs)


def random_weights(layer):
    """Random values for every weight (positive ones for variances and standard deviations)."""
    values = []
    for w in layer.weights:
        name = w.path.split("/")[-1]
        if "variance" in name or "stddev" in name:
            values.append(RNG.uniform(0.5, 1.5, w.shape).astype(np.float32))
        else:
            values.append((RNG.standard_normal(w.shape) * 0.5).astype(np.float32))
    return values


def tensors(c):
    return [tf.constant(to_last(x) if channels_first(c["layer"]) else x) for x in c["inputs"]]


def masked(c, xs):
    """The call's inputs: through Masking(0.0) for masked cases."""
    return [keras.layers.Masking(0.0)(x) for x in xs] if c["masking"] else xs


def call(c, lay, args, training):
    kwargs = dict(c["call"])
    for name, value in c["arrays"].items():
        kwargs[name] = [tf.constant(v) for v in value] if isinstance(value, list) else tf.constant(value)
    if c["list_input"]:
        out = lay(args, training=training, **kwargs)
    else:
        out = lay(*args, training=training, **kwargs)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def flat(outputs):
    result = []
    for o in outputs:
        result.extend(flat(o) if isinstance(o, (list, tuple)) else [o])
    return result


def record(c):
    lay = build(c["layer"])
    call(c, lay, masked(c, tensors(c)), False)
    weights = random_weights(lay)
    lay.set_weights(weights)
    data = {"spec": json.dumps({k: v for k, v in c.items() if k not in ("inputs", "arrays")} | {
        "arrays": {k: (len(v) if isinstance(v, list) else 0) for k, v in c["arrays"].items()}})}
    for i, x in enumerate(c["inputs"]):
        data[f"x_{i}"] = x
    for name, value in c["arrays"].items():
        for i, v in enumerate(value if isinstance(value, list) else [value]):
            data[f"c_{name}_{i}"] = v
    for i, w in enumerate(weights):
        data[f"w_{i}"] = w
    for mode in c["modes"]:
        lay.set_weights(weights)
        outputs = flat(call(c, lay, masked(c, tensors(c)), mode == "training"))
        for i, y in enumerate(outputs):
            data[f"y_{mode}_{i}"] = to_first(y) if channels_first(c["layer"]) else np.asarray(y)
            mask = getattr(y, "_keras_mask", None)
            if mask is not None:
                data[f"mask_{mode}_{i}"] = np.asarray(mask)
        for i, w in enumerate(lay.get_weights()):
            data[f"after_{mode}_{i}"] = w
    if c["grad"]:
        lay.set_weights(weights)
        with tf.GradientTape() as tape:
            xs = tensors(c)
            for x in xs:
                tape.watch(x)
            outputs = flat(call(c, lay, masked(c, xs), c["grad"] == "training"))
            ups = [(RNG.standard_normal(tuple(y.shape))).astype(np.float32) for y in outputs]
            loss = tf.add_n([tf.reduce_sum(y * u) for y, u in zip(outputs, ups)])
        grads = tape.gradient(loss, xs + list(lay.trainable_weights))
        for i, u in enumerate(ups):
            data[f"up_{i}"] = to_first(u) if channels_first(c["layer"]) else u
        for i, g in enumerate(grads[:len(xs)]):
            data[f"gx_{i}"] = to_first(g) if channels_first(c["layer"]) else np.asarray(g)
        for i, g in enumerate(grads[len(xs):]):
            data[f"gw_{i}"] = np.asarray(g)
    np.savez_compressed(os.path.join(OUT, f"{c['name']}.npz"), **data)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for c in CASES:
        record(c)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()

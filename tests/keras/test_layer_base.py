"""The Layer base class, used the way custom-layer code uses it."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.keras import layers


class Linear(layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class RecordsTraining(layers.Layer):
    def call(self, inputs, training=None):
        self.seen = training
        return inputs


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = RecordsTraining()
        self.dense = layers.Dense(3)

    def call(self, inputs):
        return self.dense(self.inner(inputs))


def test_builds_on_first_call_and_tracks_weights():
    keras.backend.clear_session()
    layer = Linear(3)
    assert not layer.built and layer.weights == []
    y = layer(np.ones((2, 5), np.float32))
    assert layer.built and isinstance(y, tf.Tensor) and y.shape == (2, 3)
    assert [w.name for w in layer.weights] == ["w", "b"]
    assert [w.path for w in layer.weights] == ["linear/w", "linear/b"]
    assert layer.trainable_weights == layer.weights and layer.non_trainable_weights == []
    assert isinstance(layer.weights[0], keras.Variable)
    assert layer.count_params() == 5 * 3 + 3


def test_automatic_names_count_up_and_clear_session_resets_them():
    keras.backend.clear_session()
    assert [layers.Dense(2).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert layers.LeakyReLU().name == "leaky_re_lu"
    assert layers.Dense(2, name="head").name == "head"
    keras.backend.clear_session()
    assert layers.Dense(2).name == "dense"


def test_unknown_constructor_argument_is_an_error():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense: {'unitz': 3}"):
        layers.Dense(2, unitz=3)


def test_add_weight_signature_and_options():
    layer = layers.Layer()
    v = layer.add_weight(shape=(2, 3), initializer="ones", trainable=False, name="table",
                         regularizer="l2", constraint="non_neg")
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    assert not v.trainable and v.regularizer is not None and v.constraint is not None
    assert layer.non_trainable_weights == [v]
    positional = layer.add_weight((4,), "zeros", "float64")
    assert positional.dtype == "float64" and positional.shape == (4,)
    counter = layer.add_weight(shape=(), dtype="int32")
    assert counter.dtype == "int32" and int(counter) == 0
    with pytest.raises(ValueError, match="`name` must be passed as a keyword argument"):
        layer.add_weight("kernel", (2, 2))


def test_weights_keep_trainable_first_then_sublayers():
    block = Block()
    block(np.ones((2, 4), np.float32))
    own = block.add_weight(shape=(1,), trainable=False, name="own")
    assert block.weights[0] is own
    assert [w.path for w in block.weights[1:]] == [w.path for w in block.dense.weights]


def test_get_and_set_weights_validate_before_assigning():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    before = layer.get_weights()
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"weight 'dense.*/bias' has shape \(2,\), but the provided weight has "
                                         r"shape \(3,\)"):
        layer.set_weights([np.zeros((3, 2)), np.zeros(3)])
    for old, new in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(old, new)  # nothing was assigned
    layer.set_weights([np.ones((3, 2)), np.full(2, 0.5)])
    np.testing.assert_allclose(layer(np.ones((1, 3), np.float32)).numpy(), [[3.5, 3.5]])


def test_wrong_input_shape_names_layer_and_both_shapes():
    keras.backend.clear_session()
    layers.Dense(8)
    dense = layers.Dense(8)
    dense(np.ones((2, 8), np.float32))
    with pytest.raises(ValueError, match=r"Dense 'dense_1' expected input with last dimension 8, got shape "
                                         r"\(32, 3\)"):
        dense(np.ones((32, 3), np.float32))
    with pytest.raises(ValueError, match=r"Dense 'dense_1' expected input of rank at least 2 .*got shape \(32,\)"):
        dense(np.ones((32,), np.float32))
    with pytest.raises(ValueError, match=r"RepeatVector 'repeat_vector' expected input of rank 2, got shape "
                                         r"\(2, 3, 4\) of rank 3$"):
        layers.RepeatVector(2)(np.ones((2, 3, 4), np.float32))


def test_inputs_are_converted_and_cast_to_the_compute_dtype():
    layer = Linear(2)
    y = layer(np.ones((2, 3), np.float64))
    assert y.dtype == "float32"
    double = Linear(2, dtype="float64")
    assert double(np.ones((2, 3), np.float32)).dtype == "float64" and double.w.dtype == "float64"
    assert double.dtype_policy.name == "float64"
    with pytest.raises(ValueError, match="takes tensors as positional arguments"):
        layer([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="Mixed precision"):
        layers.Dense(2, dtype="mixed_float16")


def test_training_flag_reaches_nested_layers():
    block = Block()
    x = np.ones((1, 4), np.float32)
    block(x, training=True)
    assert block.inner.seen is True
    block(x, training=False)
    assert block.inner.seen is False
    block(x)
    assert block.inner.seen is None
    model = keras.Sequential([block])
    model(x, training=True)
    assert block.inner.seen is True


def test_explicit_inner_training_wins_over_the_outer_call():
    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = RecordsTraining()

        def call(self, inputs, training=None):
            return self.inner(inputs, training=False)

    outer = Outer()
    outer(np.ones((1, 2), np.float32), training=True)
    assert outer.inner.seen is False


def test_freezing_is_recursive_and_excludes_weights_from_training():
    block = Block()
    block(np.ones((1, 4), np.float32))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 2
    assert not block.dense.trainable and not block.dense.kernel.trainable
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(block(np.ones((1, 4), np.float32)))
    assert tape.gradient(y, block.dense.kernel) is None
    block.trainable = True
    assert len(block.trainable_weights) == 2


def test_sublayers_in_lists_and_dicts_are_tracked():
    class Stack(layers.Layer):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(3)]
            self.heads = {"a": layers.Dense(1)}
            self.blocks.append(layers.Dense(2))

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return self.heads["a"](x)

    stack = Stack()
    stack(np.ones((1, 4), np.float32))
    assert len(stack.weights) == 6
    stack.blocks.pop()
    assert len(stack.weights) == 4


def test_losses_from_regularizers_activity_and_add_loss():
    class Penalized(layers.Layer):
        def call(self, inputs):
            self.add_loss(tf.reduce_sum(inputs) * 0.0 + 1.0)
            return inputs

    dense = layers.Dense(2, kernel_initializer="ones", kernel_regularizer=keras.regularizers.L2(0.5),
                         activity_regularizer=keras.regularizers.L1(0.1))
    model = keras.Sequential([Penalized(), dense])
    model(np.ones((4, 3), np.float32))
    values = [float(v) for v in model.losses]
    assert values == pytest.approx([1.0, 0.1 * 4 * 2 * 3 / 4, 0.5 * 6])
    model(np.ones((4, 3), np.float32))
    assert len(model.losses) == 3  # the call's losses are replaced, not accumulated
    with tf.GradientTape() as tape:
        model(np.ones((4, 3), np.float32))
        penalty = tf.add_n(model.losses)
    assert tape.gradient(penalty, dense.kernel) is not None


def test_masks_ride_on_outputs_and_reach_mask_aware_layers():
    class MaskReader(layers.Layer):
        def __init__(self):
            super().__init__()
            self.supports_masking = True

        def call(self, inputs, mask=None):
            self.mask = mask
            return inputs

    reader = MaskReader()
    model = keras.Sequential([layers.Embedding(10, 3, mask_zero=True), reader])
    out = model(np.array([[4, 0, 2]]))
    np.testing.assert_array_equal(reader.mask.numpy(), [[True, False, True]])
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True]])


def test_config_round_trip_including_auto_config():
    dense = layers.Dense(3, activation="relu", kernel_regularizer="l2", name="head")
    clone = layers.Dense.from_config(dense.get_config())
    assert clone.get_config() == dense.get_config()
    linear = Linear(units=7, name="lin")
    config = linear.get_config()
    assert config["units"] == 7 and config["name"] == "lin"
    assert Linear.from_config(config).units == 7


def test_compute_output_shape_and_symbolic_calls():
    x = keras.Input((5,))
    y = Linear(3)(x)
    assert y.shape == (None, 3) and y.dtype == "float32"
    assert layers.Dense(4).compute_output_shape((None, 7)) == (None, 4)
    assert layers.Flatten()(keras.Input((2, 3))).shape == (None, 6)


def test_weights_built_inside_other_layers_carry_their_path_as_in_keras():
    keras.backend.clear_session()
    L = layers
    inputs = keras.Input((4, 3))
    model = keras.Model(inputs, [L.MultiHeadAttention(1, 2)(inputs, inputs), L.Bidirectional(L.GRU(2))(inputs),
                                 L.TimeDistributed(L.Dense(2))(inputs)])
    paths = [v.path for v in model.weights]
    assert paths[:2] == ["multi_head_attention/query/kernel", "multi_head_attention/query/bias"]
    assert paths[8] == "bidirectional/forward_gru/gru_cell/kernel"
    assert paths[11] == "bidirectional/backward_gru/gru_cell/kernel"
    assert paths[-2:] == ["time_distributed/dense/kernel", "time_distributed/dense/bias"]
    assert len(set(paths)) == len(paths)
    stacked = keras.Sequential([keras.Input((4, 3)), L.LSTM(2), L.Dense(1)])
    assert [v.path for v in stacked.weights][:1] == ["sequential/lstm/lstm_cell/kernel"]
    stacked.compile("adam", "mse")
    stacked.optimizer.build(stacked.trainable_variables)
    assert [v.path for v in stacked.optimizer.variables][2] == "adam/sequential_lstm_lstm_cell_kernel_momentum"

"""Recurrent layers, cells and wrappers: options, masking, state, dropout, custom cells and errors.

Values against Keras are in test_layers_advanced_golden.py.
"""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

L = keras.layers
RNG = np.random.default_rng(5)


def seq(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def same_weights(target, source, x):
    """`target` built and given `source`'s weights."""
    for layer in (source, target):
        if not layer.built:
            layer(x)
    target.set_weights(source.get_weights())
    return target


@pytest.mark.parametrize("make, names, shapes", [
    (lambda: L.SimpleRNN(4), ["kernel", "recurrent_kernel", "bias"], [(3, 4), (4, 4), (4,)]),
    (lambda: L.LSTM(4), ["kernel", "recurrent_kernel", "bias"], [(3, 16), (4, 16), (16,)]),
    (lambda: L.GRU(4), ["kernel", "recurrent_kernel", "bias"], [(3, 12), (4, 12), (2, 12)]),
    (lambda: L.GRU(4, reset_after=False), ["kernel", "recurrent_kernel", "bias"], [(3, 12), (4, 12), (12,)]),
    (lambda: L.LSTM(4, use_bias=False), ["kernel", "recurrent_kernel"], [(3, 16), (4, 16)]),
])
def test_weights_follow_keras(make, names, shapes):
    layer = make()
    layer(seq(2, 5, 3))
    assert [w.name for w in layer.weights] == names
    assert [tuple(w.shape) for w in layer.get_weights()] == shapes


def test_lstm_forget_bias_starts_at_one():
    layer = L.LSTM(2)
    layer(seq(1, 3, 2))
    np.testing.assert_array_equal(layer.cell.bias.numpy(), [0, 0, 1, 1, 0, 0, 0, 0])


@pytest.mark.parametrize("layer", [L.SimpleRNN, L.LSTM, L.GRU])
def test_return_sequences_and_state(layer):
    x = seq(2, 5, 3)
    rnn = layer(4, return_sequences=True, return_state=True)
    outputs = rnn(x)
    states = 2 if layer is L.LSTM else 1
    assert len(outputs) == 1 + states
    assert tuple(outputs[0].shape) == (2, 5, 4)
    # The last output is the (first) final state.
    np.testing.assert_allclose(outputs[0].numpy()[:, -1], outputs[1].numpy())
    assert rnn.compute_output_shape((None, 5, 3)) == ((None, 5, 4),) + ((None, 4),) * states


@pytest.mark.parametrize("layer", [L.SimpleRNN, L.LSTM, L.GRU])
def test_masked_steps_keep_the_state_and_repeat_the_output(layer):
    x = seq(2, 6, 3)
    x[1, 3:] = 0.0  # row 1 has three real steps
    rnn = layer(4, return_sequences=True, return_state=True)
    outputs = rnn(L.Masking(0.0)(x))
    sequence, state = outputs[0].numpy(), outputs[1].numpy()
    alone = same_weights(layer(4, return_sequences=True, return_state=True), rnn, x)(x[1:2, :3])
    np.testing.assert_allclose(state[1], alone[1].numpy()[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sequence[1, :3], alone[0].numpy()[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sequence[1, 3:], np.repeat(sequence[1, 2:3], 3, axis=0))
    assert outputs[0]._keras_mask.numpy().tolist() == [[True] * 6, [True] * 3 + [False] * 3]


def test_embedding_mask_flows_into_lstm():
    tokens = np.array([[4, 2, 7, 0, 0], [3, 1, 0, 0, 0]])
    keras.utils.set_random_seed(2)
    embed, lstm = L.Embedding(10, 3, mask_zero=True), L.LSTM(2)
    padded = lstm(embed(tokens)).numpy()
    trimmed = lstm(embed(tokens[:1, :3])).numpy()
    np.testing.assert_allclose(padded[:1], trimmed, rtol=1e-5, atol=1e-6)


def test_go_backwards_reads_the_sequence_from_its_end():
    x = seq(2, 5, 3)
    backwards = L.GRU(3, go_backwards=True, return_sequences=True)
    y = backwards(x).numpy()
    forwards = same_weights(L.GRU(3, return_sequences=True), backwards, x)
    np.testing.assert_allclose(y, forwards(x[:, ::-1]).numpy(), rtol=1e-5, atol=1e-6)


def test_initial_state_is_used_and_checked():
    x = seq(2, 4, 3)
    lstm = L.LSTM(3, return_state=True, name="encoder")
    _, h, c = lstm(x)
    # Continuing from the final state equals running over the concatenated sequence.
    x2 = seq(2, 4, 3)
    continued = lstm(x2, initial_state=[h, c])[0].numpy()
    np.testing.assert_allclose(continued, lstm(np.concatenate([x, x2], axis=1))[0].numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"LSTM 'encoder' expected initial_state of 2 tensor\(s\) with shapes "
                                         r"\[\(2, 3\), \(2, 3\)\], got shapes \[\(2, 3\)\]"):
        lstm(x, initial_state=[h])


def test_stateful_layer_carries_state_between_calls_until_reset():
    x = seq(2, 6, 3)
    stateful = L.LSTM(3, stateful=True)
    first = stateful(x[:, :3]).numpy()
    second = stateful(x[:, 3:]).numpy()
    whole = same_weights(L.LSTM(3), stateful, x)
    np.testing.assert_allclose(second, whole(x).numpy(), rtol=1e-5, atol=1e-6)
    stateful.reset_state()
    np.testing.assert_allclose(stateful(x[:, :3]).numpy(), first, rtol=1e-6)
    assert len(stateful.weights) == 3  # states are not weights
    with pytest.raises(ValueError, match="batch size"):
        stateful(seq(3, 6, 3))


def test_dropout_acts_only_in_training():
    x = seq(4, 6, 3)
    plain = L.LSTM(5)
    noisy = same_weights(L.LSTM(5, dropout=0.5, recurrent_dropout=0.5, seed=1), plain, x)
    np.testing.assert_allclose(noisy(x).numpy(), plain(x).numpy(), rtol=1e-6)
    assert not np.allclose(noisy(x, training=True).numpy(), plain(x).numpy())
    assert not np.allclose(noisy(x, training=True).numpy(), noisy(x, training=True).numpy())


def test_input_dropout_mask_is_shared_by_all_steps():
    x = np.ones((1, 4, 50), dtype=np.float32)
    cell = L.SimpleRNNCell(2, dropout=0.5, activation=None, recurrent_initializer="zeros", use_bias=False)
    rnn = L.RNN(cell, return_sequences=True)
    rnn(x)
    cell.kernel.assign(np.eye(50, 2, dtype=np.float32))
    cell.recurrent_kernel.assign(np.zeros((2, 2), np.float32))
    y = rnn(x, training=True).numpy()[0]
    # Each step sees the same dropped units: identical outputs at every step.
    np.testing.assert_array_equal(y, np.repeat(y[:1], 4, axis=0))


@pytest.mark.parametrize("layer, kwargs", [(L.LSTM, {}), (L.GRU, {}), (L.GRU, {"reset_after": False})])
def test_fused_gates_match_the_same_math_written_op_by_op(layer, kwargs):
    x = tf.constant(seq(3, 5, 4))
    fused = layer(3, return_sequences=True, **kwargs)
    # An activation that is not keras.activations.tanh itself takes the op-by-op path.
    plain = layer(3, return_sequences=True, activation=lambda v: keras.activations.tanh(v), **kwargs)
    same_weights(plain, fused, x)

    def gradients(rnn):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = rnn(x)
            loss = tf.reduce_sum(y * y)
        return [y.numpy()] + [g.numpy() for g in tape.gradient(loss, [x] + rnn.trainable_weights)]

    for a, b in zip(gradients(fused), gradients(plain)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_second_order_gradients_through_lstm():
    x = tf.constant(seq(2, 4, 3))
    fused = L.LSTM(2)
    plain = same_weights(L.LSTM(2, activation=lambda v: keras.activations.tanh(v)), fused, x)

    def hessian_vector(rnn):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                loss = tf.reduce_sum(tf.square(rnn(x)))
            g = inner.gradient(loss, x)
            penalty = tf.reduce_sum(g * g)
        return outer.gradient(penalty, x).numpy()

    np.testing.assert_allclose(hessian_vector(fused), hessian_vector(plain), rtol=1e-4, atol=1e-6)


class MinimalRNNCell(keras.layers.Layer):
    """The custom cell of Keras's RNN documentation."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev_output = states[0]
        output = tf.matmul(inputs, self.kernel) + tf.matmul(prev_output, self.recurrent_kernel)
        return output, [output]


def test_custom_cell_runs_in_rnn_and_matches_simple_rnn():
    x = seq(2, 5, 3)
    custom = L.RNN(MinimalRNNCell(4), return_sequences=True)
    y = custom(x).numpy()
    simple = L.SimpleRNN(4, activation=None, use_bias=False, return_sequences=True)
    same_weights(simple, custom, x)
    np.testing.assert_allclose(y, simple(x).numpy(), rtol=1e-5, atol=1e-6)


def test_stacked_cells_equal_stacked_layers():
    x = seq(2, 5, 3)
    stacked = L.RNN([L.LSTMCell(4), L.GRUCell(2)], return_state=True)
    output, (h, c), (g,) = stacked(x)
    first, second = L.RNN(L.LSTMCell(4), return_sequences=True), L.GRU(2)
    first(x)
    second(first(x))
    first.set_weights(stacked.get_weights()[:3])
    second.set_weights(stacked.get_weights()[3:])
    np.testing.assert_allclose(output.numpy(), second(first(x)).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g.numpy(), output.numpy())


def test_cells_step_by_step():
    x = seq(2, 3)
    cell = L.LSTMCell(4)
    h, (h2, c) = cell(x, [np.zeros((2, 4), np.float32), np.zeros((2, 4), np.float32)])
    assert tuple(h.shape) == (2, 4) and h2 is h
    output, state = L.GRUCell(4)(x, np.zeros((2, 4), np.float32))
    assert tuple(state.shape) == (2, 4)


def test_bidirectional_runs_a_backward_copy_and_merges():
    x = seq(2, 5, 3)
    bi = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi")
    y = bi(x).numpy()
    assert bi.weights[:3] == bi.forward_layer.weights and bi.weights[3:] == bi.backward_layer.weights
    assert bi.forward_layer.go_backwards is False and bi.backward_layer.go_backwards is True
    assert bi.forward_layer.name.startswith("forward_") and bi.backward_layer.name.startswith("backward_")
    weights = bi.get_weights()
    assert [w.shape for w in weights] == [(3, 12), (3, 12), (12,)] * 2
    forward = same_weights(L.LSTM(3, return_sequences=True), bi.forward_layer, x)
    backward = same_weights(L.LSTM(3, return_sequences=True, go_backwards=True), bi.backward_layer, x)
    expected = np.concatenate([forward(x).numpy(), backward(x).numpy()[:, ::-1]], axis=-1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    assert bi.compute_output_shape((None, 5, 3)) == (None, 5, 6)


def test_bidirectional_states_and_merge_modes():
    x = seq(2, 5, 3)
    outputs = L.Bidirectional(L.LSTM(3, return_state=True), merge_mode="sum")(x)
    assert len(outputs) == 5 and tuple(outputs[0].shape) == (2, 3)
    pair = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode=None)(x)
    assert isinstance(pair, (list, tuple)) and len(pair) == 2
    with pytest.raises(ValueError, match="merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")


def test_time_distributed_applies_the_layer_to_every_step():
    x = seq(2, 4, 3)
    td = L.TimeDistributed(L.Dense(5))
    y = td(x).numpy()
    kernel, bias = td.get_weights()
    np.testing.assert_allclose(y, x @ kernel + bias, rtol=1e-5, atol=1e-6)
    assert [w.shape for w in td.get_weights()] == [(3, 5), (5,)]
    assert td.compute_output_shape((None, 4, 3)) == (None, 4, 5)


def test_functional_sequence_model_trains():
    keras.utils.set_random_seed(3)
    tokens = RNG.integers(1, 12, (64, 6))
    tokens[::2, 4:] = 0
    labels = (tokens[:, 0] > 6).astype(np.float32)[:, None]
    inputs = keras.Input((None,), dtype="int32")
    h = L.Embedding(12, 8, mask_zero=True)(inputs)
    h = L.Bidirectional(L.GRU(8))(h)
    model = keras.Model(inputs, L.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy")
    history = model.fit(tokens, labels, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_wrong_rank_and_features_name_the_layer_and_shapes():
    lstm = L.LSTM(3, name="encoder")
    with pytest.raises(ValueError, match=r"LSTM 'encoder' expected input of rank 3.*\(2, 5\)"):
        lstm(seq(2, 5))
    lstm(seq(2, 5, 4))
    with pytest.raises(ValueError, match=r"LSTM 'encoder' expected input with last dimension 4, got shape "
                                         r"\(2, 5, 6\)"):
        lstm(seq(2, 5, 6))


@pytest.mark.parametrize("make, message", [
    (lambda: L.LSTM(0), "units"),
    (lambda: L.GRU(3, use_cudnn=True), "cuDNN"),
    (lambda: L.LSTM(3, use_cudnn="maybe"), "use_cudnn"),
    (lambda: L.RNN(object()), "call"),
    (lambda: L.Bidirectional(L.LSTM(2, go_backwards=True)), "go_backwards"),
    (lambda: L.TimeDistributed("dense"), "Layer"),
])
def test_invalid_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("layer", [
    L.LSTM(3, return_sequences=True, go_backwards=True, dropout=0.1, recurrent_activation="hard_sigmoid"),
    L.GRU(2, reset_after=False, return_state=True, kernel_regularizer="l2"),
    L.SimpleRNN(4, activation="relu", stateful=True, seed=3),
    L.RNN(L.LSTMCell(3), return_sequences=True, zero_output_for_mask=True),
    L.RNN([L.SimpleRNNCell(2), L.GRUCell(3)]),
    L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="ave"),
    L.TimeDistributed(L.Dense(3, activation="relu")),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    x = seq(2, 4, 3)
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(clone) is type(layer)
    assert [tuple(t.shape) for t in tf.nest.flatten(clone(x))] == [tuple(t.shape) for t in tf.nest.flatten(layer(x))]


def test_subclassed_builtin_cell_keeps_its_own_call():
    class DoubledLSTMCell(L.LSTMCell):
        def call(self, inputs, states, training=False):
            output, new_states = super().call(inputs, states, training=training)
            return output * 2.0, new_states

    x = seq(2, 3, 4)
    doubled = L.RNN(DoubledLSTMCell(3))
    plain = same_weights(L.RNN(L.LSTMCell(3)), doubled, x)
    np.testing.assert_allclose(doubled(x).numpy(), 2.0 * plain(x).numpy(), rtol=1e-5)

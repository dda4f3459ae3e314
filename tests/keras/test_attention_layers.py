"""MultiHeadAttention, Attention and AdditiveAttention: weights, masks, causality, dropout and errors.

Values against Keras are in test_layers_advanced_golden.py.
"""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

L = keras.layers
RNG = np.random.default_rng(11)


def seq(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_wrong_feature_size_names_the_layer_and_shape():
    mha = L.MultiHeadAttention(2, 3, name="attend")
    mha(seq(2, 4, 6), seq(2, 5, 6))
    with pytest.raises(ValueError, match=r"MultiHeadAttention 'attend' expected value with last dimension 6, got "
                                         r"shape \(2, 5, 7\)"):
        mha(seq(2, 4, 6), seq(2, 5, 7))


def test_multi_head_attention_weights_follow_keras():
    mha = L.MultiHeadAttention(num_heads=4, key_dim=3, value_dim=5)
    y = mha(seq(2, 6, 8), seq(2, 7, 10))
    assert tuple(y.shape) == (2, 6, 8)
    assert [w.path for w in mha.weights] == [f"{mha.name}/{p}" for p in (
        "query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias", "attention_output/kernel",
        "attention_output/bias")]  # built inside the attention layer's build: its name leads, as in Keras
    assert [tuple(w.shape) for w in mha.get_weights()] == [(8, 4, 3), (4, 3), (10, 4, 3), (4, 3), (10, 4, 5), (4, 5),
                                                           (4, 5, 8), (8,)]
    assert mha.count_params() == sum(w.size for w in mha.get_weights())


def test_attention_scores_are_probabilities_over_the_keys():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=4, output_shape=3)
    y, scores = mha(seq(2, 5, 6), seq(2, 7, 6), return_attention_scores=True)
    assert tuple(y.shape) == (2, 5, 3) and tuple(scores.shape) == (2, 2, 5, 7)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-5)


def test_causal_mask_keeps_outputs_independent_of_later_steps():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    x = seq(1, 6, 4)
    y = mha(x, x, use_causal_mask=True).numpy()
    changed = x.copy()
    changed[:, 4:] += 3.0
    np.testing.assert_allclose(mha(changed, changed, use_causal_mask=True).numpy()[:, :4], y[:, :4], rtol=1e-5,
                               atol=1e-6)
    _, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(scores.numpy()[0, 0], k=1) == 0)


def test_attention_mask_removes_keys():
    mha = L.MultiHeadAttention(num_heads=1, key_dim=2)
    query, value = seq(1, 3, 4), seq(1, 5, 4)
    mask = np.array([[[True, True, False, True, False]] * 3])
    _, scores = mha(query, value, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_array_equal(scores.numpy()[0, 0][:, [2, 4]], 0.0)
    # Masked keys have no influence on the output.
    other = value.copy()
    other[:, [2, 4]] = 100.0
    np.testing.assert_allclose(mha(query, other, attention_mask=mask).numpy(), mha(query, value,
                                                                               attention_mask=mask).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_padding_masks_of_embeddings_are_used():
    tokens = np.array([[5, 2, 9, 0, 0]])
    embed = L.Embedding(12, 4, mask_zero=True)
    mha = L.MultiHeadAttention(num_heads=2, key_dim=2)
    x = embed(tokens)
    y = mha(x, x)
    trimmed = mha(embed(tokens[:, :3]), embed(tokens[:, :3]))
    np.testing.assert_allclose(y.numpy()[:, :3], trimmed.numpy(), rtol=1e-5, atol=1e-6)
    assert y._keras_mask.numpy().tolist() == [[True, True, True, False, False]]


def test_dropout_acts_only_in_training():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=0)
    x = seq(2, 4, 6)
    np.testing.assert_allclose(mha(x, x).numpy(), mha(x, x, training=False).numpy())
    assert not np.allclose(mha(x, x, training=True).numpy(), mha(x, x).numpy())


def test_attention_over_two_axes():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
    x = seq(2, 3, 4, 5)
    y, scores = mha(x, x, return_attention_scores=True)
    assert tuple(y.shape) == (2, 3, 4, 5) and tuple(scores.shape) == (2, 2, 3, 4, 3, 4)
    np.testing.assert_allclose(scores.numpy().sum(axis=(-2, -1)), 1.0, rtol=1e-5)


def test_gradients_reach_every_weight_and_input():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)
    q, v = tf.constant(seq(2, 4, 5)), tf.constant(seq(2, 6, 5))
    with tf.GradientTape() as tape:
        tape.watch([q, v])
        loss = tf.reduce_sum(tf.square(mha(q, v)))
    grads = tape.gradient(loss, [q, v] + mha.trainable_weights)
    assert len(grads) == 2 + 10 and all(g is not None and np.any(g.numpy() != 0) for g in grads)


def test_functional_transformer_block_trains():
    keras.utils.set_random_seed(4)
    x = seq(32, 6, 8)
    y = x.mean(axis=1)
    inputs = keras.Input((6, 8))
    h = L.LayerNormalization()(inputs + L.MultiHeadAttention(2, 4)(inputs, inputs))
    outputs = L.Dense(8)(L.GlobalAveragePooling1D()(h))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_dot_and_additive_attention():
    query, value = seq(2, 3, 4), seq(2, 5, 4)
    out, weights = L.Attention()([query, value], return_attention_scores=True)
    scores = query @ value.transpose(0, 2, 1)
    expected = np.exp(scores - scores.max(-1, keepdims=True))
    expected /= expected.sum(-1, keepdims=True)
    np.testing.assert_allclose(weights.numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(out.numpy(), expected @ value, rtol=1e-5, atol=1e-6)
    additive = L.AdditiveAttention()
    assert tuple(additive([query, value]).shape) == (2, 3, 4)
    assert [tuple(w.shape) for w in additive.get_weights()] == [(4,)]


def test_attention_masks_values_and_zeroes_masked_queries():
    query, value = seq(1, 3, 2), seq(1, 4, 2)
    out, weights = L.Attention()([query, value], mask=[np.array([[True, True, False]]),
                                                        np.array([[True, False, True, True]])],
                                 return_attention_scores=True)
    np.testing.assert_allclose(weights.numpy()[0, :, 1], 0.0, atol=1e-7)
    np.testing.assert_array_equal(out.numpy()[0, 2], 0.0)


@pytest.mark.parametrize("call, message", [
    (lambda: L.MultiHeadAttention(2, 3, name="mha")(seq(2, 4, 5), seq(2, 6, 5), seq(2, 7, 5)),
     "MultiHeadAttention 'mha'.*value.*key"),
    (lambda: L.MultiHeadAttention(0, 3), "num_heads"),
    (lambda: L.MultiHeadAttention(2, 3, flash_attention=True), "flash attention"),
    (lambda: L.Attention(score_mode="cosine"), "score_mode"),
    (lambda: L.Attention(name="att")(seq(2, 3, 4)), "Attention 'att' must be called on a list"),
])
def test_errors_are_clear(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("layer", [
    L.MultiHeadAttention(4, 8, value_dim=6, dropout=0.1, output_shape=(5,), attention_axes=(1,), use_bias=False,
                         kernel_initializer="he_normal", use_gate=True, seed=3),
    L.Attention(use_scale=True, score_mode="concat", dropout=0.2),
    L.AdditiveAttention(use_scale=False),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_multi_head_attention_on_a_masked_input_warns_nothing():
    import warnings

    inputs = keras.Input((5,), dtype="int32")
    embedded = L.Embedding(10, 4, mask_zero=True)(inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = keras.Model(inputs, L.MultiHeadAttention(2, 2)(embedded, embedded))
        assert model(np.array([[1, 2, 0, 0, 3]])).shape == (1, 5, 4)

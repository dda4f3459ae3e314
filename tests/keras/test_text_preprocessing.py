"""Text and categorical preprocessing: string tensors, tf.strings, TextVectorization, StringLookup,
IntegerLookup, CategoryEncoding, Hashing and Discretization. Expected values were recorded by running the same
calls in TensorFlow 2.21 / Keras 3.15."""
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.strings import fingerprint64, siphash24

L = keras.layers
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "text")


# ------------------------------------------------------------------------------------ string tensors
def test_string_tensors_hold_bytes_as_tensorflow_does():
    t = tf.constant(["a", "bc"])
    assert t.dtype == tf.string and t.shape == (2,)
    assert t.numpy().tolist() == [b"a", b"bc"]
    assert repr(tf.constant("abc")) == "<tf.Tensor: shape=(), dtype=string, numpy=b'abc'>"
    assert tf.constant(["x"], dtype=tf.string).numpy().tolist() == [b"x"]
    assert (tf.constant(["a", "b"]) == tf.constant(["a", "c"])).numpy().tolist() == [True, False]
    batches = list(tf.data.Dataset.from_tensor_slices(["x", "y", "z"]).batch(2))
    assert [b.numpy().tolist() for b in batches] == [[b"x", b"y"], [b"z"]]


def test_fingerprint_and_hash_buckets_equal_tensorflows():
    assert tf.fingerprint(tf.constant(["a", "bc"])).numpy().tolist() == [
        [227, 117, 223, 182, 101, 66, 69, 179], [119, 129, 82, 223, 68, 160, 90, 83]]
    assert tf.fingerprint(tf.constant([[1, 2], [3, 4]], dtype=tf.int32)).numpy().tolist() == [
        [76, 18, 253, 133, 168, 204, 240, 10], [254, 162, 60, 240, 103, 244, 53, 255]]
    assert tf.strings.to_hash_bucket_fast(["a", "b", "hello", ""], 1000).numpy().tolist() == [939, 822, 296, 263]
    # Every length branch of the fingerprint (0-16, 17-32, 33-64 and the 64-byte loop), against TensorFlow.
    text = bytes(range(256)) * 2
    assert [fingerprint64(text[:n]) % 1000003 for n in (0, 3, 7, 16, 17, 32, 33, 64, 65, 128, 200, 512)] == [
        FINGERPRINTS[n] for n in (0, 3, 7, 16, 17, 32, 33, 64, 65, 128, 200, 512)]
    assert siphash24(133, 137, b"hello") % 1000003 == 73327


FINGERPRINTS = {0: 377723, 3: 28779, 7: 787455, 16: 898433, 17: 288136, 32: 700527, 33: 885231, 64: 849313,
                65: 559327, 128: 105633, 200: 568369, 512: 763802}


def test_tf_strings_functions():
    x = tf.constant(["Hello World!", "  ÄbC  ", "a-b,c."])
    assert tf.strings.lower(x).numpy().tolist() == [b"hello world!", "  Äbc  ".encode(), b"a-b,c."]
    assert tf.strings.lower(x, encoding="utf-8").numpy().tolist()[1] == "  äbc  ".encode()
    assert tf.strings.length(x).numpy().tolist() == [12, 8, 6]
    assert tf.strings.length(x, unit="UTF8_CHAR").numpy().tolist() == [12, 7, 6]
    assert tf.strings.regex_replace(x, r"[!,.\-]", "").numpy().tolist()[2] == b"abc"
    assert tf.strings.substr(x, -3, 2).numpy().tolist() == [b"ld", b"C ", b",c"]
    assert tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1).numpy().tolist() == [b"ab", b"cd"]
    assert tf.strings.to_number(["7", "-2"], out_type=tf.int32).numpy().tolist() == [7, -2]
    assert tf.strings.as_string([1.5, 2.25]).numpy().tolist() == [b"1.500000", b"2.250000"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not correctly convert string: x"):
        tf.strings.to_number(["x"])


# ----------------------------------------------------------------------------------------- lookups
def test_string_lookup_adapts_and_looks_up_like_keras():
    lookup = L.StringLookup()
    lookup.adapt(["a", "b", "b", "c", "c", "c"])
    assert lookup.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    out = lookup(["c", "a", "z"])
    assert out.numpy().tolist() == [1, 3, 0] and out.dtype == "int64"
    two_oov = L.StringLookup(vocabulary=["a", "b"], mask_token="", num_oov_indices=2)
    assert two_oov.get_vocabulary() == ["", "[UNK]", "[UNK]", "a", "b"]
    assert two_oov(["", "a", "q", "r"]).numpy().tolist() == [0, 3, 2, 2]
    assert L.StringLookup(vocabulary=["a"], num_oov_indices=3)(["q", "r", "s", "t", "a"]).numpy().tolist() == [
        2, 1, 1, 1, 3]
    assert L.StringLookup(vocabulary=["a", "b"], invert=True)([1, 2, 0]).numpy().tolist() == [b"a", b"b", b"[UNK]"]
    assert L.StringLookup(vocabulary=["a", "b"], output_mode="count")([["a", "a", "x"]]).numpy().tolist() == [
        [1, 2, 0]]
    limited = L.StringLookup(max_tokens=3)
    limited.adapt(["a", "b", "b", "c", "c", "c", "d"])
    assert limited.get_vocabulary() == ["[UNK]", "c", "b"]
    tf_idf = L.StringLookup(output_mode="tf_idf")
    tf_idf.adapt(np.array([["a", "b"], ["a", "c"], ["a", "a"]]))
    np.testing.assert_allclose(tf_idf([["a", "b", "z"]]).numpy(), [[0.7973991, 0.5596158, 0.0, 0.9162908]],
                               rtol=1e-6)
    with pytest.raises(ValueError, match="all inputs should be in vocabulary"):
        L.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])
    with pytest.raises(ValueError, match="repeated term"):
        L.StringLookup(vocabulary=["a", "a"])


def test_integer_lookup():
    lookup = L.IntegerLookup()
    lookup.adapt(np.array([5, 5, 7, 9, 9, 9, 7, 2]))
    assert lookup.get_vocabulary() == [-1, 9, 7, 5, 2]
    assert L.IntegerLookup(vocabulary=[5, 7], mask_token=0)(np.array([0, 5, 7, 8])).numpy().tolist() == [0, 2, 3, 1]
    assert L.IntegerLookup(vocabulary=[5, 7], invert=True)(np.array([0, 1, 2])).numpy().tolist() == [-1, 5, 7]
    assert L.IntegerLookup(vocabulary=[5, 7], num_oov_indices=3)(np.array([1, 2, 3, 4, 100, 5])).numpy().tolist() \
        == [1, 2, 0, 1, 1, 3]


# ------------------------------------------------------------------------------- TextVectorization
DATA = ["The cat sat.", "the DOG sat!", "a cat, a dog", "zebra"]


def test_text_vectorization_int_and_bag_of_words_modes():
    vectorize = L.TextVectorization(max_tokens=8)
    vectorize.adapt(DATA)
    assert vectorize.get_vocabulary() == ["", "[UNK]", "the", "sat", "dog", "cat", "a", "zebra"]
    assert vectorize(DATA).numpy().tolist() == [[2, 5, 3, 0], [2, 4, 3, 0], [6, 5, 6, 4], [7, 0, 0, 0]]
    fixed = L.TextVectorization(output_sequence_length=4, vocabulary=["cat", "dog", "sat"])
    assert fixed(DATA).numpy().tolist() == [[1, 2, 4, 0], [1, 3, 4, 0], [1, 2, 1, 3], [1, 0, 0, 0]]
    assert L.TextVectorization(vocabulary=["a", "b"], output_sequence_length=2)(["a b a b", "b"]).numpy().tolist() \
        == [[2, 3], [3, 0]]
    counts = L.TextVectorization(output_mode="count", max_tokens=6)
    counts.adapt(DATA)
    assert counts(DATA).numpy().tolist() == [[0, 1, 1, 0, 1, 0], [0, 1, 1, 1, 0, 0], [0, 0, 0, 1, 1, 2],
                                             [1, 0, 0, 0, 0, 0]]
    tf_idf = L.TextVectorization(output_mode="tf_idf", max_tokens=6)
    tf_idf.adapt(DATA)
    np.testing.assert_allclose(tf_idf(DATA).numpy()[2:], [[0, 0, 0, 0.8473, 0.8473, 2.1972], [0.8976, 0, 0, 0, 0, 0]],
                               atol=1e-4)
    padded = L.TextVectorization(output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True)
    padded.adapt(["a b c", "a b", "a"])
    assert padded(["a b z", "c"]).numpy().tolist() == [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0]]


def test_text_vectorization_standardize_split_and_ngrams():
    bigrams = L.TextVectorization(ngrams=2, max_tokens=10)
    bigrams.adapt(DATA)
    assert bigrams.get_vocabulary()[-2:] == ["the dog", "the cat"]
    lower = L.TextVectorization(standardize="lower")
    lower.adapt(["A.b!", "a b"])
    assert lower.get_vocabulary() == ["", "[UNK]", "b", "a.b!", "a"]
    chars = L.TextVectorization(split="character", standardize=None)
    chars.adapt(["abc", "ab"])
    assert chars.get_vocabulary() == ["", "[UNK]", "b", "a", "c"]
    assert chars(["abz"]).numpy().tolist() == [[3, 2, 1]]
    custom = L.TextVectorization(standardize=lambda t: tf.strings.regex_replace(t, "x", ""), split=None)
    custom.adapt(["axb", "ab", "c"])
    assert custom.get_vocabulary() == ["", "[UNK]", "ab", "c"]
    with pytest.raises(ValueError, match="ragged=True is not supported"):
        L.TextVectorization(ragged=True)


def test_a_text_classifier_trains_saves_and_loads(tmp_path):
    inputs = keras.Input(shape=(1,), dtype="string")
    vectorize = L.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(["the cat sat", "the dog ran", "a bird flew"])
    x = L.GlobalAveragePooling1D()(L.Embedding(20, 4)(vectorize(inputs)))
    model = keras.Model(inputs, L.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy")
    texts = np.array([["the cat sat"], ["a dog ran"], ["bird flew"], ["cat"]])
    history = model.fit(texts, np.array([1, 0, 1, 0.0]), epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = str(tmp_path / "text.keras")
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(texts, verbose=0), model.predict(texts, verbose=0))
    assert again.layers[1].get_vocabulary() == vectorize.get_vocabulary()


def test_a_keras_saved_text_model_loads_its_vocabulary_asset():
    model = keras.models.load_model(os.path.join(FIXTURES, "text_model.keras"))
    expected = np.load(os.path.join(FIXTURES, "text_model.npz"))
    assert model.layers[1].get_vocabulary() == expected["vocabulary"].tolist()
    np.testing.assert_allclose(model.predict(expected["texts"][:, None], verbose=0), expected["predictions"],
                               atol=1e-6)


# --------------------------------------------------------------------------------- categorical
def test_category_encoding():
    assert L.CategoryEncoding(4, "multi_hot")(np.array([0, 3])).numpy().tolist() == [1, 0, 0, 1]
    assert L.CategoryEncoding(4, "one_hot")(np.array([[0], [3]])).numpy().tolist() == [[1, 0, 0, 0], [0, 0, 0, 1]]
    assert L.CategoryEncoding(4, "one_hot")(np.array([[0, 1]])).shape == (1, 2, 4)
    count = L.CategoryEncoding(num_tokens=4, output_mode="count")
    assert count([[0, 1, 1]], count_weights=[[0.5, 1.0, 2.0]]).numpy().tolist() == [[0.5, 3.0, 0.0, 0.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Negative input value found: -1"):
        L.CategoryEncoding(4, "multi_hot")(np.array([[0, -1]]))
    with pytest.raises(ValueError, match="Unknown arg for output_mode: foo"):
        L.CategoryEncoding(4, "foo")


def test_hashing_equals_keras_bins():
    assert L.Hashing(num_bins=5)(["a", "b", "hello", ""]).numpy().tolist() == [4, 2, 1, 3]
    assert L.Hashing(num_bins=5)(np.array([1, 2, 300])).numpy().tolist() == [4, 4, 0]
    assert L.Hashing(num_bins=5, mask_value="")(["a", "b", "hello", ""]).numpy().tolist() == [4, 3, 1, 0]
    assert L.Hashing(num_bins=5, salt=133)(["a", "b", "hello"]).numpy().tolist() == [2, 4, 0]
    assert L.Hashing(num_bins=3)(np.array([1.5, 2.5])).numpy().tolist() == [0, 1]
    assert L.Hashing(num_bins=3, output_mode="multi_hot")(np.array([["a", "b"]])).numpy().tolist() == [[1, 1, 0]]
    assert L.Hashing(num_bins=3, salt=5).get_config()["salt"] == [5, 5]


def test_discretization():
    bucket = L.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = bucket(np.array([-1.0, 0.0, 0.5, 1.0, 5.0]))
    assert out.numpy().tolist() == [0, 1, 1, 2, 3] and out.dtype == "int32"
    adapted = L.Discretization(num_bins=5, epsilon=0.01)
    adapted.adapt(np.random.default_rng(0).standard_normal(1000))
    np.testing.assert_allclose(adapted.bin_boundaries, [-0.8496067, -0.3048002, 0.1760207, 0.7710492], rtol=1e-6)
    small = L.Discretization(num_bins=3)
    small.adapt(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    assert small.bin_boundaries == [2.0, 4.0]
    with pytest.raises(ValueError, match="call `adapt"):
        L.Discretization(num_bins=3)(np.array([1.0]))

"""tf.random.Generator and the seed-based samplers: repeatable streams, state, splitting, distributions."""
import numpy as np
import pytest

import gradfit as tf


def test_a_seeded_generator_repeats_and_its_state_resumes_the_stream():
    first = tf.random.Generator.from_seed(7).normal((4,)).numpy()
    g = tf.random.Generator.from_seed(7)
    np.testing.assert_array_equal(g.normal((4,)).numpy(), first)
    state = g.state.numpy()
    ahead = g.uniform((6,)).numpy()
    g.reset(state)
    np.testing.assert_array_equal(g.uniform((6,)).numpy(), ahead)
    copy = tf.random.Generator(copy_from=g)
    np.testing.assert_array_equal(copy.truncated_normal((5,)).numpy(), g.truncated_normal((5,)).numpy())
    g.reset_from_seed(7)
    np.testing.assert_array_equal(g.normal((4,)).numpy(), first)


def test_generator_draws_and_splits():
    g = tf.random.Generator.from_seed(1)
    ints = g.uniform((1000,), 0, 10, dtype="int32").numpy()
    assert ints.dtype == np.int32 and ints.min() == 0 and ints.max() == 9
    floats = g.uniform((20000,), -2.0, 2.0).numpy()
    assert floats.dtype == np.float32 and -2 <= floats.min() and floats.max() < 2 and abs(floats.mean()) < 0.05
    assert abs(g.normal((20000,), mean=3.0, stddev=2.0).numpy().std() - 2.0) < 0.05
    assert np.abs(g.truncated_normal((1000,)).numpy()).max() <= 2
    assert g.make_seeds(3).shape == (2, 3) and g.make_seeds().dtype == "int64"
    a, b = g.split(2)
    assert not np.array_equal(a.normal((5,)).numpy(), b.normal((5,)).numpy())
    with pytest.raises(ValueError, match="Must specify maxval"):
        g.uniform((2,), dtype="int32")
    assert isinstance(tf.random.get_global_generator(), tf.random.Generator)


def test_stateless_samplers_depend_only_on_the_seed():
    for sample in (lambda s: tf.random.stateless_categorical(tf.math.log([[0.2, 0.8]]), 200, seed=s),
                   lambda s: tf.random.stateless_poisson((50,), s, lam=3.0),
                   lambda s: tf.random.stateless_gamma((50,), s, alpha=2.0),
                   lambda s: tf.random.stateless_binomial((50,), s, counts=10, probs=0.3)):
        np.testing.assert_array_equal(sample((1, 2)).numpy(), sample((1, 2)).numpy())
        assert not np.array_equal(sample((1, 2)).numpy(), sample((1, 3)).numpy())
    picks = tf.random.stateless_categorical(tf.math.log([[0.2, 0.8]]), 4000, seed=(3, 4)).numpy()
    assert abs(picks.mean() - 0.8) < 0.03
    assert tf.random.split((1, 2), 3).shape == (3, 2)
    np.testing.assert_array_equal(tf.random.fold_in((1, 2), 5).numpy(), tf.random.fold_in((1, 2), 5).numpy())
    assert not np.array_equal(tf.random.fold_in((1, 2), 5).numpy(), tf.random.fold_in((1, 2), 6).numpy())
    with pytest.raises(tf.errors.InvalidArgumentError, match="seed must have shape"):
        tf.random.stateless_poisson((2,), (1, 2, 3), lam=1.0)

"""GradientTape semantics, as TensorFlow users rely on them."""
import gc
import threading
import weakref

import numpy as np
import pytest

import gradfit as tf


def test_issue_example():
    w = tf.Variable(tf.random.normal((3, 2)))
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)))
    dw = tape.gradient(y, w)
    assert isinstance(dw, tf.Tensor)
    assert isinstance(dw.numpy(), np.ndarray)
    active = (x.numpy() @ w.numpy() > 0).astype(np.float32)
    np.testing.assert_allclose(dw.numpy(), x.numpy().T @ active)


def test_trainable_variables_are_watched_and_constants_are_not():
    v = tf.Variable(3.0)
    frozen = tf.Variable(2.0, trainable=False)
    c = tf.constant(5.0)
    with tf.GradientTape() as tape:
        y = v * frozen * c
    gv, gf, gc_ = tape.gradient(y, [v, frozen, c])
    assert float(gv) == 10.0
    assert gf is None and gc_ is None
    assert tape.watched_variables() == (v,)


def test_watch_accessed_variables_false():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 2.0 and gb is None


def test_sources_structure_is_preserved():
    a, b, c = tf.Variable(1.0), tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = a * 2.0 + tf.reduce_sum(b * b) + c
    grads = tape.gradient(y, {"a": a, "rest": [b, (c,)]})
    assert set(grads) == {"a", "rest"}
    assert float(grads["a"]) == 2.0
    np.testing.assert_array_equal(grads["rest"][0].numpy(), [2.0, 4.0])
    assert isinstance(grads["rest"][1], tuple) and float(grads["rest"][1][0]) == 1.0


def test_unconnected_gradients():
    a, b = tf.Variable(1.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = a * 3.0
    assert tape.gradient(y, b) is None
    np.testing.assert_array_equal(tape.gradient(y, b, unconnected_gradients="zero").numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, b, unconnected_gradients="sometimes")


def test_integer_sources_get_none():
    x = tf.constant([1, 2, 3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.cast(x, tf.float32) * 2.0)
    assert tape.gradient(y, x) is None


def test_non_scalar_target_is_summed_and_output_gradients_weight_it():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.0, -1.0])).numpy(),
                                  [2.0, 0.0, -6.0])
    np.testing.assert_array_equal(tape.gradient([y, x], x).numpy(), [3.0, 5.0, 7.0])


def test_non_persistent_tape_second_call_raises():
    v = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = v * v
    tape.gradient(y, v)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to compute one set"):
        tape.gradient(y, v)


def test_persistent_tape_allows_repeated_calls():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    assert float(g.gradient(z, x)) == 108.0
    assert float(g.gradient(y, x)) == 6.0


def test_two_tapes_at_once_gan_style():
    """Two tapes recording the same forward pass, each differentiating its own loss."""
    gen_w = tf.Variable([[0.5, -1.0]])
    disc_w = tf.Variable([[2.0], [1.0]])
    noise = tf.constant([[1.0], [2.0]])
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        fake = tf.matmul(noise, gen_w)
        score = tf.matmul(fake, disc_w)
        gen_loss = -tf.reduce_mean(score)
        disc_loss = tf.reduce_mean(score)
    g_gen = gen_tape.gradient(gen_loss, [gen_w])
    g_disc = disc_tape.gradient(disc_loss, [disc_w])
    np.testing.assert_allclose(g_gen[0].numpy(), -np.array([[1.5 * 2.0, 1.5 * 1.0]]))
    np.testing.assert_allclose(g_disc[0].numpy(), (noise.numpy() @ gen_w.numpy()).mean(axis=0, keepdims=True).T)


def test_gradient_sees_values_at_recording_time_even_after_in_place_update():
    """Updating a variable between recording and gradient() must not change the gradient."""
    w = tf.Variable([[1.0, 2.0]])
    x = tf.constant([[3.0], [4.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(tf.square(tf.matmul(x, w)))
    expected = tape.gradient(y, w).numpy()
    w.assign_sub([[10.0, 10.0]])  # an in-place update, as an optimizer makes
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), expected)
    # A tensor read earlier keeps its value too.
    before = tf.identity(w)
    w.assign([[0.0, 0.0]])
    np.testing.assert_array_equal(before.numpy(), [[-9.0, -8.0]])


def test_stop_recording_and_stop_gradient():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * x  # not recorded
        w = y + tf.stop_gradient(y * x)
    assert tape.gradient(w, x).numpy() == 4.0
    with tf.GradientTape() as t2:
        t2.watch(x)
        with t2.stop_recording():
            q = x * x
    assert t2.gradient(q, x) is None
    assert float(z) == 8.0


def test_reset_forgets_the_recording():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v * 100.0
        tape.reset()
        y = v * v
    assert float(tape.gradient(y, v)) == 4.0


def test_jacobian_and_batch_jacobian():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    j = tape.jacobian(y, x)
    assert j.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(j.numpy()[1, 0], [[0, 0], [6, 0]])
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (2, 2, 2)
    np.testing.assert_array_equal(bj.numpy()[1], [[6, 0], [0, 8]])
    w = tf.Variable([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]])
    with tf.GradientTape() as tape:
        z = tf.matmul(x, w)
    jw = tape.jacobian(z, w)
    assert jw.shape == (2, 3, 2, 3)
    np.testing.assert_array_equal(jw.numpy()[0, 2], [[0, 0, 1], [0, 0, 2]])


def test_custom_gradient_is_used():
    @tf.custom_gradient
    def clip_gradient(x):
        def grad(dy):
            return tf.clip_by_value(dy, -0.1, 0.1)

        return tf.identity(x), grad

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(clip_gradient(x) * 5.0)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.1, 0.1])


def test_custom_gradient_log1pexp_is_stable():
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert float(tape.gradient(y, x)) == 1.0


def test_custom_gradient_with_variables():
    v = tf.Variable(3.0)

    @tf.custom_gradient
    def scaled(x):
        def grad(dy, variables=None):
            return dy * v, [dy * x * 10.0]

        return x * v, grad

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    gx, gv = tape.gradient(y, [x, v])
    assert float(gx) == 3.0 and float(gv) == 20.0


def test_non_persistent_tape_releases_its_recording():
    x = tf.Variable(np.ones((100, 100), dtype=np.float32))
    with tf.GradientTape() as tape:
        y = tf.exp(x)
        loss = tf.reduce_sum(y * 2.0)
    ref = weakref.ref(y)
    node = loss._node
    tape.gradient(loss, x)
    assert tape._nodes == []
    assert node.inputs is None and node.out is None
    del y
    gc.collect()
    # The loss tensor no longer keeps the forward activations alive.
    assert ref() is None


def test_tape_from_another_thread_does_not_record_here():
    v = tf.Variable(2.0)
    results = []
    with tf.GradientTape() as tape:
        def work():
            results.append(v * v)

        th = threading.Thread(target=work)
        th.start()
        th.join()
        y = v * 3.0
    assert results[0]._node is None
    assert float(tape.gradient(y, v)) == 3.0


def test_gradient_of_variable_used_many_times_accumulates():
    v = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        y = v
        for _ in range(5):
            y = y * v
    np.testing.assert_allclose(float(tape.gradient(y, v)), 6 * 1.5 ** 5, rtol=1e-6)


def test_gradient_wrt_intermediate_tensor():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x * x
        tape.watch(h)
        y = h * h + h
    gh, gx = tape.gradient(y, [h, x])
    assert float(gh) == 9.0
    assert float(gx) == 36.0


def test_gradient_errors_name_the_problem():
    v = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = v * 2.0
    with pytest.raises(ValueError, match="sources must be tensors or variables, got float"):
        tape.gradient(y, [[1.0]])
    with tf.GradientTape() as tape:
        y = v * 2.0
    with pytest.raises(ValueError, match="output_gradients shape"):
        tape.gradient(y, v, output_gradients=tf.constant([1.0, 2.0]))

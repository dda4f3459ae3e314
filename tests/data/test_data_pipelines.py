"""Pipelines as training code uses them: shuffled batches every epoch, augmentation, prefetching, errors."""
import threading
import time

import numpy as np
import pytest

import gradfit as tf


def mnist_like(n, features=6):
    """Images whose first pixel is three times their label, so pairing can be checked after shuffling."""
    rng = np.random.default_rng(0)
    y = np.arange(n)
    x = rng.random((n, features)).astype(np.float32)
    x[:, 0] = 3 * y
    return x, y


@pytest.mark.parametrize("n", [1000, 3000])  # buffer larger than the data, and a streaming buffer
def test_every_example_once_per_epoch_in_a_new_order(n):
    x, y = mnist_like(n)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1024).batch(64)
    orders = []
    for epoch in range(2):
        seen = []
        for x_batch, y_batch in dataset:
            assert isinstance(x_batch, tf.Tensor) and x_batch.dtype == tf.float32 and y_batch.dtype == tf.int64
            assert x_batch.shape[1:] == (6,) and x_batch.shape[0] == y_batch.shape[0]
            np.testing.assert_array_equal(x_batch.numpy()[:, 0], 3 * y_batch.numpy())  # rows stay paired
            seen.append(y_batch.numpy())
        assert [len(b) for b in seen] == [64] * (n // 64) + [n % 64]
        order = np.concatenate(seen)
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
        orders.append(order)
    assert not np.array_equal(orders[0], orders[1])
    assert len(dataset) == -(-n // 64)


def test_the_same_seed_gives_the_same_orders():
    x, y = mnist_like(500)

    def epochs(seed):
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(128, seed=seed).batch(50)
        return [np.concatenate([yb.numpy() for _, yb in dataset]) for _ in range(3)]

    first, again, other = epochs(7), epochs(7), epochs(8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_reshuffle_each_iteration_false_keeps_one_order():
    dataset = tf.data.Dataset.range(100).shuffle(100, seed=1, reshuffle_each_iteration=False)
    assert list(dataset.as_numpy_iterator()) == list(dataset.as_numpy_iterator())
    assert list(dataset.as_numpy_iterator()) != list(range(100))


def augment(image, label):
    """Flip and brighten, with gradfit ops (tensors in, tensors out)."""
    image = tf.reverse(image, axis=[0]) * 1.5 + 0.25
    return tf.clip_by_value(image, 0.0, 2.0), label


def test_map_applies_an_augmentation_to_tensors():
    x, y = mnist_like(40)
    x[:, 0] = 0.0
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).map(augment).batch(8)
    images = []
    for image_batch, label_batch in dataset:
        assert isinstance(image_batch, tf.Tensor) and image_batch.shape == (8, 6)
        images.append(image_batch.numpy())
    np.testing.assert_allclose(np.concatenate(images), np.clip(x[:, ::-1] * 1.5 + 0.25, 0, 2), rtol=1e-6)
    assert dataset.element_spec == (tf.TensorSpec((None, 6), tf.float32), tf.TensorSpec((None,), tf.int64))


def test_parallel_map_keeps_order_and_values():
    x, y = mnist_like(300)
    sequential = tf.data.Dataset.from_tensor_slices((x, y)).map(augment).batch(32)
    parallel = tf.data.Dataset.from_tensor_slices((x, y)).map(augment, num_parallel_calls=tf.data.AUTOTUNE).batch(32)
    for (a, la), (b, lb) in zip(sequential, parallel):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(la.numpy(), lb.numpy())
    unordered = tf.data.Dataset.range(200).map(lambda i: i * 2, num_parallel_calls=3, deterministic=False)
    assert sorted(unordered.as_numpy_iterator()) == list(range(0, 400, 2))


def test_prefetch_produces_while_the_consumer_works(record_property):
    second_produced = threading.Event()

    def slow_numbers():
        for i in range(8):
            time.sleep(0.005)
            if i == 1:
                second_produced.set()
            yield i

    def consume(dataset):
        start = time.perf_counter()
        values = []
        for value in dataset:
            time.sleep(0.005)  # the training step
            values.append(int(value))
        return values, time.perf_counter() - start

    dataset = tf.data.Dataset.from_generator(slow_numbers, output_signature=tf.TensorSpec((), tf.int64))
    iterator = iter(dataset.prefetch(2))
    first = int(next(iterator))
    # The producer goes on to the next element while the consumer still holds the first one.
    assert second_produced.wait(timeout=30)
    assert [first] + [int(v) for v in iterator] == list(range(8))
    values, overlapped = consume(dataset.prefetch(2))
    assert values == list(range(8))
    _, sequential = consume(dataset)
    record_property("prefetch_seconds", round(overlapped, 4))
    record_property("sequential_seconds", round(sequential, 4))


def test_prefetch_stops_its_producer_when_the_consumer_stops():
    produced = []

    def numbers():
        for i in range(10_000):
            produced.append(i)
            yield i

    dataset = tf.data.Dataset.from_generator(numbers, output_types=tf.int64).prefetch(1)
    for value in dataset:
        if int(value) == 3:
            break
    deadline = time.monotonic() + 30
    count = len(produced)
    while time.monotonic() < deadline:  # wait until the producer has stopped growing the list
        time.sleep(0.02)
        if len(produced) == count:
            break
        count = len(produced)
    assert len(produced) < 10_000


def bad_map(x):
    if int(x) == 5:
        raise ValueError("bad value 5")
    return x * 2


@pytest.mark.parametrize("build", [
    lambda ds: ds.map(bad_map),
    lambda ds: ds.map(bad_map, num_parallel_calls=2),
    lambda ds: ds.map(bad_map).prefetch(2),
    lambda ds: ds.map(bad_map, num_parallel_calls=tf.data.AUTOTUNE).batch(2).prefetch(tf.data.AUTOTUNE),
], ids=["map", "parallel map", "prefetch", "parallel map, batch, prefetch"])
def test_errors_in_map_reach_the_caller_unchanged(build):
    dataset = build(tf.data.Dataset.range(10))
    delivered = []
    with pytest.raises(ValueError, match="^bad value 5$"):
        for element in dataset:
            delivered.append(element.numpy())
    flat = [v for d in delivered for v in np.ravel(d).tolist()]
    assert len(flat) >= 4 and flat == [0, 2, 4, 6, 8][:len(flat)]  # everything before the failure arrived


@pytest.mark.parametrize("then", [
    lambda ds: ds,
    lambda ds: ds.prefetch(4),
    lambda ds: ds.map(lambda x: x, num_parallel_calls=2),
], ids=["generator", "prefetch", "parallel map"])
def test_errors_in_a_generator_reach_the_caller_unchanged(then):
    def broken():
        yield 1
        yield 2
        raise KeyError("sensor disconnected")

    dataset = then(tf.data.Dataset.from_generator(broken, output_signature=tf.TensorSpec((), tf.int32)))
    iterator = iter(dataset)
    assert [int(next(iterator)), int(next(iterator))] == [1, 2]
    with pytest.raises(KeyError, match="sensor disconnected"):
        next(iterator)


def shuffled_augmented_batches():
    x, y = mnist_like(300)
    dataset = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(100)
               .map(lambda image, label: (image + tf.random.normal((6,)), label)).batch(32))
    return [(xb.numpy(), yb.numpy()) for xb, yb in dataset]


def test_set_seed_makes_two_runs_identical():
    tf.backend.set_seed(0)
    first = shuffled_augmented_batches()
    tf.backend.set_seed(0)
    second = shuffled_augmented_batches()
    tf.backend.set_seed(1)
    other = shuffled_augmented_batches()
    for (xa, ya), (xb, yb) in zip(first, second):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(first[0][1], other[0][1])


def test_keras_set_random_seed_makes_two_runs_identical():
    from gradfit import keras

    try:
        set_random_seed = keras.utils.set_random_seed
    except (AttributeError, ImportError):
        pytest.skip("keras.utils.set_random_seed is not available yet")
    set_random_seed(0)
    first = shuffled_augmented_batches()
    set_random_seed(0)
    second = shuffled_augmented_batches()
    for (xa, ya), (xb, yb) in zip(first, second):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_a_gradient_tape_loop_learns_a_line():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (512, 1)).astype(np.float32)
    y = (3.0 * x + 2.0 + 0.01 * rng.standard_normal((512, 1))).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(512).batch(32).prefetch(tf.data.AUTOTUNE)
    w = tf.Variable(np.zeros((1, 1), np.float32))
    b = tf.Variable(np.zeros((1,), np.float32))
    epoch_losses = []
    for epoch in range(15):
        losses = []
        for x_batch, y_batch in dataset:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x_batch, w) + b - y_batch))
            dw, db = tape.gradient(loss, [w, b])
            w.assign_sub(0.1 * dw)
            b.assign_sub(0.1 * db)
            losses.append(float(loss))
        epoch_losses.append(np.mean(losses))
    assert epoch_losses[-1] < epoch_losses[0] / 100
    np.testing.assert_allclose([float(w.numpy()[0, 0]), float(b.numpy()[0])], [3.0, 2.0], atol=0.05)


def test_model_fit_trains_on_a_dataset():
    from gradfit import keras

    rng = np.random.default_rng(5)
    x = rng.random((256, 4)).astype(np.float32)
    y = (x.sum(axis=1) > 2).astype(np.int64)
    tf.backend.set_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(256).batch(32).prefetch(tf.data.AUTOTUNE)
    history = model.fit(train, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    loss, accuracy = model.evaluate(tf.data.Dataset.from_tensor_slices((x, y)).batch(64), verbose=0)
    assert accuracy > 0.9
    steps = model.fit(train.repeat(), epochs=2, steps_per_epoch=3, verbose=0)
    assert len(steps.history["loss"]) == 2

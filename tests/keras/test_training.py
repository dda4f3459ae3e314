"""compile / fit / evaluate / predict / *_on_batch, used the way the seeds use them."""
import gc

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.autodiff.tape import Node


def mlp(seed=0, inputs=8, hidden=16, classes=3):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((inputs,)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(classes, activation="softmax"),
    ])


def blobs(n=256, inputs=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((classes, inputs)) * 3
    y = rng.integers(0, classes, n)
    x = (centers[y] + rng.standard_normal((n, inputs))).astype(np.float32)
    return x, y.astype(np.int64)


def weights_of(model):
    return [w.copy() for w in model.get_weights()]


def optimizer_state(model):
    return [np.array(v.numpy(), copy=True) for v in model.optimizer.variables]


def metric_state(model):
    return [np.array(v.numpy(), copy=True) for m in model.metrics for v in m.variables]


# ------------------------------------------------------------------------------------ the seeds' fit
def test_fit_like_the_seed_learns_and_reports_history():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, validation_split=0.1, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == [0, 1, 2, 3, 4]
    assert all(isinstance(v, float) for v in history.history["loss"])
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.9
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9 and loss < history.history["loss"][0]
    assert model.evaluate(x, y, verbose=0, return_dict=True).keys() == {"loss", "accuracy"}
    probs = model.predict(x[:10], verbose=0)
    assert isinstance(probs, np.ndarray) and probs.shape == (10, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = blobs(n=100)
    seen = []

    class Spy(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, inputs, training=None):
            seen.append((bool(training), inputs.numpy().copy()))
            return self.dense(inputs)

    model = Spy()
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=100, epochs=1, validation_split=0.2, shuffle=True, verbose=0)
    train_x = np.concatenate([b for training, b in seen if training])
    val_x = np.concatenate([b for training, b in seen if not training])
    np.testing.assert_array_equal(val_x, x[80:])
    assert sorted(map(tuple, train_x.tolist())) == sorted(map(tuple, x[:80].tolist()))


# ----------------------------------------------------------------------- one computation, three ways
def _batches(x, y, size):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


def test_fit_train_on_batch_and_gradient_tape_give_bitwise_identical_weights():
    x, y = blobs(n=96)
    steps = _batches(x, y, 32)

    a = mlp(seed=3)
    a.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    a.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)

    b = mlp(seed=3)
    b.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    for _ in range(2):
        for xb, yb in steps:
            b.train_on_batch(xb, yb)

    c = mlp(seed=3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam(1e-2)
    for _ in range(2):
        for xb, yb in steps:
            with tf.GradientTape() as tape:
                logits = c(xb, training=True)
                loss = loss_fn(yb, logits)
            grads = tape.gradient(loss, c.trainable_variables)
            optimizer.apply_gradients(zip(grads, c.trainable_variables))

    for wa, wb, wc in zip(a.get_weights(), b.get_weights(), c.get_weights()):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(wa, wc)
    assert not np.array_equal(a.get_weights()[0], mlp(seed=3).get_weights()[0])


# ---------------------------------------------------------------------------------- train_on_batch
def test_train_on_batch_return_values_follow_keras():
    x, y = blobs(n=64)
    model = mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.train_on_batch(x[:8], y[:8])
    assert isinstance(loss, float) and 0.0 <= acc <= 1.0
    logs = model.train_on_batch(x[:8], y[:8], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    only_loss = mlp()
    only_loss.compile("sgd", "sparse_categorical_crossentropy")
    assert isinstance(only_loss.train_on_batch(x[:8], y[:8]), float)
    assert isinstance(model.test_on_batch(x[:8], y[:8])[0], float)
    out = model.predict_on_batch(x[:2])
    assert isinstance(out, np.ndarray) and out.shape == (2, 3)
    assert model.optimizer.iterations.numpy() == 2


def test_online_learning_with_train_on_batch():
    """One update per arriving batch, as in online learning from a stream."""
    rng = np.random.default_rng(1)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    losses = []
    for _ in range(300):
        xb = rng.standard_normal((4, 2)).astype(np.float32)
        yb = xb @ np.array([[2.0], [-1.0]], np.float32) + 0.5
        losses.append(model.train_on_batch(xb, yb))
    assert np.mean(losses[-20:]) < 1e-3 < losses[0]
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel.ravel(), [2.0, -1.0], atol=0.02)
    np.testing.assert_allclose(bias, [0.5], atol=0.02)


# --------------------------------------------------------------------- bad input changes nothing
def _compiled():
    model = mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = blobs(n=32)
    model.train_on_batch(x, y)  # build everything, so there is state to protect
    return model, x, y


@pytest.mark.parametrize("call, pattern", [
    (lambda m, x, y: m.train_on_batch(x[:, :5], y), "5"),
    (lambda m, x, y: m.fit(x[:, :5], y, verbose=0), "5"),
    (lambda m, x, y: m.train_on_batch(x, y[:20]), "Data cardinality is ambiguous"),
    (lambda m, x, y: m.fit(x, y[:20], verbose=0), "Data cardinality is ambiguous"),
    (lambda m, x, y: m.train_on_batch(x, np.full_like(y, 7)), "label value of 7"),
    (lambda m, x, y: m.fit(x, np.full_like(y, 3), verbose=0), "label value of 3"),
    (lambda m, x, y: m.evaluate(x, np.full_like(y, -1), verbose=0), "label value of -1"),
    (lambda m, x, y: m.fit((b for b in [(x, y)]), validation_split=0.5, verbose=0), "validation_split"),
])
def test_bad_input_raises_before_anything_changes(call, pattern):
    model, x, y = _compiled()
    before = weights_of(model), optimizer_state(model), metric_state(model)
    with pytest.raises(ValueError, match=pattern):
        call(model, x, y)
    after = weights_of(model), optimizer_state(model), metric_state(model)
    for b, a in zip(before, after):
        for u, v in zip(b, a):
            np.testing.assert_array_equal(u, v)


def test_fit_before_compile_and_unknown_identifiers():
    model = mlp()
    x, y = blobs(n=8)
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="adamm"):
        model.compile("adamm", "mse")
    with pytest.raises(ValueError, match="msee"):
        model.compile("adam", "msee")
    with pytest.raises(ValueError, match="accurracy"):
        model.compile("adam", "mse", metrics=["accurracy"])
    assert not model.compiled


# ------------------------------------------------------------------------------ inputs of all kinds
def test_fit_accepts_generators_pydatasets_and_datasets():
    x, y = blobs(n=64)

    def gen():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    class Seq(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    for data, kwargs in ((gen(), {"steps_per_epoch": 4}), (Seq(), {}), (dataset, {})):
        model = mlp()
        model.compile("adam", "sparse_categorical_crossentropy")
        history = model.fit(data, epochs=3, verbose=0, **kwargs)
        assert len(history.history["loss"]) == 3
        assert model.optimizer.iterations.numpy() == 12


def test_dataset_and_arrays_give_the_same_weights():
    x, y = blobs(n=64)
    a, b = mlp(seed=1), mlp(seed=1)
    for m in (a, b):
        m.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    a.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    b.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=2, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_sample_weight_and_class_weight():
    x, y = blobs(n=64)
    model = mlp()
    model.compile("sgd", "sparse_categorical_crossentropy")
    zero = model.evaluate(x, y, sample_weight=np.zeros(64), verbose=0)
    assert zero == 0.0
    class_weight = {0: 1.0, 1: 0.0, 2: 0.0}
    weights = np.where(y == 0, 1.0, 0.0)
    a, b = mlp(seed=5), mlp(seed=5)
    a.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    b.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    a.fit(x, y, class_weight=class_weight, shuffle=False, epochs=1, verbose=0)
    b.fit(x, y, sample_weight=weights, shuffle=False, epochs=1, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-6)


# --------------------------------------------------------------- customizing what happens in fit
def test_custom_train_step_override_like_the_keras_guide():
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(8,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).random((128, 8)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=3, verbose=0)
    assert set(history.history) == {"loss", "compile_metrics"} or "mae" in history.history
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_gan_overriding_compile_and_train_step():
    latent = 4
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1)])
    generator = keras.Sequential([keras.Input((latent,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(2)])

    class GAN(keras.Model):
        def __init__(self, discriminator, generator):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.seed_generator = keras.random.SeedGenerator(1337)
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real):
            batch = tf.shape(real)[0]
            noise = keras.random.normal(shape=(int(batch), latent), seed=self.seed_generator)
            fake = self.generator(noise)
            combined = tf.concat([fake, real], axis=0)
            labels = tf.concat([tf.ones((int(batch), 1)), tf.zeros((int(batch), 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            noise = keras.random.normal(shape=(int(batch), latent), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(tf.zeros((int(batch), 1)), self.discriminator(self.generator(noise)))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    real = (np.random.default_rng(0).standard_normal((256, 2)) * 0.1 + [2.0, -1.0]).astype(np.float32)
    gan = GAN(discriminator, generator)
    gan.compile(keras.optimizers.Adam(3e-3), keras.optimizers.Adam(3e-3),
                keras.losses.BinaryCrossentropy(from_logits=True))
    history = gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(32), epochs=20, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"} and len(history.history["g_loss"]) == 20
    samples = generator.predict(np.random.default_rng(1).standard_normal((200, latent)), verbose=0)
    # The generator moved its samples toward the real data.
    assert np.linalg.norm(samples.mean(axis=0) - [2.0, -1.0]) < 1.0


# ----------------------------------------------------------------------------- multiple outputs
def test_functional_model_with_two_outputs_and_dict_losses():
    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    kind = keras.layers.Dense(3, name="kind")(hidden)
    size = keras.layers.Dense(1, name="size")(hidden)
    model = keras.Model(inputs, [kind, size])
    model.compile("adam", loss={"kind": keras.losses.SparseCategoricalCrossentropy(from_logits=True), "size": "mse"},
                  loss_weights={"kind": 1.0, "size": 0.5}, metrics={"kind": ["accuracy"]})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6)).astype(np.float32)
    y = {"kind": rng.integers(0, 3, 64), "size": rng.standard_normal((64, 1)).astype(np.float32)}
    history = model.fit(x, y, epochs=2, verbose=0)
    assert {"loss", "kind_loss", "size_loss", "kind_accuracy"} <= set(history.history)
    kind_pred, size_pred = model.predict(x, verbose=0)
    assert kind_pred.shape == (64, 3) and size_pred.shape == (64, 1)


# ------------------------------------------------------------------------------- memory behaviour
def test_no_per_call_state_accumulates():
    x, y = blobs(n=32)
    model = mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.train_on_batch(x, y)
    model.predict_on_batch(x[:1])
    gc.collect()
    nodes_before = sum(isinstance(o, Node) for o in gc.get_objects())
    objects_before = len(gc.get_objects())
    for _ in range(2000):
        model.train_on_batch(x, y)
        model.predict_on_batch(x[:1])
    gc.collect()
    assert sum(isinstance(o, Node) for o in gc.get_objects()) <= nodes_before
    assert len(gc.get_objects()) - objects_before < 50


def test_fit_resumes_where_backup_and_restore_says():
    """BackupAndRestore's hook: fit starts at model._initial_epoch, skipping the batches already done."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model._initial_epoch, model._initial_step = 1, 1
    seen = []
    model.fit(np.zeros((4, 1)), np.zeros((4, 1)), batch_size=2, epochs=2, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(("epoch", epoch)),
                                                        on_train_batch_begin=lambda batch, logs: seen.append(batch))])
    assert seen == [("epoch", 1), 1]
    assert model.optimizer.iterations.numpy() == 1


def test_small_keras_api_points_users_rely_on():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    assert model.run_eagerly is False
    model.run_eagerly = True
    assert model.run_eagerly is True
    # The learning-rate callback idiom of tf.keras.
    keras.backend.set_value(model.optimizer.learning_rate, 0.01)
    np.testing.assert_allclose(keras.backend.get_value(model.optimizer.learning_rate), 0.01)
    x, y = np.ones((4, 2), "float32"), np.array([0, 1, 2, 1])
    weights_before = model.get_weights()
    with pytest.raises(ValueError, match="Arguments not recognized: .*sample_weights"):
        model.evaluate(x, y, sample_weights=np.ones(4), verbose=0)  # a misspelt argument is not ignored
    for a, b in zip(model.get_weights(), weights_before):
        np.testing.assert_array_equal(a, b)
    by_strings = model.fit(x, y, class_weight={"0": 1.0, "1": 2.0, "2": 0.5}, epochs=1, shuffle=False, verbose=0)
    model.set_weights(weights_before)
    by_ints = model.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, epochs=1, shuffle=False, verbose=0)
    assert by_strings.history["loss"] == by_ints.history["loss"]


def test_multi_output_results_come_as_a_list_in_keras_order():
    rng = np.random.default_rng(2)
    x, y1, y2 = rng.random((20, 4), dtype="float32"), rng.integers(0, 3, 20), rng.random((20, 1), dtype="float32")
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(6, activation="tanh")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(3, activation="softmax", name="out1")(hidden),
                                 keras.layers.Dense(1, name="out2")(hidden)])
    model.compile("sgd", ["sparse_categorical_crossentropy", "mse"], metrics=[["accuracy"], ["mae"]])
    logs = model.evaluate(x, [y1, y2], verbose=0, return_dict=True)
    expected = [logs[k] for k in ("loss", "out1_loss", "out2_loss", "out1_accuracy", "out2_mae")]
    np.testing.assert_allclose(model.evaluate(x, [y1, y2], verbose=0), expected)
    np.testing.assert_allclose(model.test_on_batch(x, [y1, y2]), expected, rtol=1e-6)
    single = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    single.compile("sgd", "binary_crossentropy", metrics=["accuracy", "mae"], weighted_metrics=["accuracy", "mse"])
    yb, weights = (x[:, :1] > 0.5).astype("float32"), np.linspace(0, 2, 20)
    d = single.evaluate(x, yb, sample_weight=weights, verbose=0, return_dict=True)
    # Keras lists the compiled metrics by their own names, so 'accuracy' twice, and 'weighted_accuracy' last.
    np.testing.assert_allclose(single.evaluate(x, yb, sample_weight=weights, verbose=0),
                               [d["loss"], d["accuracy"], d["mae"], d["accuracy"], d["mse"], d["weighted_accuracy"]])


def test_a_metric_listed_twice_reports_twice_as_keras():
    x = np.random.default_rng(0).random((10, 4), dtype="float32")
    y = (x[:, :1] > 0.5).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", "mae", "mae"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(logs) == ["accuracy", "loss", "mae", "mae_1"] and logs["mae"] == logs["mae_1"]
    assert len(model.evaluate(x, y, verbose=0)) == 5  # Keras's list: loss, accuracy, mae, mae, then mae_1


def test_a_dataset_that_runs_out_under_steps_per_epoch_restarts_next_epoch():
    x = np.random.default_rng(3).random((40, 4), dtype="float32")
    y = (x[:, :1] > 0.5).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)  # 5 batches
    with pytest.warns(UserWarning, match="ran out of data; interrupting epoch"):
        history = model.fit(dataset, epochs=3, steps_per_epoch=4, verbose=0)
    # As Keras 3: 4 steps, the 1 left, then a fresh pass of 4.
    assert history.epoch == [0, 1, 2] and int(model.optimizer.iterations.numpy()) == 9


def test_class_weight_applies_to_a_dataset_as_to_arrays():
    x = np.random.default_rng(4).random((24, 3), dtype="float32")
    y = (x[:, 0] > 0.5).astype("int64")
    weights = {0: 1.0, 1: 3.0}

    def trained(data, **kwargs):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile("sgd", "sparse_categorical_crossentropy")
        return model.fit(data, epochs=2, verbose=0, class_weight=weights, **kwargs).history["loss"]

    from_arrays = trained(x, y=y, batch_size=8, shuffle=False)
    from_dataset = trained(tf.data.Dataset.from_tensor_slices((x, y)).batch(8))
    np.testing.assert_allclose(from_dataset, from_arrays, rtol=1e-6)
    with pytest.raises(ValueError, match="only supported for array inputs and Datasets"):
        trained((b for b in [(x, y)]))

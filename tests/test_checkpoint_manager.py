"""tf.train.CheckpointManager, and resuming a GradientTape training loop from its checkpoints bit for bit.
File names, the `checkpoint` file and pruning were compared with TensorFlow 2.21 on the same programs."""
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.train import checkpoint_manager


def names(paths):
    return [os.path.basename(p) for p in paths]


def indexes(directory):
    return sorted(f[:-len(".index")] for f in os.listdir(directory) if f.endswith(".index"))


def test_numbering_pruning_and_the_state_file(tmp_path):
    v = tf.Variable(0.0)
    ckpt = tf.train.Checkpoint(v=v)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.checkpoints == [] and manager.directory == str(tmp_path)
    saved = []
    for i in range(4):
        v.assign(float(i))
        saved.append(manager.save())
    assert names(saved) == ["ckpt-1", "ckpt-2", "ckpt-3", "ckpt-4"]
    assert names(manager.checkpoints) == ["ckpt-3", "ckpt-4"] and indexes(tmp_path) == ["ckpt-3", "ckpt-4"]
    lines = (tmp_path / "checkpoint").read_text().splitlines()
    assert lines[:3] == ['model_checkpoint_path: "ckpt-4"', 'all_model_checkpoint_paths: "ckpt-3"',
                         'all_model_checkpoint_paths: "ckpt-4"']
    assert [line.split(":")[0] for line in lines[3:]] == ["all_model_checkpoint_timestamps"] * 2 + [
        "last_preserved_timestamp"]
    # An explicit number does not stop the counter, which numbers the next save.
    assert os.path.basename(manager.save(checkpoint_number=100)) == "ckpt-100" and int(ckpt.save_counter) == 5
    assert os.path.basename(manager.save()) == "ckpt-6"
    assert manager.latest_checkpoint == str(tmp_path / "ckpt-6")
    assert tf.train.latest_checkpoint(str(tmp_path)) == manager.latest_checkpoint
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert names(state.all_model_checkpoint_paths) == ["ckpt-100", "ckpt-6"]


def test_a_new_manager_continues_from_the_directory(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(3.0))
    first = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    for _ in range(3):
        first.save()
    again = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=3)
    assert names(again.checkpoints) == ["ckpt-2", "ckpt-3"] and again.latest_checkpoint == str(tmp_path / "ckpt-3")
    assert os.path.basename(again.save()) == "ckpt-4" and names(again.checkpoints) == ["ckpt-2", "ckpt-3", "ckpt-4"]
    fresh = tf.train.Checkpoint(v=tf.Variable(9.0))
    fresh.restore(again.latest_checkpoint).assert_consumed()
    assert float(fresh.v) == 3.0 and int(fresh.save_counter) == 4


def test_keep_all_and_argument_errors(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    keep_all = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=None, checkpoint_name="model")
    for _ in range(3):
        keep_all.save()
    assert names(keep_all.checkpoints) == ["model-1", "model-2", "model-3"] and len(indexes(tmp_path)) == 3
    for bad in (0, -1):
        with pytest.raises(ValueError, match=f"Expected a positive integer or `None` for `max_to_keep`, got {bad}."):
            tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=bad)
    with pytest.raises(ValueError, match="`step_counter` should be passed if `checkpoint_interval` is not None."):
        tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=1, checkpoint_interval=3)


def test_keep_checkpoint_every_n_hours(tmp_path, monkeypatch):
    class Clock:
        now = 1000.0

        @staticmethod
        def time():
            return Clock.now

    monkeypatch.setattr(checkpoint_manager, "time", Clock)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path), max_to_keep=2,
                                         keep_checkpoint_every_n_hours=1)
    for i in range(10):
        Clock.now = 1000.0 + i * 1800  # a save every half hour
        manager.save()
    # The two newest are managed; of those that left the list, one per hour stayed on disk (as TensorFlow).
    assert names(manager.checkpoints) == ["ckpt-9", "ckpt-10"]
    assert indexes(tmp_path) == ["ckpt-10", "ckpt-3", "ckpt-5", "ckpt-7", "ckpt-9"]
    assert (tmp_path / "checkpoint").read_text().splitlines()[-1] == "last_preserved_timestamp: 11800.0"


def test_step_interval_and_restore_or_initialize(tmp_path):
    step = tf.Variable(0, dtype=tf.int64)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path / "a"),
                                         max_to_keep=5, step_counter=step, checkpoint_interval=3)
    saved = []
    for i in range(8):
        step.assign(i)
        saved.append(manager.save())
    assert [None if p is None else os.path.basename(p) for p in saved] == [
        "ckpt-1", None, None, "ckpt-2", None, None, "ckpt-3", None]
    calls = []
    empty = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path / "b"), max_to_keep=1,
                                       init_fn=lambda: calls.append(1))
    assert empty.restore_or_initialize() is None and calls == [1]
    target = tf.train.Checkpoint(v=tf.Variable(5.0))
    existing = tf.train.CheckpointManager(target, str(tmp_path / "a"), max_to_keep=5)
    assert existing.restore_or_initialize() == str(tmp_path / "a" / "ckpt-3") and float(target.v) == 1.0


# ------------------------------------------------------------------------------------- resuming training
BATCHES = [(np.random.default_rng(k).standard_normal((16, 6)).astype(np.float32),
            np.random.default_rng(100 + k).integers(0, 3, 16)) for k in range(12)]


def make_model_and_optimizer(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(3)])
    return model, keras.optimizers.Adam(learning_rate=0.01)


def train_step(model, optimizer, loss_fn, step):
    x, y = BATCHES[step]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


def test_a_resumed_gradient_tape_loop_equals_an_uninterrupted_one_bit_for_bit(tmp_path):
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    reference, reference_optimizer = make_model_and_optimizer(seed=1)
    for step in range(len(BATCHES)):
        train_step(reference, reference_optimizer, loss_fn, step)

    # The same run, checkpointed every 3 steps, stopped after step 7 (the last checkpoint is after step 6).
    model, optimizer = make_model_and_optimizer(seed=1)
    step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=step, model=model, optimizer=optimizer)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    for _ in range(8):
        train_step(model, optimizer, loss_fn, int(step))
        step.assign_add(1)
        if int(step) % 3 == 0:
            manager.save()
    assert names(manager.checkpoints) == ["ckpt-1", "ckpt-2"]

    # A new process: fresh objects (other initial weights, an unbuilt optimizer), restore, continue.
    resumed_model, resumed_optimizer = make_model_and_optimizer(seed=2)
    resumed_step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=resumed_step, model=resumed_model, optimizer=resumed_optimizer)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    status = ckpt.restore(manager.latest_checkpoint)
    status.assert_existing_objects_matched()
    assert int(resumed_step) == 6 and int(resumed_optimizer.iterations) == 6
    while int(resumed_step) < len(BATCHES):
        train_step(resumed_model, resumed_optimizer, loss_fn, int(resumed_step))
        resumed_step.assign_add(1)
        if int(resumed_step) % 3 == 0:
            manager.save()
    status.assert_consumed()  # the Adam slots were restored when the optimizer built
    for a, b in zip(reference.weights, resumed_model.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(reference_optimizer.variables, resumed_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert names(manager.checkpoints) == ["ckpt-3", "ckpt-4"]

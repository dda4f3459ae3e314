"""tf.train.Checkpoint: what is tracked, under which keys, and how restores match, fail and defer. Keys,
file names, statuses and messages were compared with TensorFlow 2.21 on the same programs."""
import os

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.errors import DataLossError, InvalidArgumentError, NotFoundError


class Dense(tf.Module):
    def __init__(self, i, o, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([i, o]), name="w")
        self._b = tf.Variable(tf.zeros([o]), name="b", trainable=False)


class MLP(tf.Module):
    def __init__(self):
        super().__init__()
        self.z = Dense(2, 3, name="zlayer")
        self.layers = [Dense(3, 3), (Dense(3, 2),)]
        self.d = {"b": tf.Variable(1.0, name="db"), "a": tf.Variable(2.0, name="da")}
        self.count = 3  # a plain int: not tracked
        self.shared = self.z.w
        self.none = None


def state_lines(directory):
    with open(os.path.join(directory, "checkpoint")) as f:
        return [line for line in f.read().splitlines() if "timestamp" not in line]


def test_keys_follow_the_object_graph_as_tensorflow_names_them(tmp_path):
    ckpt = tf.train.Checkpoint(m=MLP(), nested=tf.train.Checkpoint(x=tf.Variable(3.0)),
                               step=tf.Variable(5, dtype=tf.int64))
    path = ckpt.save(str(tmp_path / "mod"))
    assert path == str(tmp_path / "mod-1")
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "mod-1.data-00000-of-00001", "mod-1.index"]
    assert state_lines(tmp_path) == ['model_checkpoint_path: "mod-1"', 'all_model_checkpoint_paths: "mod-1"']
    # A variable reached twice is saved once, under its shortest path (z.w is m/shared).
    assert tf.train.list_variables(path) == [
        ("_CHECKPOINTABLE_OBJECT_GRAPH", []), ("m/d/a/.ATTRIBUTES/VARIABLE_VALUE", []),
        ("m/d/b/.ATTRIBUTES/VARIABLE_VALUE", []), ("m/layers/0/_b/.ATTRIBUTES/VARIABLE_VALUE", [3]),
        ("m/layers/0/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 3]), ("m/layers/1/0/_b/.ATTRIBUTES/VARIABLE_VALUE", [2]),
        ("m/layers/1/0/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 2]), ("m/shared/.ATTRIBUTES/VARIABLE_VALUE", [2, 3]),
        ("m/z/_b/.ATTRIBUTES/VARIABLE_VALUE", [3]), ("nested/x/.ATTRIBUTES/VARIABLE_VALUE", []),
        ("save_counter/.ATTRIBUTES/VARIABLE_VALUE", []), ("step/.ATTRIBUTES/VARIABLE_VALUE", [])]
    assert tf.train.list_variables(str(tmp_path)) == tf.train.list_variables(path)
    assert tf.train.load_variable(path, "step/.ATTRIBUTES/VARIABLE_VALUE") == 5
    assert tf.train.load_variable(str(tmp_path), "m/shared/.ATTRIBUTES/VARIABLE_VALUE").tolist() == [[1.0] * 3] * 2
    with pytest.raises(NotFoundError, match="Key nokey not found in checkpoint"):
        tf.train.load_variable(path, "nokey")
    reader = tf.train.load_checkpoint(path)
    assert reader.get_variable_to_shape_map()["m/d/a/.ATTRIBUTES/VARIABLE_VALUE"] == []
    assert reader.get_variable_to_dtype_map()["step/.ATTRIBUTES/VARIABLE_VALUE"] == tf.int64
    assert tf.train.latest_checkpoint(str(tmp_path)) == path
    assert tf.train.latest_checkpoint(str(tmp_path / "empty")) is None


def test_keras_layers_in_modules_are_tracked_and_metrics_are_not(tmp_path):
    module = tf.Module()
    module.dense = keras.layers.Dense(2)
    module.dense.build((None, 3))
    path = tf.train.Checkpoint(m=module).write(str(tmp_path / "k"))
    keys = [k for k, _ in tf.train.list_variables(path)]
    assert keys == ["_CHECKPOINTABLE_OBJECT_GRAPH", "m/dense/bias/.ATTRIBUTES/VARIABLE_VALUE",
                    "m/dense/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    # As with Keras 3 on TensorFlow, metrics are not trackable (their state is per epoch).
    with pytest.raises(ValueError, match="was expecting mean to be a trackable object"):
        tf.train.Checkpoint(mean=keras.metrics.Mean())


def test_only_trackable_objects_are_accepted():
    for value in (7, "x", 1.5, tf.constant(1.0)):
        with pytest.raises(ValueError, match="`Checkpoint` was expecting count to be a trackable object"):
            tf.train.Checkpoint(count=value)
    ckpt = tf.train.Checkpoint()
    ckpt.extra = tf.Variable(1.0)  # attributes set later are tracked too
    assert [name for name, _ in ckpt._checkpoint_children()] == ["extra"]


def test_save_numbers_write_does_not(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    assert int(ckpt.save_counter) == 0
    ckpt.save(str(tmp_path / "ck"))
    assert ckpt.save(str(tmp_path / "ck")) == str(tmp_path / "ck-2")
    assert state_lines(tmp_path) == ['model_checkpoint_path: "ck-2"', 'all_model_checkpoint_paths: "ck-2"']
    assert ckpt.write(str(tmp_path / "written")) == str(tmp_path / "written")
    assert int(ckpt.save_counter) == 2 and state_lines(tmp_path)[0] == 'model_checkpoint_path: "ck-2"'
    assert ckpt.save(str(tmp_path / "sub" / "ck")) == str(tmp_path / "sub" / "ck-3")  # directories are made
    assert state_lines(tmp_path / "sub") == ['model_checkpoint_path: "ck-3"', 'all_model_checkpoint_paths: "ck-3"']


def test_restore_matches_by_place_not_by_name(tmp_path):
    source = MLP()
    source.d["a"].assign(-4.0)
    saved = tf.train.Checkpoint(m=source, step=tf.Variable(5, dtype=tf.int64))
    path = saved.save(str(tmp_path / "mod"))
    target = MLP()
    for v in target.variables:
        v.assign(v * 0 + 7)
    restored = tf.train.Checkpoint(m=target, step=tf.Variable(0, dtype=tf.int64))
    status = restored.restore(path)
    for a, b in zip(source.variables, target.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(restored.step) == 5 and int(restored.save_counter) == 1
    assert status.assert_consumed() is status and status.assert_existing_objects_matched() is status
    assert status.assert_nontrivial_match() is status and status.expect_partial() is status


def test_partial_restores_and_their_assertions(tmp_path):
    path = tf.train.Checkpoint(m=MLP(), step=tf.Variable(5, dtype=tf.int64)).save(str(tmp_path / "mod"))
    extra = tf.train.Checkpoint(step=tf.Variable(0, dtype=tf.int64), other=tf.Variable(1.0))
    status = extra.restore(path)
    assert int(extra.step) == 5
    for check in (status.assert_consumed, status.assert_existing_objects_matched):
        with pytest.raises(AssertionError, match="Found 1 Python objects that were not bound to checkpointed values"):
            check()
    status.assert_nontrivial_match()
    subset = tf.train.Checkpoint(step=tf.Variable(0, dtype=tf.int64)).restore(path)
    subset.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match=r'Unresolved object in checkpoint \(root\).m.shared: checkpoint_key: '
                                             r'"m/shared/.ATTRIBUTES/VARIABLE_VALUE"'):
        subset.assert_consumed()
    nothing = tf.train.Checkpoint(v=tf.Variable(1.0)).restore(None)
    for check in (nothing.assert_consumed, nothing.assert_existing_objects_matched, nothing.assert_nontrivial_match):
        with pytest.raises(AssertionError, match=r"No checkpoint specified \(save_path=None\)"):
            check()


def test_restore_errors(tmp_path):
    path = tf.train.Checkpoint(m=MLP(), step=tf.Variable(5, dtype=tf.int64)).save(str(tmp_path / "mod"))
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    with pytest.raises(NotFoundError, match="Failed to find any matching files for .*nope\nPlease double-check that "
                                            "the path is correct. You may be missing the checkpoint suffix"):
        ckpt.restore(str(tmp_path / "nope"))
    with pytest.raises(NotFoundError, match="Unsuccessful TensorSliceReader constructor"):
        ckpt.read(str(tmp_path / "nope"))
    with pytest.raises(DataLossError, match="is a directory"):
        ckpt.restore(str(tmp_path))
    with pytest.raises(InvalidArgumentError, match="tensor_name = step/.ATTRIBUTES/VARIABLE_VALUE; expected dtype "
                                                   "int32 does not equal original dtype int64"):
        tf.train.Checkpoint(step=tf.Variable(0, dtype=tf.int32)).restore(path)
    (tmp_path / "tfbundle.index").write_bytes(b"\x00\x01leveldb table")
    with pytest.raises(DataLossError, match="not a gradfit checkpoint: TensorFlow's own checkpoint files"):
        ckpt.restore(str(tmp_path / "tfbundle"))


def test_a_failed_restore_changes_nothing(tmp_path):
    path = tf.train.Checkpoint(m=MLP(), step=tf.Variable(5, dtype=tf.int64)).save(str(tmp_path / "mod"))
    target = MLP()
    target.d["a"] = tf.Variable([1.0, 2.0], name="da")
    for v in target.variables:
        v.assign(v * 0 + 7)
    before = [v.numpy().copy() for v in target.variables]
    step = tf.Variable(0, dtype=tf.int64)
    with pytest.raises(ValueError, match=r"Received incompatible tensor with shape \(\) when attempting to restore "
                                         r"variable with shape \(2,\) and name da \(checkpoint key "
                                         r"'m/d/a/.ATTRIBUTES/VARIABLE_VALUE'\)"):
        tf.train.Checkpoint(m=target, step=step).restore(path)
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(before, target.variables)) and int(step) == 0


def _adam_step(model, optimizer, x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x) ** 2)
    optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))


def test_optimizer_slots_are_restored_when_the_optimizer_builds(tmp_path):
    def make(seed):
        keras.utils.set_random_seed(seed)
        return (keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)]),
                keras.optimizers.Adam(0.01))

    x = np.ones((2, 3), np.float32)
    model, optimizer = make(1)
    for _ in range(2):
        _adam_step(model, optimizer, x)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "keras"))
    keys = [k for k, _ in tf.train.list_variables(path) if k.startswith("optimizer/")]
    assert keys == ["optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE",
                    "optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE"] + [
        f"optimizer/_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE" for i in range(2, 10)]  # TensorFlow's slot keys
    model2, optimizer2 = make(5)
    status = tf.train.Checkpoint(model=model2, optimizer=optimizer2).restore(path)
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(model.weights, model2.weights))
    assert int(optimizer2.iterations) == 2
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match=r"Unresolved object in checkpoint \(root\).optimizer._variables.2"):
        status.assert_consumed()
    optimizer2.build(model2.trainable_variables)
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(optimizer.variables, optimizer2.variables))
    assert "build" not in vars(optimizer2)  # the watch on build is gone once it has run
    status.assert_consumed()
    _adam_step(model, optimizer, x)
    _adam_step(model2, optimizer2, x)
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(model.weights, model2.weights))


def test_unbuilt_subclassed_model_is_restored_when_it_builds(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(4)
            self.d2 = keras.layers.Dense(2)
            self.blocks = [keras.layers.Dense(3)]

        def call(self, x):
            return self.d2(self.d1(self.blocks[0](x)))

    x = np.ones((2, 3), np.float32)
    keras.utils.set_random_seed(1)
    model, optimizer = Net(), keras.optimizers.Adam(0.01)
    for _ in range(2):
        _adam_step(model, optimizer, x)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "net"))
    assert "model/blocks/0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in dict(tf.train.list_variables(path))
    keras.utils.set_random_seed(5)
    model2, optimizer2 = Net(), keras.optimizers.Adam(0.01)
    status = tf.train.Checkpoint(model=model2, optimizer=optimizer2).restore(path)
    model2(x)  # builds the layers: their weights are restored then
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(model.weights, model2.weights))
    _adam_step(model, optimizer, x)
    _adam_step(model2, optimizer2, x)
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(model.weights, model2.weights))
    status.assert_consumed()

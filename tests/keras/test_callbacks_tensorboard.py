"""keras.callbacks.TensorBoard: the event files a fit writes, read back with gradfit's own reader.

The Keras comparisons use golden/make_summary.py's fixture (tests/fixtures/summary/summary.npz): the event
files Keras 3 wrote for the same model, weights and data.
"""
import glob
import json
import os
import re
import socket
import warnings

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras
from gradfit.summary.png import decode_png
from gradfit.summary.reader import summary_iterator

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "summary", "summary.npz"))
FIT_CASES = json.loads(str(FIXTURE["fit_cases"]))


def read_log(directory):
    """[(tag, step, plugin, value)] in the order written, from the one event file in `directory`."""
    paths = glob.glob(os.path.join(directory, "events.out.tfevents.*"))
    assert len(paths) == 1, paths
    events = list(summary_iterator(paths[0]))
    assert events[0].file_version == "brain.Event:2" and not events[0].summary
    return [(value.tag, event.step, value.plugin_name, value) for event in events[1:] for value in event.summary]


def scalars(entries):
    return {(tag, step): float(value.numpy()) for tag, step, plugin, value in entries if plugin == "scalars"}


def regressor():
    return keras.Sequential([keras.Input((3,), name="features"),
                             keras.layers.Dense(4, activation="relu", name="hidden"),
                             keras.layers.Dense(1, name="output")], name="regressor")


def fixture_fit(log_dir, **kwargs):
    model = regressor()
    model.set_weights([FIXTURE[f"initial_{k}"] for k in range(4)])
    model.compile(keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model.fit(FIXTURE["x"], FIXTURE["y"], epochs=3, batch_size=8, validation_split=0.25, shuffle=False,
                     verbose=0, callbacks=[keras.callbacks.TensorBoard(log_dir, **kwargs)])


# ------------------------------------------------------------------------------- against Keras 3
@pytest.mark.parametrize("case", sorted(FIT_CASES))
@pytest.mark.parametrize("part", ["train", "validation"])
def test_same_events_as_keras(tmp_path, case, part):
    fixture_fit(str(tmp_path), **FIT_CASES[case])
    theirs_path = tmp_path / "keras" / part
    theirs_path.mkdir(parents=True)
    (theirs_path / "events.out.tfevents.0.keras.0.0.v2").write_bytes(FIXTURE[f"{case}_{part}"].tobytes())
    ours, theirs = read_log(str(tmp_path / part)), read_log(str(theirs_path))
    assert [entry[:3] for entry in ours] == [entry[:3] for entry in theirs]
    for (tag, step, plugin, mine), (_, _, _, keras_value) in zip(ours, theirs):
        where = f"{tag} at step {step}"
        if plugin == "scalars":
            np.testing.assert_allclose(mine.numpy(), keras_value.numpy(), rtol=1e-6, atol=1e-6, err_msg=where)
        elif plugin == "histograms":
            np.testing.assert_allclose(mine.numpy()[:, :2], keras_value.numpy()[:, :2], rtol=1e-6, atol=1e-6,
                                       err_msg=where)
            np.testing.assert_array_equal(mine.numpy()[:, 2], keras_value.numpy()[:, 2], err_msg=where)
        elif plugin == "images":
            assert mine.string_val[:2] == keras_value.string_val[:2], where
            for png, keras_png in zip(mine.string_val[2:], keras_value.string_val[2:]):
                difference = decode_png(png).astype(int) - decode_png(keras_png).astype(int)
                assert np.abs(difference).max() <= 1, where
        else:
            assert plugin == "graph_keras_model" and mine.plugin_content == keras_value.plugin_content == b"1"
            config, keras_config = (json.loads(v.string_val[0]) for v in (mine, keras_value))
            assert config["class_name"] == keras_config["class_name"] == "Sequential"
            assert ([(layer["class_name"], layer["config"]["name"]) for layer in config["config"]["layers"]]
                    == [(layer["class_name"], layer["config"]["name"]) for layer in keras_config["config"]["layers"]])


# ------------------------------------------------------------------------------------ what a user sees
def data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def compiled(model=None):
    keras.utils.set_random_seed(0)
    model = model or regressor()
    model.compile(keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def test_epoch_metrics_match_history(tmp_path):
    x, y = data()
    history = compiled().fit(x, y, epochs=3, batch_size=8, validation_data=data(8, seed=1), verbose=0,
                             callbacks=[keras.callbacks.TensorBoard(tmp_path)])
    train, validation = scalars(read_log(tmp_path / "train")), scalars(read_log(tmp_path / "validation"))
    assert sorted(train) == sorted((f"epoch_{name}", epoch) for name in ("loss", "mae", "learning_rate")
                                   for epoch in range(3))
    for epoch in range(3):
        assert train["epoch_loss", epoch] == np.float32(history.history["loss"][epoch])
        assert validation["epoch_mae", epoch] == np.float32(history.history["val_mae"][epoch])
        assert train["epoch_learning_rate", epoch] == np.float32(0.05)
        # Validation also logs against the optimizer's iterations: 3 batches an epoch.
        assert validation["evaluation_loss_vs_iterations", 3 * (epoch + 1)] == validation["epoch_loss", epoch]


def test_batch_metrics_every_update_freq_batches(tmp_path):
    x, y = data()
    compiled().fit(x, y, epochs=2, batch_size=8, verbose=0,
                   callbacks=[keras.callbacks.TensorBoard(tmp_path, update_freq=2)])
    train = scalars(read_log(tmp_path / "train"))
    # Batches are counted from 1 across epochs (3 a epoch). As in Keras, the epoch summaries are recorded
    # only when the epoch's last batch is on the schedule: epoch 1 (batch 6) is, epoch 0 (batch 3) is not.
    assert sorted(step for tag, step in train if tag == "batch_loss") == [2, 4, 6]
    assert sorted(step for tag, step in train if tag == "epoch_loss") == [1]
    assert not os.path.exists(tmp_path / "validation")


def test_update_freq_batch_logs_every_batch(tmp_path):
    x, y = data()
    compiled().fit(x, y, epochs=2, batch_size=8, verbose=0,
                   callbacks=[keras.callbacks.TensorBoard(tmp_path, update_freq="batch")])
    train = scalars(read_log(tmp_path / "train"))
    assert sorted(step for tag, step in train if tag == "batch_mae") == [1, 2, 3, 4, 5, 6]
    assert sorted(step for tag, step in train if tag == "epoch_mae") == [0, 1]


def test_with_update_freq_epoch_batch_metrics_go_to_the_users_default_writer(tmp_path):
    x, y = data()
    with tf.summary.create_file_writer(str(tmp_path / "mine")).as_default():
        compiled().fit(x, y, epochs=1, batch_size=8, verbose=0,
                       callbacks=[keras.callbacks.TensorBoard(tmp_path / "callback")])
    mine = scalars(read_log(tmp_path / "mine"))
    assert sorted(mine) == [("batch_loss", 1), ("batch_loss", 2), ("batch_loss", 3),
                            ("batch_mae", 1), ("batch_mae", 2), ("batch_mae", 3)]
    assert sorted(tag for tag, _ in scalars(read_log(tmp_path / "callback" / "train"))) == [
        "epoch_learning_rate", "epoch_loss", "epoch_mae"]


def test_histograms_and_images_every_histogram_freq_epochs(tmp_path):
    x = np.random.default_rng(0).normal(size=(8, 6, 6, 2)).astype("float32")
    model = keras.Sequential([keras.Input((6, 6, 2)), keras.layers.Conv2D(3, 3, name="conv"),
                              keras.layers.Flatten(), keras.layers.Dense(5, name="dense")], name="net")
    compiled(model).fit(x, np.zeros((8, 5), "float32"), epochs=3, batch_size=4, verbose=0,
                        callbacks=[keras.callbacks.TensorBoard(tmp_path, histogram_freq=2, write_images=True)])
    entries = read_log(tmp_path / "train")
    histograms = {(tag, step): value.numpy() for tag, step, plugin, value in entries if plugin == "histograms"}
    assert sorted(histograms) == sorted((f"net/{weight}/histogram", epoch) for epoch in (0, 2)
                                        for weight in ("conv/kernel", "conv/bias", "dense/kernel", "dense/bias"))
    kernel = histograms["net/dense/kernel/histogram", 2]
    assert kernel.shape == (30, 3) and kernel[:, 2].sum() == 48 * 5
    assert kernel[0, 0] == pytest.approx(float(model.layers[-1].kernel.numpy().min()))
    images = {tag: value for tag, step, plugin, value in entries if plugin == "images" and step == 2}
    # A (3, 3, 2, 3) kernel reads as three RGB images, 3 high and 2 wide; a (48, 5) kernel is drawn 48 wide.
    assert sorted(images) == ["net/conv/bias/image", "net/conv/kernel/image", "net/dense/bias/image",
                              "net/dense/kernel/image"]
    conv = images["net/conv/kernel/image"]
    assert conv.string_val[:2] == [b"2", b"3"] and len(conv.string_val) == 2 + 3
    assert decode_png(conv.string_val[2]).shape == (3, 2, 3)
    assert images["net/dense/kernel/image"].string_val[:2] == [b"48", b"5"]
    bias = decode_png(images["net/dense/bias/image"].string_val[2])
    expected = np.clip(model.layers[-1].bias.numpy() * 255.5, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(bias.reshape(-1), expected)


def test_evaluate_alone_logs_against_iterations(tmp_path):
    x, y = data()
    model = compiled()
    logs = model.evaluate(x, y, verbose=0, return_dict=True, callbacks=[keras.callbacks.TensorBoard(tmp_path)])
    validation = scalars(read_log(tmp_path / "validation"))
    assert validation == {("evaluation_loss_vs_iterations", 0): pytest.approx(logs["loss"], rel=1e-6),
                          ("evaluation_mae_vs_iterations", 0): pytest.approx(logs["mae"], rel=1e-6)}


def test_summaries_written_in_call_use_the_batch_schedule(tmp_path):
    class Logged(keras.layers.Layer):
        def call(self, inputs):
            tf.summary.scalar("mean_input", tf.reduce_mean(inputs))
            return inputs

    model = keras.Sequential([keras.Input((3,)), Logged(), keras.layers.Dense(1)])
    x, y = data()
    compiled(model).fit(x, y, epochs=1, batch_size=8, validation_data=data(8, seed=1), shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TensorBoard(tmp_path, update_freq=1)])
    train = scalars(read_log(tmp_path / "train"))
    assert sorted(step for tag, step in train if tag == "mean_input") == [1, 2, 3]
    assert train["mean_input", 1] == pytest.approx(float(x[:8].mean()), rel=1e-6)
    validation = scalars(read_log(tmp_path / "validation"))
    assert [step for tag, step in validation if tag == "mean_input"] == [1]
    assert not tf.summary.should_record_summaries()  # fit() leaves no default writer behind


def test_steps_per_second(tmp_path):
    x, y = data()
    compiled().fit(x, y, epochs=2, batch_size=8, verbose=0,
                   callbacks=[keras.callbacks.TensorBoard(tmp_path, write_steps_per_second=True, update_freq=3)])
    train = scalars(read_log(tmp_path / "train"))
    assert sorted(step for tag, step in train if tag == "batch_steps_per_second") == [3, 6]
    assert sorted(step for tag, step in train if tag == "epoch_steps_per_second") == [0, 1]
    assert all(value > 0 for (tag, _), value in train.items() if tag.endswith("steps_per_second"))


def test_model_config_for_the_graphs_dashboard(tmp_path):
    x, y = data()
    compiled().fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(tmp_path / "graph")])
    (graph,) = [value for tag, step, plugin, value in read_log(tmp_path / "graph" / "train") if tag == "keras"]
    assert graph.plugin_name == "graph_keras_model" and graph.shape == ()
    assert json.loads(graph.string_val[0])["class_name"] == "Sequential"
    compiled().fit(x, y, epochs=1, verbose=0,
                   callbacks=[keras.callbacks.TensorBoard(tmp_path / "no_graph", write_graph=False)])
    assert "keras" not in [tag for tag, *_ in read_log(tmp_path / "no_graph" / "train")]


def test_event_files_are_named_as_tensorflow_names_them(tmp_path):
    x, y = data()
    compiled().fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=[keras.callbacks.TensorBoard(tmp_path)])
    names = [os.path.basename(path) for path in glob.glob(str(tmp_path / "*" / "events.*"))]
    pattern = rf"events\.out\.tfevents\.\d{{10}}\.{re.escape(socket.gethostname())}\.{os.getpid()}\.\d+\.v2"
    assert len(names) == 2 and all(re.fullmatch(pattern, name) for name in names)


def test_profiling_is_refused():
    with pytest.raises(ValueError, match="profile_batch=5"):
        keras.callbacks.TensorBoard(profile_batch=5)
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(update_freq=0)


def test_embeddings_write_keras_files_with_a_warning(tmp_path):
    model = keras.Sequential([keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 3, name="words"),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    with pytest.warns(UserWarning, match="projector"):
        callback = keras.callbacks.TensorBoard(tmp_path, embeddings_freq=1, embeddings_metadata={"words": "w.tsv"})
    x = np.random.default_rng(0).integers(0, 10, size=(8, 4))
    compiled(model).fit(x, np.zeros((8, 1), "float32"), epochs=2, verbose=0, callbacks=[callback])
    assert (tmp_path / "projector_config.pbtxt").read_text() == (
        'embeddings {\n  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n'
        '  metadata_path: "w.tsv"\n}\n')
    assert sorted(name for name in os.listdir(tmp_path / "train") if not name.startswith("events.")) == [
        "keras_embedding.ckpt-0.weights.h5", "keras_embedding.ckpt-1.weights.h5"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        callback = keras.callbacks.TensorBoard(tmp_path / "other", embeddings_freq=1,
                                               embeddings_metadata={"nope": "x.tsv"})
    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names"):
        callback.set_model(model)

"""ModelCheckpoint and BackupAndRestore inside one process (a killed process: test_crash_recovery.py)."""
import json
import os
import zipfile

import numpy as np
import pytest

from gradfit import keras
from gradfit.keras import callbacks, layers

X = np.random.default_rng(0).standard_normal((48, 6)).astype("float32")
Y = np.random.default_rng(1).integers(0, 3, 48)


def classifier(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(10, activation="relu"), layers.Dropout(0.3),
                              layers.BatchNormalization(), layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def fit(model, epochs=4, **kwargs):
    return model.fit(X, Y, batch_size=8, epochs=epochs, shuffle=True, verbose=0, **kwargs)


def same_weights(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


class Interrupt(callbacks.Callback):
    """Stops training with an exception after batch `batch` of epoch `epoch` (as a crash would)."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch = (epoch, batch), 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt


# ------------------------------------------------------------------------------------- ModelCheckpoint
def test_one_file_per_epoch_named_from_the_logs(tmp_path):
    model = classifier()
    history = fit(model, epochs=3, validation_split=0.25, callbacks=[
        callbacks.ModelCheckpoint(str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.3f}.keras"))])
    names = sorted(os.listdir(tmp_path))
    assert names == [f"ckpt-{e + 1:02d}-{loss:.3f}.keras" for e, loss in enumerate(history.history["val_loss"])]
    last = keras.saving.load_model(tmp_path / names[-1])
    assert same_weights(last.get_weights(), model.get_weights())
    assert int(last.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())


def test_save_best_only_keeps_the_best_epoch(tmp_path):
    model = classifier()
    best = {}

    def remember(epoch, logs):
        if not best or logs["val_loss"] < best["val_loss"]:
            best.update(val_loss=logs["val_loss"], weights=model.get_weights())

    fit(model, epochs=5, validation_split=0.25, callbacks=[
        callbacks.ModelCheckpoint(tmp_path / "best.weights.h5", save_best_only=True, save_weights_only=True),
        callbacks.LambdaCallback(on_epoch_end=remember)])
    twin = classifier()
    keras.saving.load_weights(twin, tmp_path / "best.weights.h5")
    assert same_weights(twin.get_weights(), best["weights"])


def test_initial_value_threshold_must_be_beaten(tmp_path, capsys):
    fit(classifier(), epochs=2, callbacks=[callbacks.ModelCheckpoint(
        tmp_path / "m.keras", monitor="loss", save_best_only=True, initial_value_threshold=1e-9, verbose=1)])
    assert not os.path.exists(tmp_path / "m.keras")
    assert "loss did not improve from 0.00000" in capsys.readouterr().out


def test_max_mode_for_accuracy_and_a_warning_without_the_monitor(tmp_path):
    checkpoint = callbacks.ModelCheckpoint(tmp_path / "m.keras", monitor="accuracy", save_best_only=True)
    fit(classifier(), epochs=2, callbacks=[checkpoint])
    assert checkpoint.best > 0 and os.path.exists(tmp_path / "m.keras")
    with pytest.warns(UserWarning, match="Can save best model only with val_auc available"):
        fit(classifier(), epochs=1, callbacks=[
            callbacks.ModelCheckpoint(tmp_path / "n.keras", monitor="val_auc", save_best_only=True, mode="max")])


def test_save_freq_in_batches(tmp_path):
    fit(classifier(), epochs=2, callbacks=[callbacks.ModelCheckpoint(
        tmp_path / "e{epoch}-b{batch:02d}.weights.h5", save_weights_only=True, save_freq=4)])
    # 6 batches an epoch: every 4th batch counted across epochs.
    assert sorted(os.listdir(tmp_path)) == ["e1-b04.weights.h5", "e2-b02.weights.h5", "e2-b06.weights.h5"]


def test_arguments_are_checked_when_the_callback_is_made(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        callbacks.ModelCheckpoint(tmp_path / "m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"must end in `\.keras`"):
        callbacks.ModelCheckpoint(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        callbacks.ModelCheckpoint(tmp_path / "m.keras", save_freq="batch")
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        fit(classifier(), epochs=1, callbacks=[callbacks.ModelCheckpoint(tmp_path / "{nothing}.keras")])


def test_a_save_that_fails_half_way_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    model = classifier()
    fit(model, epochs=1, callbacks=[callbacks.ModelCheckpoint(tmp_path / "model.keras")])
    previous = (tmp_path / "model.keras").read_bytes()
    real_writestr = zipfile.ZipFile.writestr

    def failing_writestr(archive, name, data, *args, **kwargs):
        if name == "model.weights.h5":
            raise OSError(28, "No space left on device")
        return real_writestr(archive, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing_writestr)
    with pytest.raises(OSError, match="No space left"):
        fit(model, epochs=1, callbacks=[callbacks.ModelCheckpoint(tmp_path / "model.keras")])
    assert (tmp_path / "model.keras").read_bytes() == previous
    assert os.listdir(tmp_path) == ["model.keras"]


# ------------------------------------------------------------------------------------- BackupAndRestore
@pytest.mark.parametrize("save_freq, interrupt_at", [("epoch", (2, 3)), (4, (1, 2)), (1, (3, 5)), (5, (2, 0))])
def test_resuming_gives_the_weights_of_an_uninterrupted_run(tmp_path, save_freq, interrupt_at):
    reference = classifier()
    fit(reference)
    model = classifier()
    with pytest.raises(KeyboardInterrupt):
        fit(model, callbacks=[callbacks.BackupAndRestore(tmp_path, save_freq=save_freq), Interrupt(*interrupt_at)])
    resumed = classifier()
    fit(resumed, callbacks=[callbacks.BackupAndRestore(tmp_path, save_freq=save_freq)])
    assert same_weights(resumed.get_weights(), reference.get_weights())
    assert same_weights([v.numpy() for v in resumed.optimizer.variables],
                        [v.numpy() for v in reference.optimizer.variables])
    assert not os.path.exists(tmp_path)


def test_a_run_resumed_at_an_epoch_logs_only_the_remaining_epochs(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        fit(classifier(), callbacks=[callbacks.BackupAndRestore(tmp_path), Interrupt(2, 1)])
    history = fit(classifier(), callbacks=[callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)])
    assert len(history.history["loss"]) == 2
    assert json.loads((tmp_path / "training_metadata.json").read_text()) == {"epoch": 4, "batch": 0}


def test_a_backup_made_by_keras_resumes_at_its_epoch(tmp_path):
    model = classifier()
    fit(model, epochs=1)
    keras.saving.save_weights(model, tmp_path / "latest.weights.h5")
    (tmp_path / "training_metadata.json").write_text(json.dumps({"epoch": 3, "batch": 0}))
    resumed = classifier()
    history = fit(resumed, callbacks=[callbacks.BackupAndRestore(tmp_path)])
    assert len(history.history["loss"]) == 1
    assert int(resumed.optimizer.iterations.numpy()) == 12


def test_double_checkpoint_falls_back_on_the_previous_backup(tmp_path):
    reference = classifier()
    fit(reference)
    with pytest.raises(KeyboardInterrupt):
        fit(classifier(), callbacks=[callbacks.BackupAndRestore(tmp_path, double_checkpoint=True), Interrupt(2, 1)])
    assert sorted(os.listdir(tmp_path)) == ["latest.weights.h5", "latest.weights.h5.bkp", "training_metadata.json",
                                            "training_metadata.json.bkp"]
    (tmp_path / "latest.weights.h5").write_bytes(b"damaged by a failing disk")
    resumed = classifier()
    history = fit(resumed, callbacks=[callbacks.BackupAndRestore(tmp_path, double_checkpoint=True)])
    assert len(history.history["loss"]) == 3  # from the backup of epoch 1, not 2
    assert same_weights(resumed.get_weights(), reference.get_weights())


def test_without_a_backup_training_starts_at_the_beginning(tmp_path):
    history = fit(classifier(), epochs=2, callbacks=[callbacks.BackupAndRestore(tmp_path / "backup",
                                                                                 delete_checkpoint=False)])
    assert len(history.history["loss"]) == 2
    assert sorted(os.listdir(tmp_path / "backup")) == ["latest.weights.h5", "training_metadata.json"]


def test_an_unreadable_backup_is_an_error_naming_it(tmp_path):
    (tmp_path / "latest.weights.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="latest.weights.h5"):
        fit(classifier(), callbacks=[callbacks.BackupAndRestore(tmp_path)])


def test_backup_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.BackupAndRestore(tmp_path, save_freq="batch")
    unbuilt = keras.Sequential([layers.Dense(1)])
    unbuilt.compile("sgd", "mse")
    with pytest.raises(ValueError, match="must be built"):
        unbuilt.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.BackupAndRestore(tmp_path)])

"""A training run for test_crash_recovery.py to kill: seeded fit() with BackupAndRestore and ModelCheckpoint.

    python crash_child.py WORKDIR

Appends "epoch batch" to WORKDIR/progress after each batch, and writes the final weights to
WORKDIR/final.npz. With PAUSE_IN_SAVE set, one save pauses half-way (after creating WORKDIR/paused) so
the test can kill the process inside it:
    PAUSE_IN_SAVE=replace:<file name>:<n>  the n-th time <file name> is about to be renamed into place
                                           (written and synced, not yet replacing the previous file);
    PAUSE_IN_SAVE=zip:<n>                  the n-th time the weights are about to go into a `.keras`
                                           archive (a partial zip on disk).
"""
import os
import sys
import time
import zipfile

import numpy as np

from gradfit import keras
from gradfit.keras import callbacks, layers


def pause_in_saves(workdir, spec):
    kind, *target, count = spec.split(":")
    seen = [0]

    def pause():
        seen[0] += 1
        if seen[0] == int(count):
            open(os.path.join(workdir, "paused"), "w").close()
            time.sleep(600)

    if kind == "replace":
        real_replace = os.replace

        def replace(source, destination, *args, **kwargs):
            if os.path.basename(destination) == target[0]:
                pause()
            return real_replace(source, destination, *args, **kwargs)

        os.replace = replace
    else:
        real_writestr = zipfile.ZipFile.writestr

        def writestr(archive, name, data, *args, **kwargs):
            if name == "model.weights.h5":
                archive.fp.flush()
                pause()
            return real_writestr(archive, name, data, *args, **kwargs)

        zipfile.ZipFile.writestr = writestr


class Progress(callbacks.Callback):
    """Records each finished batch, and paces training so a kill can land at a chosen batch."""

    def __init__(self, path):
        super().__init__()
        self.path, self.epoch = path, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        with open(self.path, "a") as f:
            f.write(f"{self.epoch} {batch}\n")
        time.sleep(0.01)


def main(workdir):
    if os.environ.get("PAUSE_IN_SAVE"):
        pause_in_saves(workdir, os.environ["PAUSE_IN_SAVE"])
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((64, 6)).astype("float32"), rng.integers(0, 3, 64)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.25),
                              layers.BatchNormalization(), layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    checkpoints = os.path.join(workdir, "checkpoints")
    model.fit(x, y, batch_size=8, epochs=4, shuffle=True, verbose=0, callbacks=[
        callbacks.BackupAndRestore(os.path.join(workdir, "backup"), save_freq=3),
        callbacks.ModelCheckpoint(os.path.join(checkpoints, "model.keras")),
        callbacks.ModelCheckpoint(os.path.join(checkpoints, "epoch{epoch}.keras")),
        callbacks.ModelCheckpoint(os.path.join(checkpoints, "latest.weights.h5"), save_weights_only=True,
                                  save_freq=2),
        Progress(os.path.join(workdir, "progress"))])
    np.savez(os.path.join(workdir, "final.npz"), *model.get_weights())


if __name__ == "__main__":
    main(sys.argv[1])

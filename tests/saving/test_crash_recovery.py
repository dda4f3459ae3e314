"""A training process killed with SIGKILL (mid-epoch, and inside a checkpoint write) leaves only loadable
checkpoints, and restarting it with BackupAndRestore ends with the weights of a run never interrupted.

The process is tests/saving/crash_child.py: a seeded fit() with shuffling and dropout, backed up every 3
batches, checkpointed every epoch (.keras) and every 2 batches (.weights.h5).
"""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from gradfit import keras
from gradfit.keras import layers
from gradfit.keras.saving.atomic_file import is_temporary

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crash_child.py")


def start(workdir, pause=None):
    env = {k: v for k, v in os.environ.items() if k != "PAUSE_IN_SAVE"}
    if pause:
        env["PAUSE_IN_SAVE"] = pause
    (workdir / "progress").write_text("")
    return subprocess.Popen([sys.executable, CHILD, str(workdir)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def batches_done(workdir):
    return [tuple(map(int, line.split())) for line in (workdir / "progress").read_text().splitlines()]


def wait_until(condition, process, what, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the training process ended before {what}: {process.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.002)


def kill(process):
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    process.stderr.close()


def child_model():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.25),
                              layers.BatchNormalization(), layers.Dense(3)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.optimizer.build(model.trainable_variables)
    return model


def assert_every_file_loads(workdir):
    """Load every checkpoint and backup file on disk; return the names of interrupted temporary files."""
    temporary = []
    for directory in (workdir / "checkpoints", workdir / "backup"):
        for name in sorted(os.listdir(directory)) if directory.exists() else []:
            path = directory / name
            if is_temporary(name):
                temporary.append(name)
            elif name.endswith(".keras"):
                keras.saving.load_model(path)
            elif name.endswith(".weights.h5") or name.endswith(".weights.h5.bkp"):
                keras.saving.load_weights(child_model(), path)
            else:
                json.loads(path.read_text())
    return temporary


def run_to_the_end(workdir):
    process = start(workdir)
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors.decode()[-2000:]
    with np.load(workdir / "final.npz") as final:
        return [final[f"arr_{i}"] for i in range(len(final.files))]


def kill_inside_a_save(workdir, pause):
    """Start training, let it pause inside a save, SIGKILL it there; return the temporary files left."""
    marker = workdir / "paused"
    if marker.exists():
        marker.unlink()
    process = start(workdir, pause)
    wait_until(marker.exists, process, f"the save paused by {pause}")
    kill(process)
    return assert_every_file_loads(workdir)


def test_kills_inside_saves_leave_every_file_loadable(tmp_path):
    left = kill_inside_a_save(tmp_path, "replace:latest.weights.h5:3")
    assert any(name.startswith(".latest.weights.h5.") for name in left)  # the kill landed inside that save
    left = kill_inside_a_save(tmp_path, "zip:2")
    assert any(".keras." in name for name in left)


def test_killed_training_resumes_to_the_weights_of_an_uninterrupted_run(tmp_path):
    reference_dir, workdir = tmp_path / "reference", tmp_path / "interrupted"
    reference_dir.mkdir()
    workdir.mkdir()
    reference = run_to_the_end(reference_dir)

    process = start(workdir)
    wait_until(lambda: (1, 4) in batches_done(workdir), process, "epoch 1, batch 4")
    kill(process)
    assert_every_file_loads(workdir)

    assert kill_inside_a_save(workdir, "replace:latest.weights.h5:2")
    assert batches_done(workdir)[0] != (0, 0)  # the restarted run resumed instead of starting over
    assert kill_inside_a_save(workdir, "zip:1")

    final = run_to_the_end(workdir)
    assert batches_done(workdir)[0] != (0, 0)
    assert len(final) == len(reference)
    for ours, theirs in zip(final, reference):
        np.testing.assert_array_equal(ours, theirs)
    assert not (workdir / "backup").exists()  # deleted once training finished

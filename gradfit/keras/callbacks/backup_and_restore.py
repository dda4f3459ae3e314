"""keras.callbacks.BackupAndRestore: resume an interrupted `fit()` where it stopped, exactly."""
import json
import os
import shutil
import warnings

import numpy as np

from ... import backend
from .callback import Callback
from .model_checkpoint import BatchSchedule

# Root attribute of the backup weights file holding where training stood and the random generators' states.
_TRAINING_STATE = "gradfit_training_state"
# Bit generators whose saved states are restored (the file is data: it never names a class to instantiate).
_BIT_GENERATORS = {"PCG64": np.random.PCG64, "PCG64DXSM": np.random.PCG64DXSM}


class BackupAndRestore(Callback):
    """Backs up the training state in `backup_dir` and restores it when `fit()` starts again.

    The backup (`latest.weights.h5`: the model's and optimizer's variables in Keras's layout, plus where
    training stood and the states of the random generators; `training_metadata.json` as Keras writes
    it) is replaced at the end of every epoch, or every `save_freq` batches, and always atomically, so
    a process killed at any moment (even during a backup) leaves a complete backup. A new `fit()` with
    the same model, data and arguments then continues from the backed-up epoch and batch: shuffling and
    dropout draw the same random numbers as an uninterrupted run, so the weights end up bit for bit the
    same. The metrics logged for the epoch that was interrupted cover only the batches run after it.

    Args:
        backup_dir: a directory used only by this callback.
        save_freq: 'epoch', or a number of batches between backups.
        double_checkpoint: also keep the previous backup (`*.bkp`), used if the latest cannot be read.
        delete_checkpoint: delete `backup_dir` when training finishes.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. Expected "
                             "either 'epoch' or a positive integer value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
        self._schedule = BatchSchedule(save_freq)
        self._current_epoch = 0
        self._steps_done = 0  # batches of the current epoch trained so far
        self._epoch_random_state = None  # the global generator's state when the current epoch began
        self._resume = None  # the backed-up state, until the epoch (and batch) it was taken at begin

    # ------------------------------------------------------------------------------------- restoring
    def on_train_begin(self, logs=None):
        self._resume = None
        self._schedule = BatchSchedule(self.save_freq)
        self._remove_interrupted_writes()
        try:
            self._load_model()
        except (OSError, ValueError):
            # The latest backup cannot be read: fall back on the previous one, if it was kept.
            if not os.path.exists(self._prev_weights_path):
                raise
            _copy(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                _copy(self._prev_training_metadata_path, self._training_metadata_path)
            self._load_model()

    def _load_model(self):
        from ..saving.h5_store import open_for_reading
        from ..saving.state_tree import load_state

        if not self.model.built:
            raise ValueError(f"To use the BackupAndRestore callback, you model must be built before you call `fit()`. "
                             f"Model {self.model} is unbuilt. You can build it beforehand by calling it on a batch of "
                             "data.")
        if not os.path.exists(self._weights_path):
            return
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            # The optimizer's variables must exist to receive their backed-up values.
            optimizer.build(self.model.trainable_variables)
        reader = open_for_reading(self._weights_path, f"'{self._weights_path}'")
        try:
            state = reader.attribute(_TRAINING_STATE)
            load_state(self.model, reader)
        finally:
            reader.close()
        if state is None:
            # A backup made by Keras: it resumes at the start of the recorded epoch.
            self._resume_at(self._keras_metadata_epoch(), 0)
            return
        try:
            state = json.loads(state)
            epoch, step = int(state["epoch"]), int(state["step"])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"The backup '{self._weights_path}' holds an unreadable training state: {error}") from error
        self._resume = state
        self._resume_at(epoch, step)

    def _keras_metadata_epoch(self):
        if not os.path.exists(self._training_metadata_path):
            return 0
        try:
            with open(self._training_metadata_path) as f:
                return int(json.load(f)["epoch"])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"Unreadable backup metadata '{self._training_metadata_path}': {error}") from error

    def _resume_at(self, epoch, step):
        """Tell `fit()` (Keras's hook) which epoch to start at, and how many of its batches are done."""
        self.model._initial_epoch = epoch
        self.model._initial_step = step
        self._current_epoch = epoch
        # Backups were due right after the batch this one was taken at: the schedule goes on from there.
        self._schedule.last_batch = step - 1 if step else None

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch
        self._steps_done = 0
        resume = self._resume
        if resume is not None and epoch != int(resume["epoch"]):
            warnings.warn(f"BackupAndRestore restored the backup of epoch {resume['epoch']}, but fit() started at epoch "
                          f"{epoch}: this trainer does not resume from `model._initial_epoch`, so training repeats "
                          "from there with the restored weights.", stacklevel=2)
            self._resume = resume = None
        if resume is not None:
            # The epoch's shuffle is drawn from the global generator as it was when the epoch first began.
            random_state = backend.random_state
            random_state.generator = _restored_generator(random_state.generator, resume["epoch_random"])
            if int(resume["step"]) == 0:
                _restore_random_state(self.model, resume["random"])
                self._resume = None
            else:
                self._steps_done = int(resume["step"])
        self._epoch_random_state = _generator_state(backend.random_state.generator)

    def on_train_batch_begin(self, batch, logs=None):
        if self._resume is not None:
            # The first batch after those already done: random draws continue from where the backup was taken.
            _restore_random_state(self.model, self._resume["random"])
            self._resume = None

    # ---------------------------------------------------------------------------------------- backing up
    def on_train_batch_end(self, batch, logs=None):
        self._steps_done = batch + 1
        if self.save_freq != "epoch" and self._schedule.is_due(batch):
            self._save_model()

    def on_epoch_end(self, epoch, logs=None):
        if self._resume is not None:
            # The backup was taken after the epoch's last batch: no batch ran to restore the generators at.
            _restore_random_state(self.model, self._resume["random"])
            self._resume = None
        self._current_epoch = epoch + 1
        self._schedule.last_batch = None
        self._steps_done = 0
        self._epoch_random_state = _generator_state(backend.random_state.generator)
        if self.save_freq == "epoch":
            self._save_model()

    def _save_model(self):
        from ..saving.atomic_file import write_bytes
        from ..saving.h5_store import H5Writer
        from ..saving.state_tree import save_state

        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for latest, previous in ((self._weights_path, self._prev_weights_path),
                                     (self._training_metadata_path, self._prev_training_metadata_path)):
                if os.path.exists(latest):
                    _copy(latest, previous)
        state = {"epoch": self._current_epoch, "step": self._steps_done, "epoch_random": self._epoch_random_state,
                 "random": _random_state(self.model)}
        writer = H5Writer()
        try:
            save_state(self.model, writer)
            writer.set_attribute(_TRAINING_STATE, json.dumps(state))
            data = writer.getvalue()
        finally:
            writer.close()
        # One file holds the variables and the training state together, so they always agree.
        write_bytes(self._weights_path, data)
        write_bytes(self._training_metadata_path,
                    json.dumps({"epoch": self._current_epoch, "batch": self._schedule.last_batch or 0}).encode())

    def on_train_end(self, logs=None):
        self.model._initial_epoch = None
        self.model._initial_step = 0
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def _remove_interrupted_writes(self):
        from ..saving.atomic_file import is_temporary

        if os.path.isdir(self.backup_dir):
            for name in os.listdir(self.backup_dir):
                if is_temporary(name):
                    os.remove(os.path.join(self.backup_dir, name))


def _copy(source, destination):
    from ..saving.atomic_file import write_bytes

    with open(source, "rb") as f:
        write_bytes(destination, f.read())


# ------------------------------------------------------------------------------------ random generators
def _generator_state(generator):
    return generator.bit_generator.state


def _restored_generator(generator, state):
    """`generator` with a saved state put in place (a new generator if the saved one is of another kind)."""
    kind = state.get("bit_generator") if isinstance(state, dict) else None
    if kind not in _BIT_GENERATORS:
        raise ValueError(f"Cannot restore a random generator of kind {kind!r}: expected one of "
                         f"{sorted(_BIT_GENERATORS)}")
    if generator is None or type(generator.bit_generator).__name__ != kind:
        generator = np.random.Generator(_BIT_GENERATORS[kind]())
    generator.bit_generator.state = state
    return generator


def _seed_generators(model):
    """{"object path:attribute": SeedGenerator} of the model's layers (dropout streams of their own)."""
    from ..random import SeedGenerator
    from ..saving.state_tree import walk

    found = {}
    for path, obj in walk(model):
        for name, value in vars(obj).items():
            if isinstance(value, SeedGenerator):
                found[f"{path}:{name}"] = value
    return found


def _random_state(model):
    """The states of every generator a training step may draw from: global, per-op-seed, per-layer."""
    state = backend.random_state
    return {"global": _generator_state(state.generator), "seed": state.seed,
            "ops": [[int(seed), _generator_state(g)] for seed, g in state.op_generators.items()],
            "layers": {key: _generator_state(g._generator) for key, g in _seed_generators(model).items()}}


def _restore_random_state(model, saved):
    state = backend.random_state
    state.seed = saved["seed"]
    # In place, so code holding the global generator (`backend.rng()`) draws the restored numbers.
    state.generator = _restored_generator(state.generator, saved["global"])
    state.op_generators = {int(seed): _restored_generator(None, g) for seed, g in saved["ops"]}
    layers = _seed_generators(model)
    for key, g in saved["layers"].items():
        if key in layers:
            layers[key]._generator = _restored_generator(layers[key]._generator, g)

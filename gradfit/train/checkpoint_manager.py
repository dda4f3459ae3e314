"""`tf.train.CheckpointManager`: numbered checkpoints in one directory, the newest `max_to_keep` kept.

    manager = tf.train.CheckpointManager(ckpt, "ckpts", max_to_keep=3)
    ckpt.restore(manager.latest_checkpoint)     # None on the first run: nothing restored
    ...
    manager.save()                              # 'ckpts/ckpt-1', 'ckpts/ckpt-2', ...

Every save is recorded in the directory's `checkpoint` file (paths and times), so a manager created
later on the same directory knows the checkpoints already there.
"""
import os
import time

import numpy as np

from ..ops.core import value
from . import checkpoint_file
from .checkpoint_state import get_checkpoint_state, write_state


def _number(x):
    return int(np.asarray(value(x)))


class CheckpointManager:
    """Saves `checkpoint` as `directory/checkpoint_name-<n>` and deletes all but the newest `max_to_keep`
    (None keeps all). With `keep_checkpoint_every_n_hours`, a checkpoint at least that many hours newer
    than the last one so preserved is kept on disk when it leaves the list. With `step_counter` and
    `checkpoint_interval`, `save()` saves only when the counter has advanced that much since the last save.
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None, checkpoint_name="ckpt",
                 step_counter=None, checkpoint_interval=None, init_fn=None, last_checkpoint_step=None):
        if not getattr(checkpoint, "_is_checkpoint", False):
            raise TypeError(f"CheckpointManager manages a tf.train.Checkpoint, got {type(checkpoint).__name__}")
        if max_to_keep is not None and (isinstance(max_to_keep, bool) or not isinstance(max_to_keep, (int, np.integer))
                                        or max_to_keep <= 0):
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._max_to_keep = max_to_keep
        self._keep_every_hours = keep_checkpoint_every_n_hours
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_checkpoint_step = last_checkpoint_step
        now = time.time()
        state = get_checkpoint_state(self._directory)
        self._latest = None
        self._kept = []  # (prefix, timestamp), oldest first
        self._last_preserved = now
        if state is not None:
            self._latest = state.model_checkpoint_path
            paths = state.all_model_checkpoint_paths
            times = state.all_model_checkpoint_timestamps
            if len(times) != len(paths):
                times = [now] * len(paths)
            self._kept = [(p, t) for p, t in zip(paths, times) if checkpoint_file.exists(p)]
            if state.last_preserved_timestamp is not None:
                self._last_preserved = state.last_preserved_timestamp

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self):
        """The prefix of the newest checkpoint (None when there is none), to pass to `restore`."""
        return self._latest

    @property
    def checkpoints(self):
        """The prefixes of the checkpoints kept, oldest first."""
        return [path for path, _ in self._kept]

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Save a checkpoint numbered `checkpoint_number` (default: the checkpoint's save counter after it
        is incremented), delete those beyond `max_to_keep`, and return its prefix (None when the step
        interval has not passed)."""
        step = None
        if self._step_counter is not None:
            step = _number(self._step_counter)
            if self._checkpoint_interval is not None and check_interval and self._last_checkpoint_step is not None \
                    and step < self._last_checkpoint_step + self._checkpoint_interval:
                return None
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        number = _number(counter) if checkpoint_number is None else _number(checkpoint_number)
        prefix = f"{self._prefix}-{number}"
        self._checkpoint.write(prefix)
        self._latest = prefix
        self._kept = [(p, t) for p, t in self._kept if p != prefix] + [(prefix, time.time())]
        self._sweep()
        write_state(self._directory, prefix, self.checkpoints, [t for _, t in self._kept], self._last_preserved)
        if step is not None:
            self._last_checkpoint_step = step
        return prefix

    def _sweep(self):
        if self._max_to_keep is None:
            return
        while len(self._kept) > self._max_to_keep:
            path, timestamp = self._kept.pop(0)
            if self._keep_every_hours is not None and \
                    timestamp - self._keep_every_hours * 3600.0 >= self._last_preserved:
                self._last_preserved = timestamp  # kept on disk, no longer managed
                continue
            checkpoint_file.remove(path)

    def restore_or_initialize(self):
        """Restore the newest checkpoint and return its prefix; with none, call `init_fn` (if given) and
        return None."""
        if self._latest is not None:
            self._checkpoint.restore(self._latest)
            if self._step_counter is not None:
                self._last_checkpoint_step = _number(self._step_counter)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self):
        return None

"""keras.callbacks.ModelCheckpoint: save the model (or its weights) during training, crash-proof."""
import os
import warnings

import numpy as np

from .monitor_callback import MonitorCallback
from ..utils.progbar import print_msg


class BatchSchedule:
    """Due every `every`-th finished batch, counting across epochs (batch numbers restart at 0 each epoch)."""

    def __init__(self, every):
        self.every = every
        self.batches_since_due = 0
        self.last_batch = None  # the last batch seen, or None at the start of an epoch

    def is_due(self, batch):
        if self.last_batch is None or batch <= self.last_batch:
            self.batches_since_due += batch + 1
        else:
            self.batches_since_due += batch - self.last_batch
        self.last_batch = batch
        if self.batches_since_due >= self.every:
            self.batches_since_due = 0
            return True
        return False


class ModelCheckpoint(MonitorCallback):
    """Saves the model or its weights at the end of every epoch, or every `save_freq` batches.

    `filepath` may hold `str.format` fields filled from `epoch` (1-based), `batch` (1-based, for batch
    saves) and the logs: `"ckpt-{epoch:02d}-{val_loss:.2f}.keras"`. It must end in `.keras`, or in
    `.weights.h5` with `save_weights_only=True`. With `save_best_only=True` a file is written only when
    `monitor` improves (in `mode` 'min', 'max' or 'auto'; on `initial_value_threshold` too, if given).
    Each file is written beside its destination and renamed into place, so a crash during a save leaves
    the previous checkpoint intact.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._schedule = BatchSchedule(save_freq)
        self._current_epoch = 0
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1):
            raise ValueError(f"Unrecognized save_freq: {save_freq!r}. Expected save_freq are 'epoch' or a positive "
                             "integer (a number of batches)")
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided "
                                 f"must end in `.weights.h5` (Keras weights format). Received: filepath={self.filepath}")
        elif not self.filepath.endswith(".keras"):
            raise ValueError("The filepath provided must end in `.keras` (Keras model format). Received: "
                             f"filepath={self.filepath}")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq != "epoch" and self._schedule.is_due(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_model(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {current}. Falling "
                          "back to `save_best_only=False`.", stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                          f"saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        from ..saving import saving_api

        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                                    f"existing directory: {filepath}")
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            saving_api.save_weights(self.model, filepath, overwrite=True)
        else:
            saving_api.save_model(self.model, filepath, overwrite=True)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        """`filepath` with its fields filled: epoch and batch numbered from 1, then the logs."""
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}') from None

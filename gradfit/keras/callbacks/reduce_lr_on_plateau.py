"""keras.callbacks.ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving."""
import warnings

from ...tensor import constant
from .monitor_callback import MonitorCallback
from .optimizer_learning_rate import log_learning_rates, optimizers_of, read_learning_rate, write_learning_rate
from ..utils.progbar import print_msg


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement of `monitor`.

    Args:
        monitor: the logged quantity to watch.
        factor: the learning rate becomes `lr * factor` (must be below 1).
        patience: epochs without improvement before a reduction.
        verbose: 1 prints a message at each reduction.
        mode: 'min', 'max' or 'auto' (the direction follows from the monitored name).
        min_delta: a change smaller than this is no improvement.
        cooldown: epochs to wait after a reduction before counting epochs without improvement again.
        min_lr: the learning rate never goes below this.

    Each epoch's logs get the current learning rate as `learning_rate`.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        if "epsilon" in kwargs:
            # Keras 2's name for min_delta.
            min_delta = kwargs.pop("epsilon")
            warnings.warn("ReduceLROnPlateau argument `epsilon` is deprecated; use `min_delta` instead.",
                          stacklevel=2)
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        super().__init__(monitor, mode, min_delta=min_delta)
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = {} if logs is None else logs
        log_learning_rates(self.model, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for name, optimizer in optimizers_of(self.model):
                    reduced = self._reduce_learning_rate(optimizer, epoch, name) or reduced
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _reduce_learning_rate(self, optimizer, epoch, name):
        old_lr = read_learning_rate(optimizer)
        # The rate is usually held in float32: compare with min_lr rounded to float32, so a rate already at
        # min_lr counts as there.
        if not old_lr > float(constant(self.min_lr, dtype="float32")):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        write_learning_rate(optimizer, new_lr)
        if self.verbose > 0:
            name_part = f" {name}" if name else ""
            print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_part} learning rate to {new_lr}.")
        return True

"""keras.callbacks.LearningRateScheduler: set the learning rate from a function of the epoch."""
import numbers

from ...tensor import Tensor
from .callback import Callback
from .optimizer_learning_rate import log_learning_rates, optimizers_of, read_learning_rate, write_learning_rate
from ..utils.progbar import print_msg


class LearningRateScheduler(Callback):
    """At the start of each epoch sets the learning rate to `schedule(epoch, lr)` (or `schedule(epoch)`).

    Args:
        schedule: a function of the epoch index (from 0) and the current learning rate (a float) returning
            the new learning rate (a float); a function of the epoch alone is accepted too.
        verbose: 1 prints the learning rate set at each epoch.

    Each epoch's logs get the current learning rate as `learning_rate`.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler expected `schedule` to be a function of (epoch, lr) or of "
                            f"(epoch), got {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        for name, optimizer in optimizers_of(self.model):
            learning_rate = self._update_learning_rate(optimizer, epoch)
            if self.verbose > 0:
                which = f"{name} learning rate" if name else "learning rate"
                print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which} to {learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        log_learning_rates(self.model, {} if logs is None else logs)

    def _update_learning_rate(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, read_learning_rate(optimizer))
        except TypeError:
            # A schedule of the epoch alone (Keras 2's signature).
            learning_rate = self.schedule(epoch)
        learning_rate = _as_float(learning_rate)
        write_learning_rate(optimizer, learning_rate)
        return learning_rate


def _as_float(learning_rate):
    """The schedule's result as a float: a Python or NumPy float, or a float scalar tensor (`lr * tf.exp(-0.1)`)."""
    if isinstance(learning_rate, Tensor) and learning_rate.shape.rank == 0 and learning_rate.dtype.is_floating:
        return float(learning_rate)
    if isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, numbers.Integral):
        return learning_rate
    raise ValueError(f"The output of the `schedule` function should be a float. Got: {learning_rate}")

"""keras.callbacks.TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite."""
import math

from .callback import Callback
from ..utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Stops `fit()` after a batch whose loss is NaN or infinite.

    Args:
        raise_error: False (default) stops gracefully with `model.stop_training = True`, so every callback's
            `on_train_end` still runs; True raises a RuntimeError at once instead.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               "Terminating training immediately.")
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True

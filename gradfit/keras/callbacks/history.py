"""keras.callbacks.History: the per-epoch record that `fit()` returns."""
from .callback import Callback


class History(Callback):
    """Records each epoch's logs; `fit()` adds one, installs it as `model.history` and returns it.

    `history` maps each metric name to its list of per-epoch values, `epoch` lists the epochs recorded,
    `params` holds the run's parameters (`{'verbose': 1, 'epochs': 10, 'steps': 1}`).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        # As in Keras, a History reused across fit() calls restarts `epoch` but keeps adding to `history`.
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self

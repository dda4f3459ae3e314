"""The trainer: compile, fit, evaluate, predict and the *_on_batch methods, mixed into `Model`.

`Model` knows layers and weights; the trainer knows epochs, batches, callbacks and metrics.
`train_step` is the seam where users override, and fit/train_on_batch both run it.
"""


class Trainer:
    """Training and evaluation methods of `keras.Model` (see `gradfit.keras.models.Model`)."""

    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None

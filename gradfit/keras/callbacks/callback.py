"""keras.callbacks.Callback: the base class of the hooks fit(), evaluate() and predict() call."""


def _default_hook(method):
    """Marks a hook as the base class's no-op, so a caller can tell whether a callback overrides it."""
    method._is_default = True
    return method


def is_default_hook(method):
    """Whether `method` (e.g. `callback.on_train_batch_end`) is the base class's no-op rather than an override.

    Unlike a class lookup, this also sees hooks a callback sets on its instance.
    """
    return getattr(method, "_is_default", False)


class Callback:
    """Base class of callbacks: subclass it and override the `on_*` hooks you need; the rest do nothing.

    `model` is the model being trained, evaluated or run (set by `set_model`); `params` holds the run's
    parameters, e.g. `{'verbose': 1, 'epochs': 10, 'steps': 32}` (set by `set_params`). Every hook gets
    `logs`, a dict of Python floats: batch hooks the metrics so far in the epoch, `on_epoch_end` the epoch's
    metrics (validation ones prefixed `val_`), `on_train_end` the last epoch's logs.
    """

    # Class-level defaults keep `model` and `params` readable in subclasses that skip `super().__init__()`.
    params = None
    _model = None

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        """The model this callback is attached to."""
        return self._model

    @model.setter
    def model(self, model):
        # Keras 2 callbacks assign `self.model` directly; keep that working.
        self._model = model

    @_default_hook
    def on_batch_begin(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_begin`."""

    @_default_hook
    def on_batch_end(self, batch, logs=None):
        """A backwards compatibility alias for `on_train_batch_end`."""

    @_default_hook
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch `epoch` (0-based) in `fit()`."""

    @_default_hook
    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of epoch `epoch` with the epoch's metrics (validation ones prefixed `val_`)."""

    @_default_hook
    def on_train_batch_begin(self, batch, logs=None):
        """Called before training batch `batch` of the epoch; by default calls `on_batch_begin`."""
        self.on_batch_begin(batch, logs=logs)

    @_default_hook
    def on_train_batch_end(self, batch, logs=None):
        """Called after training batch `batch` with the metrics so far this epoch; calls `on_batch_end`."""
        self.on_batch_end(batch, logs=logs)

    @_default_hook
    def on_test_batch_begin(self, batch, logs=None):
        """Called before batch `batch` in `evaluate()` (and in `fit()`'s validation)."""

    @_default_hook
    def on_test_batch_end(self, batch, logs=None):
        """Called after batch `batch` in `evaluate()` with the metrics so far."""

    @_default_hook
    def on_predict_batch_begin(self, batch, logs=None):
        """Called before batch `batch` in `predict()`."""

    @_default_hook
    def on_predict_batch_end(self, batch, logs=None):
        """Called after batch `batch` in `predict()`; `logs['outputs']` holds the batch's outputs."""

    @_default_hook
    def on_train_begin(self, logs=None):
        """Called once at the start of `fit()`."""

    @_default_hook
    def on_train_end(self, logs=None):
        """Called once at the end of `fit()` with the last epoch's logs."""

    @_default_hook
    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate()` or of a validation run."""

    @_default_hook
    def on_test_end(self, logs=None):
        """Called at the end of `evaluate()` or of a validation run with its metrics."""

    @_default_hook
    def on_predict_begin(self, logs=None):
        """Called at the start of `predict()`."""

    @_default_hook
    def on_predict_end(self, logs=None):
        """Called at the end of `predict()`."""


HOOKS = tuple(sorted(name for name in vars(Callback) if name.startswith("on_")))

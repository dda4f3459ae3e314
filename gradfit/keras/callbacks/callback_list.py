"""keras.callbacks.CallbackList: the callbacks of one fit/evaluate/predict run, called together."""
from ... import nest
from ...tensor import Tensor
from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger


def pythonify_logs(logs):
    """Logs as Keras hands them to callbacks: keys sorted, nested dicts flattened, values as Python floats.

    A value that is not a number (a vector metric, predict()'s outputs) is passed on as it is, tensors as
    NumPy arrays.
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        if isinstance(value, Tensor):
            value = value.numpy()
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


class CallbackList(Callback):
    """Calls each hook on every callback in order; `fit()` builds one around the callbacks it is given.

    Args:
        callbacks: a list (possibly nested) of `Callback` instances.
        add_history: append a `History` callback unless the list has one already.
        add_progbar: append a `ProgbarLogger` unless the list has one already.
        model: the model the callbacks are used with (see `set_model`).
        **params: run parameters (`verbose`, `epochs`, `steps`) passed to each callback's `set_params`.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        callbacks = nest.flatten(callbacks) if callbacks else []
        for position, callback in enumerate(callbacks):
            _check_callback(callback, f"callbacks[{position}]")
        self.callbacks = callbacks
        # Open on_*_begin blocks (fit() runs evaluate() inside it); an end without a begin is a caller's bug.
        self._open_blocks = 0
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)

    def append(self, callback):
        """Adds `callback` at the end, attached to this list's model and parameters."""
        _check_callback(callback, "callback")
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)

    def __iter__(self):
        return iter(self.callbacks)

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    # ----------------------------------------------------------------------------------- batch hooks
    def on_batch_begin(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_train_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_train_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_test_batch_begin(batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_test_batch_end(batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_predict_batch_begin(batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_predict_batch_end(batch, logs=logs)

    # ----------------------------------------------------------------------------------- epoch hooks
    def on_epoch_begin(self, epoch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        # One dict for all callbacks, so what one adds (LearningRateScheduler's learning_rate) reaches History.
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    # ------------------------------------------------------------------------------- begin/end hooks
    def on_train_begin(self, logs=None):
        self._open_blocks += 1
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs=None):
        self._close_block()
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def on_test_begin(self, logs=None):
        self._open_blocks += 1
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_test_begin(logs)

    def on_test_end(self, logs=None):
        self._close_block()
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_test_end(logs)

    def on_predict_begin(self, logs=None):
        self._open_blocks += 1
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_predict_begin(logs)

    def on_predict_end(self, logs=None):
        self._close_block()
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_predict_end(logs)

    def _close_block(self):
        if self._open_blocks == 0:
            raise ValueError("`on_xxx_end` called without corresponding `on_xxx_begin`")
        self._open_blocks -= 1


def _check_callback(callback, where):
    if not isinstance(callback, Callback):
        raise TypeError(f"CallbackList expected `{where}` to be a keras.callbacks.Callback instance, got "
                        f"{callback!r} of type {type(callback).__name__}")

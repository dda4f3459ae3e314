"""keras.callbacks.LambdaCallback: a callback made of plain functions."""
from .callback import HOOKS, Callback


class LambdaCallback(Callback):
    """Calls the given functions at the matching hooks; hooks not given do what `Callback`'s do.

    `on_epoch_begin`/`on_epoch_end` are called with `(epoch, logs)`, `on_train_begin`/`on_train_end` with
    `(logs)`, `on_train_batch_begin`/`on_train_batch_end` with `(batch, logs=logs)`; any other hook of
    `Callback` can be given by name as a keyword argument, e.g. `on_test_end=fn`.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        functions = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                         on_train_begin=on_train_begin, on_train_end=on_train_end,
                         on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end)
        for name, function in functions.items():
            if name not in HOOKS:
                raise TypeError(f"LambdaCallback got an unknown hook `{name}`; hooks are: {', '.join(HOOKS)}")
            if function is not None and not callable(function):
                raise TypeError(f"LambdaCallback expected `{name}` to be a function, got {function!r}")
        self._functions = {name: function for name, function in functions.items() if function is not None}


def _forwarding_hook(name):
    """A hook that calls the function given for `name`, or else does what `Callback`'s hook does.

    Defined on the class (not set on the instance) so a trainer that looks up overridden hooks on the
    class sees every LambdaCallback hook.
    """
    base_hook = getattr(Callback, name)

    def hook(self, *args, **kwargs):
        function = self._functions.get(name)
        if function is None:
            return base_hook(self, *args, **kwargs)
        return function(*args, **kwargs)

    hook.__name__ = hook.__qualname__ = name
    hook.__doc__ = base_hook.__doc__
    return hook


for _name in HOOKS:
    setattr(LambdaCallback, _name, _forwarding_hook(_name))

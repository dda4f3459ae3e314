"""keras.utils.Config: a dict of named settings, read and written as attributes or items, freezable."""
import difflib
import json


class Config:
    """Named values, as attributes or items, that can be frozen against changes and written as JSON.

        config = keras.utils.Config(learning_rate=0.1, momentum=0.9)
        config.seed = 123              # same as config["seed"] = 123
        config.freeze()                # now any change raises ValueError
        config.to_json(), config.as_dict(), list(config)  # keys, sorted

    Iterating gives the keys in sorted order; `keys()`, `values()` and `items()` give them in insertion order.
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", kwargs)
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """Whether the config refuses changes."""
        return self._frozen

    def freeze(self):
        """Refuses any later change (setting, updating, popping or deleting a value)."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        object.__setattr__(self, "_frozen", False)

    def _check_not_frozen(self):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen.")

    def as_dict(self):
        """A (shallow) copy of the values as a dict."""
        return dict(self._config)

    def to_json(self):
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._check_not_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._check_not_frozen()
        return self._config.update(*args, **kwargs)

    # Attributes of the class (methods, `frozen`) stay attributes; any other name is a value of the config.
    def __setattr__(self, name, value):
        if hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        self._check_not_frozen()
        self._config[name] = value

    def __getattr__(self, name):
        config = self.__dict__.get("_config")
        if config is None or name.startswith("__"):
            raise AttributeError(name)
        if name in config:
            return config[name]
        message = f"Unknown attribute: '{name}'."
        close = difflib.get_close_matches(name, [str(k) for k in config], n=1, cutoff=0.7)
        if close:
            message += f" Did you mean '{close[0]}'?"
        raise AttributeError(message)

    def __setitem__(self, key, value):
        self._check_not_frozen()
        self._config[key] = value

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._check_not_frozen()
        del self._config[key]

    def __contains__(self, key):
        return key in self._config

    def __iter__(self):
        return iter(sorted(self._config))

    def __len__(self):
        return len(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"

"""Lists and dicts assigned to a layer attribute keep tracking the layers and variables put in them later.

`self.blocks = [Dense(4)]` then `self.blocks.append(Dense(2))`: both Dense layers are sublayers of `self`,
as in Keras. Removing an item stops tracking it.
"""


class _NoOwner:
    """Stands in for the layer of a tracked container created without one: tracks nothing."""

    @staticmethod
    def _track(value):
        return value

    @staticmethod
    def _untrack(value):
        return None


class TrackedList(list):
    """A list whose layers and variables belong to `owner` (added or removed with the list)."""

    def __init__(self, values=(), owner=None):
        # Nested lists and dicts become tracked too, so what is appended to them is seen. Without an
        # owner (as when code rebuilds a list of the same type) it is a plain list.
        self._owner = owner if owner is not None else _NoOwner
        super().__init__(self._owner._track(v) for v in values)

    def append(self, value):
        super().append(self._owner._track(value))

    def insert(self, index, value):
        super().insert(index, self._owner._track(value))

    def extend(self, values):
        super().extend(self._owner._track(v) for v in values)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def __setitem__(self, index, value):
        old = list(self[index]) if isinstance(index, slice) else [self[index]]
        if isinstance(index, slice):
            value = [self._owner._track(v) for v in value]
        else:
            value = self._owner._track(value)
        super().__setitem__(index, value)
        for item in old:
            self._owner._untrack(item)

    def __delitem__(self, index):
        old = list(self[index]) if isinstance(index, slice) else [self[index]]
        super().__delitem__(index)
        for item in old:
            self._owner._untrack(item)

    def pop(self, index=-1):
        value = super().pop(index)
        self._owner._untrack(value)
        return value

    def remove(self, value):
        super().remove(value)
        self._owner._untrack(value)

    def clear(self):
        old = list(self)
        super().clear()
        for item in old:
            self._owner._untrack(item)

    def __reduce_ex__(self, protocol):
        return (list, (list(self),))


class TrackedDict(dict):
    """A dict whose layer and variable values belong to `owner`."""

    def __init__(self, values=(), owner=None):
        self._owner = owner if owner is not None else _NoOwner
        super().__init__((k, self._owner._track(v)) for k, v in dict(values).items())

    def __setitem__(self, key, value):
        old = self.get(key)
        super().__setitem__(key, self._owner._track(value))
        if old is not None and old is not value:
            self._owner._untrack(old)

    def __delitem__(self, key):
        old = self[key]
        super().__delitem__(key)
        self._owner._untrack(old)

    def pop(self, key, *default):
        had = key in self
        value = super().pop(key, *default)
        if had:
            self._owner._untrack(value)
        return value

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self):
        old = list(self.values())
        super().clear()
        for item in old:
            self._owner._untrack(item)

    def __reduce_ex__(self, protocol):
        return (dict, (dict(self),))


def is_metric(value):
    """Metric objects (tracked in `layer.metrics`), recognised by their interface."""
    cls = type(value)
    return (not isinstance(value, type) and hasattr(cls, "update_state") and hasattr(cls, "result")
            and hasattr(cls, "reset_state"))

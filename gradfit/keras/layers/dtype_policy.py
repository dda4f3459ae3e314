"""DTypePolicy: the dtype a layer computes in and stores its weights in (Keras 3's `keras.DTypePolicy`)."""
from ... import backend


class DTypePolicy:
    """A named dtype policy: 'float32' (the default, from floatx()), 'float64', 'float16', or an integer
    dtype for layers that compute on integers. Compute and variable dtypes are the same."""

    def __init__(self, name=None):
        name = backend.floatx() if name is None else str(name)
        if name.startswith("mixed_"):
            raise ValueError(f"Mixed precision policy {name!r} is not supported by the NumPy backend: NumPy has "
                             "no fast float16 kernels; use 'float32' (the default) or 'float64'")
        try:
            backend.np_dtype(name)
        except TypeError:
            raise ValueError(f"Cannot convert {name!r} to a DTypePolicy: expected the name of a dtype such as "
                             "'float32' or 'float64'") from None
        self._name = backend.as_dtype(name).name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._name

    @property
    def variable_dtype(self):
        return self._name

    @property
    def quantization_mode(self):
        return None

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


# The policy of layers made without `dtype=` (keras.config.set_dtype_policy); None: the floatx() policy.
_global_policy = [None]


def set_global_policy(policy):
    _global_policy[0] = policy


def get(identifier):
    """A DTypePolicy from None (the global policy), a name, a dtype, a policy or a serialized policy dict."""
    if identifier is None:
        return _global_policy[0] or DTypePolicy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy(**(identifier.get("config") or {}))
    if isinstance(identifier, backend.DType):
        return DTypePolicy(identifier.name)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    return DTypePolicy(backend.as_dtype(identifier).name)


def serialize(policy):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": policy.name},
            "registered_name": None}

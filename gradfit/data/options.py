"""`tf.data.Options`: pipeline-wide settings, set with `Dataset.with_options`.

gradfit honours `deterministic` (the default for `map(deterministic=None)`) and
`threading.private_threadpool_size` (the most threads a parallel map uses); the other settings steer
TensorFlow's graph rewrites and distribution, and are kept so that code which sets them runs unchanged.
"""
import enum


class AutoShardPolicy(enum.IntEnum):
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class AutotuneAlgorithm(enum.IntEnum):
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class ExternalStatePolicy(enum.IntEnum):
    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionGroup:
    """A fixed set of named options (None: not set); merging keeps the other group's set values."""

    _FIELDS = {}  # name -> default
    _GROUPS = {}  # name -> option group class
    _ALIASES = {}  # deprecated name -> name

    def __init__(self):
        for name, default in self._FIELDS.items():
            object.__setattr__(self, name, default)
        for name, cls in self._GROUPS.items():
            object.__setattr__(self, name, cls())

    def __getattr__(self, name):
        alias = type(self)._ALIASES.get(name)
        if alias is None:
            raise AttributeError(f"{type(self).__name__} has no option {name!r}")
        return getattr(self, alias)

    def __setattr__(self, name, value):
        name = self._ALIASES.get(name, name)
        if name in self._GROUPS:
            if not isinstance(value, self._GROUPS[name]):
                raise TypeError(f"{type(self).__name__}.{name} must be a {self._GROUPS[name].__name__}, "
                                f"got {type(value).__name__}")
        elif name not in self._FIELDS:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        object.__setattr__(self, name, value)

    def merge(self, other):
        """A new group: this one's values, overridden by those `other` sets."""
        merged = type(self)()
        for name, default in self._FIELDS.items():
            theirs = getattr(other, name)
            object.__setattr__(merged, name, getattr(self, name) if theirs == default else theirs)
        for name in self._GROUPS:
            object.__setattr__(merged, name, getattr(self, name).merge(getattr(other, name)))
        return merged

    def __eq__(self, other):
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in (*self._FIELDS, *self._GROUPS))

    __hash__ = None

    def __repr__(self):
        parts = [f"{n}={getattr(self, n)!r}" for n in (*self._FIELDS, *self._GROUPS)]
        return f"{type(self).__name__}({', '.join(parts)})"


class AutotuneOptions(_OptionGroup):
    _FIELDS = dict.fromkeys(("autotune_algorithm", "cpu_budget", "enabled", "initial_parallelism",
                             "min_parallelism", "ram_budget"))


class DistributeOptions(_OptionGroup):
    _FIELDS = {"auto_shard_policy": AutoShardPolicy.AUTO, "num_devices": None}


class OptimizationOptions(_OptionGroup):
    _FIELDS = dict.fromkeys(("apply_default_optimizations", "filter_fusion", "filter_parallelization",
                             "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
                             "map_parallelization", "noop_elimination", "parallel_batch",
                             "seq_interleave_prefetch", "shuffle_and_repeat_fusion"))


class ThreadingOptions(_OptionGroup):
    _FIELDS = dict.fromkeys(("max_intra_op_parallelism", "private_threadpool_size"))


class ServiceOptions(_OptionGroup):
    _FIELDS = {"pinned": None}


class Options(_OptionGroup):
    """Options for a whole pipeline (`dataset.with_options(options)`; read with `dataset.options()`)."""

    _FIELDS = dict.fromkeys(("dataset_name", "deterministic", "experimental_external_state_policy",
                             "experimental_slack", "experimental_symbolic_checkpoint", "experimental_warm_start",
                             "framework_type"))
    _GROUPS = {"autotune": AutotuneOptions, "experimental_distribute": DistributeOptions,
               "experimental_optimization": OptimizationOptions, "experimental_service": ServiceOptions,
               "threading": ThreadingOptions}
    _ALIASES = {"experimental_deterministic": "deterministic", "experimental_threading": "threading"}

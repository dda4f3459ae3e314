"""keras.optimizers: Keras 3's optimizers and `get`/`serialize`/`deserialize`; `schedules` for learning rates.

`get('adam')` (any case), a config dict or an Optimizer instance gives an Optimizer.
"""
from ..losses.serialization import deserialize_object, serialize_object
from . import schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .loss_scale_optimizer import LossScaleOptimizer
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

# Keras 3.15 leaves Lamb out of its name lookup (get('lamb') fails there); here it resolves like the others.
ALL_OBJECTS = (Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Adafactor, Nadam, Ftrl, Lion, Lamb,
               LossScaleOptimizer)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """The Keras config dict of an optimizer."""
    return serialize_object(optimizer, "keras.optimizers")


def deserialize(config, custom_objects=None):
    """The optimizer a config dict describes (class names match in any case, as in Keras)."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str) \
            and config["class_name"].lower() in ALL_OBJECTS_DICT:
        config = {**config, "class_name": config["class_name"].lower()}
    elif isinstance(config, str) and config.lower() in ALL_OBJECTS_DICT:
        config = config.lower()
    return deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, kind="optimizer")


def get(identifier):
    """An Optimizer from a name ('adam', 'SGD', ...), a config dict or an Optimizer instance."""
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (dict, str)):
        try:
            obj = deserialize(identifier if isinstance(identifier, dict) else {"class_name": identifier, "config": {}})
        except ValueError as e:
            if isinstance(identifier, str) and "Unknown optimizer" in str(e):
                obj = None
            else:
                raise
        if isinstance(obj, Optimizer):
            return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Expected one of "
                     f"{sorted(ALL_OBJECTS_DICT)} (in any case), a config dict or an Optimizer instance")


__all__ = ["Optimizer"] + [cls.__name__ for cls in ALL_OBJECTS] + ["get", "serialize", "deserialize", "schedules"]

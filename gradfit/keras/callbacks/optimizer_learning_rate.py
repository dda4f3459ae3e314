"""Reading and setting an optimizer's learning rate, whichever way it holds it, as Keras's callbacks do.

An optimizer with a `learning_rate` property setter (as Keras's and gradfit's optimizers have) is set through
it. Otherwise `learning_rate` may be a float-like attribute (set by assignment), a Variable (set with
`assign`, so whoever holds the variable sees the change) or a LearningRateSchedule (read at the current
step; it cannot be set, as in Keras).
"""
from ...tensor import Variable

_SCHEDULE_NOT_SETTABLE = (
    "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` constructor "
    "argument, hence its learning rate is not settable. If you need the learning rate to be settable, you "
    "should instantiate the optimizer with a float `learning_rate` argument.")


def optimizers_of(model):
    """`[(name, optimizer), ...]`: the model's optimizer (name None), or each one of a multi-optimizer."""
    optimizer = model.optimizer
    if hasattr(optimizer, "optimizers"):
        return [(inner.name, inner) for inner in optimizer.optimizers]
    return [(None, optimizer)]


def read_learning_rate(optimizer):
    """The current learning rate as a Python float."""
    learning_rate = optimizer.learning_rate
    if callable(learning_rate):
        learning_rate = learning_rate(optimizer.iterations)
    return float(learning_rate)


def write_learning_rate(optimizer, value):
    """Sets the learning rate to the float `value`."""
    declared = getattr(type(optimizer), "learning_rate", None)
    if isinstance(declared, property) and declared.fset is not None:
        optimizer.learning_rate = value
        return
    learning_rate = optimizer.learning_rate
    if isinstance(learning_rate, Variable):
        learning_rate.assign(value)
    elif callable(learning_rate):
        raise TypeError(_SCHEDULE_NOT_SETTABLE)
    else:
        optimizer.learning_rate = value


def log_learning_rates(model, logs):
    """Adds the learning rate to epoch logs: `learning_rate`, or `learning_rate_<name>` per optimizer."""
    for name, optimizer in optimizers_of(model):
        logs["learning_rate" if name is None else f"learning_rate_{name}"] = read_learning_rate(optimizer)

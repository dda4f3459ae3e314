"""A model's `compile()` arguments as Keras 3's `compile_config`, and the model compiled again from one."""
import inspect
import warnings


def get_compile_config(model):
    """The arguments `model` was compiled with, serialized as Keras 3 writes them (the optimizer as its
    config dict), or None if it is not compiled."""
    from .serialization_lib import serialize_keras_object

    if not getattr(model, "compiled", False):
        return None
    compile_loss = model._compile_loss
    compile_metrics = model._compile_metrics
    return serialize_keras_object({
        "optimizer": model.optimizer,
        "loss": compile_loss.user_loss if compile_loss is not None else None,
        "loss_weights": compile_loss.user_loss_weights if compile_loss is not None else None,
        "metrics": compile_metrics.user_metrics if compile_metrics is not None else None,
        "weighted_metrics": compile_metrics.user_weighted_metrics if compile_metrics is not None else None,
        "run_eagerly": bool(model._run_eagerly),
        "steps_per_execution": model.steps_per_execution,
        "jit_compile": model.jit_compile,
    })


def compile_from_config(model, config):
    """Compile `model` from a serialized compile_config, then build its optimizer's variables (so a saved
    optimizer state can be loaded into them). A model with its own `compile()` is left uncompiled."""
    from ..trainer import Trainer
    from .serialization_lib import deserialize_keras_object

    if type(model).compile is not Trainer.compile:
        warnings.warn("`compile()` was not called as part of model loading because the model's `compile()` method "
                      "is custom. All subclassed Models that have `compile()` overridden should also override "
                      "`get_compile_config()` and `compile_from_config(config)`. Alternatively, you can call "
                      "`compile()` manually after loading.", stacklevel=2)
        return
    arguments = deserialize_keras_object(config)
    if not isinstance(arguments, dict):
        raise ValueError(f"A compile_config must be a dict of compile() arguments, got {config!r}")
    accepted = inspect.signature(Trainer.compile).parameters
    model.compile(**{key: value for key, value in arguments.items() if key in accepted and key != "self"})
    if model.optimizer is not None and model.built:
        model.optimizer.build(model.trainable_variables)

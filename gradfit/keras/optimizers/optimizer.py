"""The `Optimizer` base class: Keras 3's optimizer API with in-place NumPy updates.

`apply(grads, trainable_variables)` first checks every gradient against its variable (shape, dtype,
known variable) and only then changes anything: gradient scaling, accumulation, clipping, weight
decay, the per-variable `update_step`, the moving averages (EMA), constraints and `iterations`.
Built-in update steps write into the variables' and slots' buffers with `out=` ufuncs and reused
scratch buffers, their scalars 0-d arrays of the variable's dtype (a NumPy float64 scalar would
promote a float32 update to float64).
"""
import re
import warnings

import numpy as np

from ... import backend
from ...tensor import Tensor, Variable
from .. import backend as keras_backend
from ..losses.serialization import deserialize_object, serialize_object
from .gradients import checked_gradients, clip_gradients
from .schedules.learning_rate_schedule import ALL_SCHEDULES, LearningRateSchedule


class Optimizer:
    """Base class of optimizers. Subclasses create slots in `build` and implement `update_step`."""

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                                 f"ema_overwrite_frequency={ema_overwrite_frequency}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.name = name or keras_backend.unique_object_name(keras_backend.to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}  # id(trainable variable) -> its position
        self._scratch = []  # per trainable variable: NumPy buffers the update steps work in
        self._iterations = self._new_variable(np.zeros((), np.int64), "iteration")
        self._learning_rate = self._learning_rate_from(learning_rate)
        self._local_step = 1
        self._coefficients = {}

    # ----------------------------------------------------------------------------------- variables
    def _new_variable(self, value, name):
        variable = Variable(value, trainable=False, name=name, dtype=value.dtype, aggregation="only_first_replica")
        variable._path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", name=None):
        """A non-trainable optimizer variable, listed in `variables`."""
        dtype = backend.np_dtype(dtype or backend.floatx())
        shape = tuple(int(d) for d in shape)
        if initializer in (None, "zeros"):
            value = np.zeros(shape, dtype)
        elif initializer == "ones":
            value = np.ones(shape, dtype)
        elif callable(initializer):
            value = initializer(shape, dtype=dtype.name)
            value = np.asarray(value._value if isinstance(value, Tensor) else value, dtype)
        else:
            value = np.full(shape, initializer, dtype)
        variable = self._new_variable(value, name or "variable")
        variable.aggregation = aggregation
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A variable shaped like `reference_variable`, named '<its path with _>_<name>'."""
        name = f"{reference_variable.path.replace('/', '_')}_{name or 'var'}"
        return self.add_variable(reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable._value.dtype, name=name)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for `name` (a list), or a tuple of such lists for a list of names."""
        names = [name] if isinstance(name, str) else list(name)
        inits = [initializer] * len(names) if isinstance(initializer, (str, float, int)) or initializer is None \
            else list(initializer)
        if len(names) != len(inits):
            raise ValueError(f"The number of provided names must match the number of provided initializers. "
                             f"Received name='{name}', initializer='{initializer}'")
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (slot_name, init) in enumerate(zip(names, inits)):
                slots[i].append(self.add_variable_from_reference(variable, name=slot_name, initializer=init))
        return slots[0] if isinstance(name, str) else slots

    @property
    def variables(self):
        return self._variables[:]

    @property
    def iterations(self):
        """How many updates were applied (an int64 Variable; with gradient accumulation, whole cycles)."""
        if self.gradient_accumulation_steps:
            return Tensor(self._iterations._value // self.gradient_accumulation_steps)
        return self._iterations

    def build(self, var_list):
        """Create the state for `var_list`: moving averages, accumulators; subclasses add their slots."""
        var_list = list(var_list)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(var_list, "gradient_accumulator")
        self._index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables = var_list[:]
        self._scratch = [{} for _ in var_list]
        self.built = True

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    def coefficients(self, dtype, learning_rate):
        """This update's scalar coefficients (`_update_coefficients`) as 0-d arrays of `dtype`, made once
        per update: NumPy applies one to an array of its dtype about twice as fast as a Python float, and
        it can never promote the update to float64."""
        cached = self._coefficients.get(dtype)
        if cached is None:
            cached = self._coefficients[dtype] = tuple(
                np.asarray(x, dtype) for x in self._update_coefficients(learning_rate))
        return cached

    def _update_coefficients(self, learning_rate):
        """The Python floats the built-in update step multiplies by (the same for every variable)."""
        return (learning_rate,)

    def scratch(self, index, key=0):
        """A NumPy work buffer shaped like trainable variable `index` (made on first use, then reused).

        Update steps use keys 0, 1, ...; a clipped gradient lives in the "gradient" buffer meanwhile.
        """
        buffers = self._scratch[index]
        buf = buffers.get(key)
        if buf is None:
            buf = buffers[key] = np.empty_like(self._trainable_variables[index]._value)
        return buf

    # ------------------------------------------------------------------------------- learning rate
    def _learning_rate_from(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if isinstance(learning_rate, Variable):
            return learning_rate
        if not isinstance(learning_rate, (float, np.floating)) or isinstance(learning_rate, bool):
            raise ValueError("Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or "
                             "a callable (that takes in the current iteration value and returns the corresponding "
                             f"learning rate value). Received instead: learning_rate={learning_rate!r}")
        return self._new_variable(np.asarray(learning_rate, dtype=backend.floatx()), "learning_rate")

    @property
    def learning_rate(self):
        """The learning rate now: the Variable, or the schedule's value at the current step."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        return lr()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            if isinstance(self._learning_rate, Variable) and self._learning_rate in self._variables:
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                            "constructor argument, hence its learning rate is not settable. If you need the learning "
                            "rate to be settable, you should instantiate the optimizer with a float `learning_rate` "
                            "argument.")
        elif isinstance(self._learning_rate, Variable):
            self._learning_rate.assign(learning_rate)
        else:
            self._learning_rate = self._learning_rate_from(float(learning_rate))

    def _current_learning_rate(self):
        """The learning rate for this update as a Python float."""
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return float(lr._value)
        value = lr(self._iterations) if isinstance(lr, LearningRateSchedule) else lr()
        return float(value._value if isinstance(value, Tensor) else value)

    # ------------------------------------------------------------------------------------- applying
    def apply_gradients(self, grads_and_vars):
        """Apply (gradient, variable) pairs (None gradients are skipped); returns `iterations`."""
        grads, variables = [], []
        for g, v in grads_and_vars:
            grads.append(g)
            variables.append(v)
        if grads:
            self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update `trainable_variables` (those the optimizer was built with, if None) from `grads`."""
        grads = grads if type(grads) is list else list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first.")
            if len(grads) != len(self._trainable_variables):
                raise ValueError(f"When passing `grads` as a list of gradient tensors, the gradients must match "
                                 f"`optimizer.variables` one-to-one. Received a list of {len(grads)} gradients, but "
                                 f"the optimizer is tracking {len(self._trainable_variables)} trainable variables.")
            variables = self._trainable_variables
        else:
            variables = trainable_variables if type(trainable_variables) is list else list(trainable_variables)
            if len(variables) != len(grads):
                raise ValueError(f"Optimizer '{self.name}' received {len(grads)} gradients for {len(variables)} "
                                 "variables; expected one gradient (or None) per variable")
        grads, kept = checked_gradients(self.name, grads, variables, self._index if self.built else None)
        if not self.built:
            self.build(variables)
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        lr = self._current_learning_rate()
        self._coefficients = {}
        if self.gradient_accumulation_steps:
            self._accumulate_or_update(grads, kept, lr)
        else:
            self._update(grads, kept, lr)
        if self.use_ema:
            self._update_moving_averages()
        for variable in kept:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))
        count = self._iterations._buffer()
        count[()] = count[()] + 1

    def _accumulate_or_update(self, grads, variables, lr):
        """Keras's gradient accumulation: sum the gradients, and every `steps`-th call apply their mean."""
        steps = self.gradient_accumulation_steps
        accumulators = [self._accumulated_gradients[self._index[id(v)]] for v in variables]
        if (int(self._iterations._value) + 1) % steps == 0:
            grads = [(g + acc._value) / steps for g, acc in zip(grads, accumulators)]
            self._update(grads, variables, lr)
            for acc in self._accumulated_gradients:
                acc._buffer()[...] = 0
        else:
            for g, acc in zip(grads, accumulators):
                buf = acc._buffer()
                np.add(buf, g, out=buf)

    def _update(self, grads, variables, lr):
        """Clip, decay the weights, then run every variable's update step."""
        index = self._index
        grads = clip_gradients(grads, lambda k: self.scratch(index[id(variables[k])], "gradient"),
                               clipnorm=self.clipnorm, global_clipnorm=self.global_clipnorm, clipvalue=self.clipvalue)
        self._apply_weight_decay(variables, lr)
        iterations = int(self._iterations._value)
        if self.gradient_accumulation_steps:
            iterations //= self.gradient_accumulation_steps
        self._local_step = iterations + 1
        self._backend_update_step(grads, variables, lr)

    def _backend_update_step(self, grads, variables, learning_rate):
        for g, v in zip(grads, variables):
            self.update_step(g, v, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """Update `variable` from its `gradient` (a NumPy array of its dtype) at `learning_rate` (a float)."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step(gradient, variable, "
                                  "learning_rate)")

    # ---------------------------------------------------------------------- clipping, weight decay
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt these variables (or those whose name contains one of `var_names`) from weight decay."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_from_weight_decay = {id(v) for v in var_list} if var_list else set()
        self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        cache = self.__dict__.setdefault("_exclude_from_weight_decay_cache", {})
        decision = cache.get(id(variable))
        if decision is None:
            pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
            decision = not (id(variable) in getattr(self, "_exclude_from_weight_decay", set())
                            or (pattern is not None and pattern.search(variable.name) is not None))
            cache[id(variable)] = decision
        return decision

    def _apply_weight_decay(self, variables, lr):
        """variable -= variable * weight_decay * learning_rate (decoupled weight decay)."""
        if self.weight_decay is None:
            return
        factor = 1.0 - float(self.weight_decay) * lr
        for v in variables:
            if self._use_weight_decay(v):
                buf = v._buffer()
                np.multiply(buf, factor, out=buf)

    # ------------------------------------------------------------------------- moving averages
    def _update_moving_averages(self):
        """average = m * average + (1 - m) * variable, with m = 0 on the first step (ema_momentum after)."""
        iterations = int(self.iterations._value) if self.gradient_accumulation_steps else int(self._iterations._value)
        momentum = float(self.ema_momentum) if iterations != 0 else 0.0
        for i, (v, average) in enumerate(zip(self._trainable_variables, self._model_variables_moving_average)):
            buf = average._buffer()
            if momentum == 0.0:
                np.copyto(buf, v._value)
            else:
                buf *= momentum
                buf += np.multiply(v._value, 1.0 - momentum, out=self.scratch(i))
        if self.ema_overwrite_frequency and (iterations + 1) % self.ema_overwrite_frequency == 0:
            self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(f"The length of model variables ({len(trainable_variables)}) to override does not match "
                             "the length of model variables stored in the optimizer "
                             f"({len(self._model_variables_moving_average)}). Please check if the optimizer was "
                             "called on your model.")
        for v, average in zip(trainable_variables, self._model_variables_moving_average):
            v.assign(average._value)

    def finalize_variable_values(self, var_list):
        """With `use_ema`, set the variables to their moving averages (Keras calls this at the end of fit)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # ------------------------------------------------------------------------- Keras helpers
    def scale_loss(self, loss):
        """The loss times `loss_scale_factor` (gradients are divided by it again in `apply`)."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    def set_weights(self, weights):
        """Set `variables` from a list of arrays (shapes checked before any is written)."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        weights = [np.asarray(w) for w in weights]
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != weight.shape:
                raise ValueError(f"Optimizer variable '{variable.path}' has shape {tuple(variable.shape)} not "
                                 f"compatible with provided weight shape {weight.shape}.")
        for variable, weight in zip(self._variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self.variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it has "
                          f"{len(self.variables)} variables whereas the saved optimizer has {len(store.keys())} "
                          "variables.", stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    # ------------------------------------------------------------------------------------- config
    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            learning_rate = serialize_object(lr, "keras.optimizers.schedules")
        elif isinstance(lr, Variable):
            learning_rate = float(lr._value)
        else:
            learning_rate = serialize_object(lr, "keras.optimizers")
        return {"name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_object(config["learning_rate"], ALL_SCHEDULES, custom_objects,
                                                         kind="learning rate schedule")
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

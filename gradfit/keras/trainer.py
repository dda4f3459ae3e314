"""The trainer: compile, fit, evaluate, predict and the *_on_batch methods, mixed into `Model`.

`Model` knows layers and weights; the trainer knows epochs, batches, callbacks and metrics.
`train_step` is the seam where users override, and fit/train_on_batch both run it: one ordinary
GradientTape step (forward, loss, `tape.gradient`, `optimizer.apply_gradients`).
"""
import warnings

import numpy as np

from .. import nest
from ..autodiff.tape import GradientTape
from ..ops import math as M
from ..tensor import Tensor, Variable
from . import data_adapter
from .callbacks.callback_list import pythonify_logs as _pythonify
from .compile_utils import CompileLoss, CompileMetrics
from .state_guard import restore_on_error


class Trainer:
    """Training and evaluation methods of `keras.Model`."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self.steps_per_execution = 1
        self.stop_evaluating = False
        self.stop_predicting = False
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._run_eagerly = False
        self._jit_compile = False

    # ------------------------------------------------------------------------------------------ compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configure training: the optimizer, the loss(es) and the metrics, as Keras 3's `compile`.

        Every identifier is resolved (and an unknown one rejected) before the model changes.
        """
        from . import losses as losses_module
        from . import metrics as metrics_module
        from . import optimizers as optimizers_module

        optimizer = optimizers_module.get(optimizer)
        for spec in nest.flatten(loss) if isinstance(loss, (list, tuple, dict)) else [loss]:
            if isinstance(spec, str) and spec.lower() not in ("crossentropy", "ce"):
                losses_module.get(spec)
        for group in (metrics, weighted_metrics):
            for spec in nest.flatten(group) if isinstance(group, (list, tuple, dict)) else []:
                if isinstance(spec, str) and spec.lower() not in ("accuracy", "acc"):
                    metrics_module.get(spec)
        output_names = getattr(self, "output_names", None)
        compile_loss = CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        compile_metrics = CompileMetrics(metrics, weighted_metrics, output_names) if (
            metrics or weighted_metrics) else None

        self.optimizer = optimizer
        self.loss = loss
        self._compile_loss = compile_loss
        self._compile_metrics = compile_metrics
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = bool(run_eagerly)
        self._jit_compile = jit_compile if jit_compile != "auto" else False
        steps_per_execution = int(steps_per_execution)
        if steps_per_execution < 1:
            raise ValueError(f"steps_per_execution must be a positive integer, got {steps_per_execution}")
        self.steps_per_execution = steps_per_execution
        self.train_function = self.test_function = self.predict_function = None
        self.compiled = True
        self._attribute_metrics = None

    def get_compile_config(self):
        """The arguments given to compile(), serialized (saved with the model)."""
        from .saving.compile_config import get_compile_config

        return get_compile_config(self)

    def compile_from_config(self, config):
        """compile() again from `get_compile_config()`'s result (used when loading a saved model)."""
        from .saving.compile_config import compile_from_config

        compile_from_config(self, config)

    @property
    def run_eagerly(self):
        """What `compile(run_eagerly=...)` or assignment set; gradfit runs every step eagerly either way."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)

    @property
    def jit_compile(self):
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value):
        self._jit_compile = value

    def _assert_compiled(self, method):
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")

    # ------------------------------------------------------------------------------------------ metrics
    @property
    def metrics(self):
        """Loss tracker, compiled metrics, per-output loss trackers, then Metric attributes of the model."""
        result = []
        if self.compiled:
            result.append(self._loss_tracker)
            if self._compile_metrics is not None:
                result.append(self._compile_metrics)
            if self._compile_loss is not None:
                result.extend(self._compile_loss.metrics)
        result.extend(self._metrics_in_attributes())
        return result

    def _metrics_in_attributes(self):
        cached = getattr(self, "_attribute_metrics", None)
        if cached is None:
            from .metrics import Metric

            cached = [v for k, v in vars(self).items() if isinstance(v, Metric) and k != "_loss_tracker"]
            self._attribute_metrics = cached
        return cached

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """{name: value} for every metric in `self.metrics` (compiled metrics expanded)."""
        out = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                out.update(r)
            else:
                out[m.name] = r
        return out

    def _ordered_names(self):
        # As Keras: compiled metrics by their own names ('accuracy', not 'out1_accuracy' or
        # 'weighted_accuracy': those logs then come in the sorted remainder).
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names += [sub.name for sub in m.metrics] if m.built else []
            else:
                names.append(m.name)
        return names

    def _flatten_in_order(self, logs):
        """Logs as a list in `metrics` order, then the other logs sorted by name (a scalar when there is
        only the loss), as Keras returns them; a name listed twice gives its value twice, as in Keras."""
        names = self._ordered_names()
        values = [logs[n] for n in names if n in logs]
        known = set(names)
        values += [logs[k] for k in sorted(logs) if k not in known]
        return values[0] if len(values) == 1 else values

    # ---------------------------------------------------------------------------------- the step seam
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus every loss the layers added (regularizers, `add_loss`)."""
        losses = []
        if self._compile_loss is not None:
            losses.append(self._compile_loss(y, y_pred, sample_weight))
        for extra in self.losses:
            losses.append(extra if extra.dtype.is_floating else M.cast(extra, "float32"))
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = losses[0]
        for extra in losses[1:]:
            total = M.add(total, extra)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics and return every metric's current result."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data):
        """One GradientTape step on a batch: forward, loss, gradients, optimizer update; returns logs."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
            if self.optimizer is not None:
                loss = self.optimizer.scale_loss(loss)
        trainable = self.trainable_variables
        if trainable:
            grads = tape.gradient(loss, trainable)
            self.optimizer.apply_gradients(zip(grads, trainable))
        else:
            warnings.warn("The model does not have any trainable weights.")
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        x, _, _ = data_adapter.unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ------------------------------------------------------------------------------- single batches
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One update on one batch. Returns the loss, `[loss, *metrics]`, or a dict with return_dict."""
        self._assert_compiled("train_on_batch")
        batch = self._single_batch(x, y, sample_weight, class_weight)
        with restore_on_error(self):
            self.reset_metrics()
            logs = self.train_step(batch)
        return self._finish_batch_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        batch = self._single_batch(x, y, sample_weight, None)
        with restore_on_error(self):
            self.reset_metrics()
            logs = self.test_step(batch)
        return self._finish_batch_logs(logs, return_dict)

    def predict_on_batch(self, x):
        """The model's output on one batch, as NumPy."""
        if self.__class__.predict_step is Trainer.predict_step:
            # The default predict_step is `self(x, training=False)`: a model with an inference shortcut answers
            # directly, any other is called (a NumPy batch is taken by the model as it is).
            infer = getattr(self, "_infer", None)
            out = infer(x) if infer is not None else None
            if out is None:
                out = self(x if x.__class__ is Tensor or x.__class__ is np.ndarray else _as_tensors(x),
                           training=False)
        else:
            out = self.predict_step((x if x.__class__ is Tensor else Tensor(x) if x.__class__ is np.ndarray else
                                     _as_tensors(x),))
        if out.__class__ is Tensor:
            return out._value
        return nest.map_structure(_to_numpy, out)

    def _single_batch(self, x, y, sample_weight, class_weight):
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("Arguments `sample_weight` and `class_weight` cannot be specified at the same time.")
            sample_weight = data_adapter.class_weight_to_sample_weights(nest.flatten(y)[0], class_weight)
        data = (x, y, sample_weight)
        if data_adapter.is_array_data(x):
            data_adapter.check_cardinality(*data)
        return data_adapter.pack_x_y_sample_weight(*(_as_tensors(d) for d in data))

    def _finish_batch_logs(self, logs, return_dict):
        logs = _pythonify(logs)
        return logs if return_dict else self._flatten_in_order(logs)

    # ---------------------------------------------------------------------------- step functions
    # fit, evaluate and predict call these functions once per execution: each runs `steps_per_execution`
    # steps on batches drawn from the iterator it is given (fewer when the iterator runs out first), and
    # returns the last step's logs. A subclass may override `make_*_function` to change what an
    # execution does, as in Keras.
    def make_train_function(self, force=False):
        if self.train_function is None or force:
            self.train_function = _execution(self.train_step, self.steps_per_execution)
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = _execution(self.test_step, self.steps_per_execution)
        return self.test_function

    def make_predict_function(self, force=False):
        if self.predict_function is None or force:
            self.predict_function = _prediction(self.predict_step, self.steps_per_execution)
        return self.predict_function

    # ------------------------------------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Train for `epochs` epochs; returns the History callback (as Keras 3)."""
        self._assert_compiled("fit")
        _check_verbose(verbose)
        if validation_split and validation_data is None:
            if not (data_adapter.is_array_data(x) and (y is None or data_adapter.is_array_data(y))):
                raise ValueError(
                    "Argument `validation_split` is only supported for tensors or NumPy arrays. Found incompatible "
                    f"type in the input: {type(x).__name__}")
            if not 0 < validation_split < 1:
                raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
            data = data_adapter._arrays((x, y, sample_weight))
            data_adapter.check_cardinality(*data)
            (x, y, sample_weight), validation_data = data_adapter.train_validation_split(data, validation_split)
        iterator = data_adapter.EpochIterator(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                                              class_weight)
        val_args = None
        if validation_data is not None:
            val_x, val_y, val_sw = data_adapter.unpack_x_y_sample_weight(validation_data)
            val_args = dict(x=val_x, y=val_y, sample_weight=val_sw, batch_size=validation_batch_size or batch_size,
                            steps=validation_steps)
        callbacks = self._callback_list(callbacks, verbose, epochs, iterator.num_batches)
        self.stop_training = False
        self._attribute_metrics = None
        batch_hooks = _wants(callbacks, "on_train_batch_begin", "on_train_batch_end")
        callbacks.on_train_begin()
        # BackupAndRestore sets where an interrupted run resumes: an epoch, and the batches already done in it.
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch
        skip_steps = getattr(self, "_initial_step", 0) or 0
        self._initial_epoch, self._initial_step = None, 0
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            callbacks.on_epoch_begin(epoch)
            logs = self._train_epoch(iterator, callbacks, batch_hooks, guard_first_step=epoch == initial_epoch,
                                     skip_steps=skip_steps if epoch == initial_epoch else 0)
            iterator.on_epoch_end()
            epoch_logs = _pythonify(self._metrics_result_or(logs))
            if val_args is not None and _should_validate(epoch, validation_freq):
                val_logs = self.evaluate(**val_args, callbacks=callbacks, return_dict=True, _fit_validation=True)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            if iterator.exhausted:
                warnings.warn("Your input ran out of data; interrupting " + (
                    "training" if iterator.steps_seen == 0 else "epoch") + ". Make sure that your dataset or "
                    f"generator can generate at least `steps_per_epoch * epochs` batches ({steps_per_epoch} * "
                    f"{epochs}); a Dataset may need `.repeat()`")
                if iterator.steps_seen == 0:  # a one-shot source has nothing left
                    break
            if self.stop_training:
                break
        callbacks.on_train_end(logs=epoch_logs)
        return self.history

    def _train_epoch(self, iterator, callbacks, batch_hooks, guard_first_step, skip_steps=0):
        """One epoch of train steps; the metric reset and first step are undone if that step fails.

        The first `skip_steps` batches are drawn but not trained on (a resumed epoch)."""
        steps = iter(iterator)
        for _ in range(skip_steps):
            next(steps, None)
        run = self.make_train_function()
        executions = _executions(steps, self.steps_per_execution)
        logs = {}
        with restore_on_error(self, enabled=guard_first_step):
            self.reset_metrics()
            first = next(executions, None)
            if first is not None:
                if batch_hooks:
                    callbacks.on_train_batch_begin(first[0])
                logs = run(iter(first[2]))
        if first is None:
            return logs
        if batch_hooks:
            callbacks.on_train_batch_end(first[1], logs)
        if self.stop_training:
            return logs
        for begin, end, batches in executions:
            if batch_hooks:
                callbacks.on_train_batch_begin(begin)
            logs = run(iter(batches))
            if batch_hooks:
                callbacks.on_train_batch_end(end, logs)
            if self.stop_training:
                break
        return logs

    def _metrics_result_or(self, logs):
        """The model's metric results when they match the step's logs, else the step's own logs (custom steps)."""
        results = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(results):
            return results
        return logs

    def _callback_list(self, callbacks, verbose, epochs, steps, mode="train"):
        from .callbacks import CallbackList

        if isinstance(callbacks, CallbackList):
            return callbacks
        verbose = 1 if verbose == "auto" else verbose
        return CallbackList(callbacks, add_history=mode == "train", add_progbar=verbose != 0, model=self,
                            verbose=verbose, epochs=epochs, steps=steps)

    # -------------------------------------------------------------------------------------- evaluate
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, _fit_validation=False, **kwargs):
        """Loss and metrics over the data: a scalar, a list in `metrics_names` order, or a dict."""
        unknown = {k: v for k, v in kwargs.items() if k != "_use_cached_eval_dataset"}
        if unknown:
            raise ValueError(f"Arguments not recognized: {unknown}")
        self._assert_compiled("evaluate")
        _check_verbose(verbose)
        iterator = data_adapter.EpochIterator(x, y, sample_weight, batch_size, steps, shuffle=False)
        if not _fit_validation:
            callbacks = self._callback_list(callbacks, verbose, 1, iterator.num_batches, mode="test")
            self._attribute_metrics = None
        batch_hooks = _wants(callbacks, "on_test_batch_begin", "on_test_batch_end")
        run = self.make_test_function()
        self.stop_evaluating = False
        callbacks.on_test_begin()
        logs = {}
        with restore_on_error(self):
            self.reset_metrics()
            for begin, end, batches in _executions(iter(iterator), self.steps_per_execution):
                if batch_hooks:
                    callbacks.on_test_batch_begin(begin)
                logs = run(iter(batches))
                if batch_hooks:
                    callbacks.on_test_batch_end(end, logs)
                if self.stop_evaluating:
                    break
        logs = _pythonify(self._metrics_result_or(logs))
        callbacks.on_test_end(logs)
        return logs if return_dict else self._flatten_in_order(logs)

    # --------------------------------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for every sample, batched and concatenated, as NumPy arrays."""
        _check_verbose(verbose)
        iterator = data_adapter.EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps, shuffle=False)
        callbacks = self._callback_list(callbacks, verbose, 1, iterator.num_batches, mode="predict")
        batch_hooks = _wants(callbacks, "on_predict_batch_begin", "on_predict_batch_end")
        run = self.make_predict_function()
        self.stop_predicting = False
        callbacks.on_predict_begin()
        structure, batches = None, []
        for begin, end, inputs in _executions(iter(iterator), self.steps_per_execution):
            if batch_hooks:
                callbacks.on_predict_batch_begin(begin)
            out = run(iter(inputs))
            structure = out
            batches.append([_to_numpy(t) for t in nest.flatten(out)])
            if batch_hooks:
                callbacks.on_predict_batch_end(end, {"outputs": out})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if not batches:
            raise ValueError("predict() received no data: the input has no samples")
        flat = [np.concatenate([b[i] for b in batches], axis=0) for i in range(len(batches[0]))]
        return nest.pack_sequence_as(structure, flat)


def _executions(steps, n):
    """Group an epoch's `(step, batch)` pairs into executions of `n` steps: `(first step, last step,
    batches)`, numbered as Keras numbers them for batch callbacks (a short last execution still ends at
    first + n - 1)."""
    if n == 1:
        for step, batch in steps:
            yield step, step, (batch,)
        return
    batches = []
    for step, batch in steps:
        if not batches:
            begin = step
        batches.append(batch)
        if len(batches) == n:
            yield begin, begin + n - 1, batches
            batches = []
    if batches:
        yield begin, begin + n - 1, batches


def _execution(step_fn, n):
    """A function running `step_fn` on up to `n` batches drawn from an iterator; the last step's logs."""
    if n == 1:
        return lambda iterator: step_fn(next(iterator))

    def execution(iterator):
        logs = None
        for count, data in enumerate(iterator):
            logs = step_fn(data)
            if count + 1 == n:
                break
        if logs is None:
            raise StopIteration
        return logs

    return execution


def _prediction(predict_step, n):
    """A function running `predict_step` on up to `n` batches drawn from an iterator; their outputs joined
    along the batch axis."""
    if n == 1:
        return lambda iterator: predict_step(next(iterator))

    def prediction(iterator):
        outputs = [predict_step(data) for data, _ in zip(iterator, range(n))]
        if not outputs:
            raise StopIteration
        if len(outputs) == 1:
            return outputs[0]
        flat = [np.concatenate([_to_numpy(t) for t in parts], axis=0)
                for parts in zip(*(nest.flatten(o) for o in outputs))]
        return nest.pack_sequence_as(outputs[0], [Tensor(a) for a in flat])

    return prediction


def _batch_size(x):
    first = x if x.__class__ is Tensor else nest.flatten(x)[0]
    shape = first._value.shape if isinstance(first, Tensor) else getattr(first, "shape", ())
    return int(shape[0]) if shape else 1


def _as_tensors(data):
    if data is None:
        return None
    if data.__class__ is np.ndarray:
        return Tensor(data)
    return nest.map_structure(
        lambda a: a if a is None or isinstance(a, Tensor) else Tensor(data_adapter._as_array(a)),
        data_adapter._arrays(data))


def _to_numpy(t):
    if isinstance(t, Variable):
        return t.numpy()
    if isinstance(t, Tensor):
        return t._value
    return np.asarray(t)


def _wants(callbacks, *hooks):
    """Whether any callback overrides one of these batch hooks (batch-level calls are skipped otherwise)."""
    from .callbacks.callback import is_default_hook

    legacy = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}
    for cb in getattr(callbacks, "callbacks", ()):
        for hook in hooks:
            if not is_default_hook(getattr(cb, hook)):
                return True
            if hook in legacy and not is_default_hook(getattr(cb, legacy[hook])):
                return True
    return False


def _check_verbose(verbose):
    if verbose not in ("auto", 0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2, got {verbose!r}")


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq

"""What `compile(loss=..., metrics=...)` becomes: one loss over all outputs, and the compiled metrics.

Follows Keras 3: a loss, a list of losses (one per output) or a dict keyed by output name; `'accuracy'`
resolves to binary, sparse categorical or categorical accuracy from the shapes of the first batch;
with several outputs, per-output losses are tracked as `<output>_loss` and metrics are named
`<output>_<metric>`.
"""
from .. import nest
from ..ops import math as M
from ..tensor import Tensor


def _is_binary_or_sparse(y_true, y_pred):
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    is_binary = p_shape[-1:] == (1,)
    is_sparse = len(t_shape) < len(p_shape) or (t_shape[-1:] == (1,) and p_shape[-1:] != (1,))
    return is_binary, is_sparse


def resolve_metric(identifier, y_true, y_pred):
    """A Metric instance for `identifier`, choosing the accuracy variant for 'accuracy'/'acc'."""
    from . import metrics as metrics_module

    if identifier is None:
        raise ValueError("Expected a metric, received None")
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        cls = (metrics_module.BinaryAccuracy if is_binary else
               metrics_module.SparseCategoricalAccuracy if is_sparse else metrics_module.CategoricalAccuracy)
        return cls(name=identifier)
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", "metric")
        return metrics_module.MeanMetricWrapper(metric, name=name)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


def resolve_loss(identifier, y_true, y_pred):
    """A Loss instance for `identifier` ('crossentropy'/'ce' picks the variant from the shapes)."""
    from . import losses as losses_module

    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        fn = (losses_module.binary_crossentropy if is_binary else
              losses_module.sparse_categorical_crossentropy if is_sparse else losses_module.categorical_crossentropy)
        return losses_module.LossFunctionWrapper(fn, name=identifier)
    loss = losses_module.get(identifier)
    if not isinstance(loss, losses_module.Loss):
        name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", "loss")
        loss = losses_module.LossFunctionWrapper(loss, name=name)
    return loss


def _per_output(spec, output_names, num_outputs, what):
    """Spread a compile() argument over the outputs: one for all, a list in order, or a dict by name."""
    if isinstance(spec, dict):
        if output_names is None or not set(spec) <= set(output_names):
            raise ValueError(
                f"`{what}` is a dict with keys {sorted(spec)}, which must be output names of the model: "
                f"{output_names}")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and num_outputs > 1:
        if len(spec) != num_outputs:
            raise ValueError(
                f"`{what}` has {len(spec)} entries but the model has {num_outputs} outputs "
                f"{output_names or ''}; give one per output, or a dict keyed by output name")
        return list(spec)
    return [spec] * num_outputs


def _aligned(output_names, y_true, y_pred, sample_weight=None):
    """(predictions, targets, sample weights, names) as lists aligned with the model's outputs."""
    if isinstance(y_pred, Tensor) and not isinstance(y_true, (list, tuple, dict)):
        return [y_pred], [y_true], [sample_weight], None  # one output: nothing to align
    preds = nest.flatten(y_pred)
    n = len(preds)
    names = output_names if output_names and len(output_names) == n else None
    trues = _flatten_y(y_true, names, n)
    if isinstance(sample_weight, (list, tuple, dict)) and n > 1:
        weights = _flatten_y(sample_weight, names, n)
    else:
        weights = [sample_weight] * n
    return preds, trues, weights, names


def _flatten_y(y, output_names, num_outputs):
    """Targets (or weights) as a list aligned with the model's outputs."""
    if y is None:
        return [None] * num_outputs
    if isinstance(y, dict):
        if output_names is None:
            return nest.flatten(y)
        missing = [n for n in output_names if n not in y]
        if missing and len(y) == num_outputs:
            return nest.flatten(y)
        return [y.get(name) for name in output_names]
    if num_outputs == 1:
        return [y[0] if isinstance(y, (list, tuple)) and len(y) == 1 else y]
    if isinstance(y, (list, tuple)) and len(y) == num_outputs:
        return list(y)
    raise ValueError(f"The model has {num_outputs} outputs but the targets have a different structure: "
                     f"{type(y).__name__} of {len(y) if hasattr(y, '__len__') else 1}")


class CompileLoss:
    """The total training loss: each output's loss (times its loss weight), summed."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict, float, int)):
            raise ValueError(
                "Expected `loss_weights` argument to be a float (single output case) or a list, tuple, or dict "
                f"(multiple output case). Received instead: loss_weights={loss_weights} of type "
                f"{type(loss_weights)}")
        self.user_loss = loss
        self.user_loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self.entries = []  # (output index, Loss, weight, name)
        self.metrics = []  # per-output loss trackers, when there are several losses

    def build(self, y_true, y_pred):
        from . import metrics as metrics_module

        preds, trues, _, names = _aligned(self.output_names, y_true, y_pred)
        n = len(preds)
        losses = _per_output(self.user_loss, names, n, "loss")
        weights = _per_output(self.user_loss_weights, names, n, "loss_weights") if isinstance(
            self.user_loss_weights, (list, tuple, dict)) else [self.user_loss_weights] * n
        for i, (spec, w) in enumerate(zip(losses, weights)):
            if spec is None:
                continue
            if trues[i] is None:
                raise ValueError(f"Output {names[i] if names else i} has a loss but no target was given")
            loss = resolve_loss(spec, trues[i], preds[i])
            name = names[i] if names else getattr(loss, "name", f"output_{i}")
            self.entries.append((i, loss, w, name))
        if not self.entries:
            raise ValueError("No loss to compute: every output's loss is None")
        if len(self.entries) > 1:
            self.metrics = [metrics_module.Mean(name=f"{name}_loss") for _, _, _, name in self.entries]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        preds, trues, weights, _ = _aligned(self.output_names, y_true, y_pred, sample_weight)
        total = None
        for k, (i, loss, w, _) in enumerate(self.entries):
            value = loss(trues[i], preds[i], sample_weight=weights[i])
            if self.metrics:
                self.metrics[k].update_state(value, sample_weight=preds[i].shape[0])
            if w is not None:
                value = M.multiply(value, float(w))
            total = value if total is None else M.add(total, value)
        return total


class CompileMetrics:
    """The metrics and weighted metrics given to compile(), built on the first batch's shapes."""

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names=None):
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, (list, tuple, dict)):
                raise ValueError(
                    f"Expected `{arg}` argument to be a list, tuple, or dict. Received instead: {arg}={value} of "
                    f"type {type(value)}")
        self.user_metrics = metrics
        self.user_weighted_metrics = weighted_metrics
        self.output_names = output_names
        self.built = False
        self.unweighted = []  # per output: list of Metric
        self.weighted = []

    def _build_set(self, spec, trues, preds, names):
        n = len(preds)
        if not spec:
            return [[] for _ in range(n)]
        if n == 1:
            per_output = [nest.flatten(spec) if not isinstance(spec, dict) else nest.flatten(list(spec.values()))]
        else:
            per_output = _per_output(spec, names, n, "metrics")
        result = []
        for i, entry in enumerate(per_output):
            entries = [] if entry is None else (list(entry) if isinstance(entry, (list, tuple)) else [entry])
            result.append([resolve_metric(identifier, trues[i], preds[i]) for identifier in entries])
        return result

    def build(self, y_true, y_pred):
        preds, trues, _, names = _aligned(self.output_names, y_true, y_pred)
        self.unweighted = self._build_set(self.user_metrics, trues, preds, names)
        self.weighted = self._build_set(self.user_weighted_metrics, trues, preds, names)
        # Reported names: the metric's own name, prefixed with its output's name when there are several
        # outputs, and a weighted metric clashing with an unweighted one as weighted_<name> (as Keras);
        # the user's metric objects keep their names.
        prefixes = [f"{name}_" for name in names] if names and len(preds) > 1 else [""] * len(preds)
        self._names = {}
        taken = set()

        def unique(name):  # the same metric listed twice reports as name, name_1, ... (as Keras)
            suffix = 0
            while (f"{name}_{suffix}" if suffix else name) in taken:
                suffix += 1
            name = f"{name}_{suffix}" if suffix else name
            taken.add(name)
            return name

        for ms, prefix in zip(self.unweighted, prefixes):
            for m in ms:
                self._names[id(m)] = unique(prefix + m.name)
        unweighted_names = set(taken)
        for ms, prefix in zip(self.weighted, prefixes):
            for m in ms:
                name = prefix + m.name
                self._names[id(m)] = unique(f"{prefix}weighted_{m.name}" if name in unweighted_names else name)
        self.built = True

    @property
    def metrics(self):
        return [m for ms in self.unweighted + self.weighted for m in ms]

    @property
    def names(self):
        """The names the metrics' results are reported under, in `metrics` order."""
        return [self._names[id(m)] for m in self.metrics]

    @property
    def variables(self):
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        preds, trues, weights, _ = _aligned(self.output_names, y_true, y_pred, sample_weight)
        for metrics, yt, yp in zip(self.unweighted, trues, preds):
            for m in metrics:
                m.update_state(yt, yp)
        if any(self.weighted):
            for metrics, yt, yp, sw in zip(self.weighted, trues, preds, weights):
                for m in metrics:
                    m.update_state(yt, yp, sample_weight=sw)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self):
        return {self._names[id(m)]: m.result() for m in self.metrics}

"""keras.metrics against Keras 3 (golden results after weighted updates), state handling, identifiers, speed."""
import json
import os
import time

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "metrics", "metrics.npz")
GOLDEN = np.load(FIXTURE)
CASES = json.loads(str(GOLDEN["cases"]))


def case_id(case):
    options = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['key']}-{case['name']}({options})"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_metric_matches_keras_after_each_update(case):
    key = case["key"]
    kwargs = {k: getattr(keras.losses, v) if k == "fn" else v for k, v in case["kwargs"].items()}
    metric = getattr(keras.metrics, case["name"])(**kwargs)
    for j, weighted in enumerate(case["weighted"]):
        sw = GOLDEN[f"{key}/u{j}/sample_weight"] if weighted else None
        if case["kind"] == "values":
            metric.update_state(GOLDEN[f"{key}/u{j}/values"], sample_weight=sw)
        else:
            metric.update_state(GOLDEN[f"{key}/u{j}/y_true"], GOLDEN[f"{key}/u{j}/y_pred"], sample_weight=sw)
        result = metric.result()
        assert isinstance(result, tf.Tensor)
        np.testing.assert_allclose(result.numpy(), GOLDEN[f"{key}/u{j}/result"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"after update {j}")


@pytest.mark.parametrize("metric, direction", [
    (keras.metrics.Accuracy(), "up"), (keras.metrics.AUC(), "up"), (keras.metrics.F1Score(), "up"),
    (keras.metrics.MeanSquaredError(), "down"), (keras.metrics.SparseCategoricalCrossentropy(), "down"),
    (keras.metrics.MeanMetricWrapper(keras.losses.poisson), "down"), (keras.metrics.R2Score(), "up"),
    (keras.metrics.PearsonCorrelation(), "up"), (keras.metrics.ConcordanceCorrelation(), "up"),
])
def test_metrics_say_which_way_is_better(metric, direction):
    # Callbacks monitoring a metric in mode "auto" read this, as in Keras.
    assert metric._direction == direction


def test_reset_state_starts_over():
    metric = keras.metrics.SparseCategoricalAccuracy()
    metric.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])
    assert float(metric.result()) == 0.5
    metric.reset_state()
    assert float(metric.result()) == 0.0
    metric.update_state([1], [[0.1, 0.9]])
    assert float(metric.result()) == 1.0


def test_call_updates_and_returns_the_running_result():
    metric = keras.metrics.Mean()
    assert float(metric([1.0, 3.0])) == 2.0
    assert float(metric([5.0])) == 3.0


def test_state_lives_in_non_trainable_variables_named_after_the_metric():
    metric = keras.metrics.Precision(thresholds=[0.3, 0.7], name="prec")
    assert [v.path for v in metric.variables] == ["prec/true_positives", "prec/false_positives"]
    assert all(not v.trainable and v.shape == (2,) for v in metric.variables)
    assert metric.name == "prec" and metric.dtype == "float32"


def test_results_are_arrays_where_keras_returns_arrays():
    f1 = keras.metrics.F1Score()
    f1.update_state(np.eye(3, dtype="float32"), np.eye(3, dtype="float32"))
    assert f1.result().shape == (3,)
    recall = keras.metrics.Recall(thresholds=[0.2, 0.5, 0.9])
    recall.update_state([1, 1], [0.3, 0.95])
    np.testing.assert_allclose(recall.result().numpy(), [1.0, 0.5, 0.5])


# ------------------------------------------------------------------------------- validate, then mutate
@pytest.mark.parametrize("make, args", [
    (keras.metrics.SparseCategoricalAccuracy, (np.zeros(32), np.zeros((16, 10)))),
    (keras.metrics.CategoricalAccuracy, (np.zeros((4, 3)), np.zeros((4, 5)))),
    (keras.metrics.BinaryAccuracy, (np.zeros((4, 2)), np.zeros((5, 2)))),
    (keras.metrics.MeanSquaredError, (np.zeros((4, 2)), np.zeros((3, 2)))),
    (keras.metrics.RootMeanSquaredError, (np.zeros((4, 2)), np.zeros((3, 2)))),
    (keras.metrics.Precision, (np.zeros((4, 1)), np.zeros((5, 1)))),
    (keras.metrics.AUC, (np.zeros(4), np.zeros(6))),
    (lambda: keras.metrics.MeanIoU(num_classes=3), (np.zeros(4), np.zeros(6))),
    (lambda: keras.metrics.F1Score(average="macro"), (np.zeros((4, 3)), np.zeros((4, 2)))),
    (keras.metrics.R2Score, (np.zeros((4, 3)), np.zeros((4, 2)))),
    (keras.metrics.PearsonCorrelation, (np.zeros((4, 3)), np.zeros((4, 2)))),
    (keras.metrics.ConcordanceCorrelation, (np.zeros((4, 3)), np.zeros((5, 3)))),
])
def test_mismatched_shapes_raise_before_any_state_changes(make, args):
    metric = make()
    good_true, good_pred = np.zeros_like(args[1]), np.full_like(args[1], 0.7)
    if isinstance(metric, (keras.metrics.SparseCategoricalAccuracy, keras.metrics.MeanIoU)):
        good_true = np.zeros(args[1].shape[:1]) if args[1].ndim > 1 else np.zeros_like(args[1])
    metric.update_state(good_true, good_pred)
    before = [v.numpy().copy() for v in metric.variables]
    result = metric.result().numpy()
    with pytest.raises(ValueError, match=metric.name):
        metric.update_state(*args)
    for v, old in zip(metric.variables, before):
        np.testing.assert_array_equal(v.numpy(), old)
    np.testing.assert_array_equal(metric.result().numpy(), result)


@pytest.mark.parametrize("make", [keras.metrics.F1Score, keras.metrics.R2Score])
def test_a_bad_first_batch_does_not_build_the_metric(make):
    metric = make()
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\).*y_pred.shape=\(4, 2\)"):
        metric.update_state(np.zeros((4, 3)), np.zeros((4, 2)))
    assert len(metric.variables) == (1 if make is keras.metrics.R2Score else 0)  # R2Score's sample count only
    metric.update_state(np.eye(3, dtype="float32"), np.eye(3, dtype="float32") * 0.9)
    assert metric.variables[-1].shape == (3,)


def test_bad_sample_weight_raises_before_state_changes():
    metric = keras.metrics.MeanAbsoluteError()
    metric.update_state(np.ones((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"mean_absolute_error.*sample_weight"):
        metric.update_state(np.ones((4, 2)), np.zeros((4, 2)), sample_weight=np.ones(3))
    assert float(metric.count.numpy()) == 4.0


# ------------------------------------------------------------------------------------- wrappers
def test_mean_metric_wrapper_takes_any_function():
    def max_error(y_true, y_pred):
        return tf.reduce_max(tf.abs(y_true - y_pred), axis=-1)

    metric = keras.metrics.MeanMetricWrapper(max_error, name="max_error")
    metric.update_state(np.zeros((2, 3), "float32"), np.array([[1, 2, 3], [0, 0, 1]], "float32"))
    assert float(metric.result()) == 2.0


def test_metric_updates_inside_a_tape_record_nothing():
    x = tf.Variable(np.ones((4, 2), "float32"))
    metric = keras.metrics.BinaryCrossentropy()
    with tf.GradientTape() as tape:
        y = x * 0.5
        metric.update_state(np.ones((4, 2)), y)
        recorded = len(tape._nodes)
    assert recorded == 1


def test_keras_mask_on_predictions_excludes_masked_entries():
    y_pred = tf.constant(np.array([[1.0], [5.0], [2.0]], "float32"))
    y_pred._keras_mask = tf.constant(np.array([True, False, True]))
    metric = keras.metrics.MeanAbsoluteError()
    metric.update_state(np.zeros((3, 1), "float32"), y_pred)
    assert float(metric.result()) == 1.5


def test_custom_metric_subclass():
    class CountPositives(keras.metrics.Metric):
        def __init__(self, name="count_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.positives = self.add_variable(shape=(), initializer="zeros", name="positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.positives.assign_add(tf.reduce_sum(tf.cast(tf.constant(y_pred) > 0, "float32")))

        def result(self):
            return self.positives.value

    metric = CountPositives()
    metric.update_state(None, np.array([1.0, -1.0, 2.0]))
    assert float(metric.result()) == 2.0
    assert metric.variables[0].path == "count_positives/positives"
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_sub_metrics_held_as_attributes_are_tracked():
    class Both(keras.metrics.Metric):
        def __init__(self):
            super().__init__(name="both")
            self.mean = keras.metrics.Mean(name="inner")

    assert [v.path for v in Both().variables] == ["inner/total", "inner/count"]


# ------------------------------------------------------------------------------------- identifiers
@pytest.mark.parametrize("identifier, cls", [
    ("accuracy", keras.metrics.Accuracy), ("acc", keras.metrics.Accuracy),
    ("mse", keras.metrics.MeanSquaredError), ("mae", keras.metrics.MeanAbsoluteError),
    ("mape", keras.metrics.MeanAbsolutePercentageError), ("msle", keras.metrics.MeanSquaredLogarithmicError),
    ("bce", keras.metrics.BinaryCrossentropy), ("AUC", keras.metrics.AUC), ("auc", keras.metrics.AUC),
    ("sparse_categorical_accuracy", keras.metrics.SparseCategoricalAccuracy),
    ("sparse_categorical_crossentropy", keras.metrics.SparseCategoricalCrossentropy),
    ("root_mean_squared_error", keras.metrics.RootMeanSquaredError), ("f1_score", keras.metrics.F1Score),
    ("pearson_correlation", keras.metrics.PearsonCorrelation), ("PearsonCorrelation", keras.metrics.PearsonCorrelation),
    ("concordance_correlation", keras.metrics.ConcordanceCorrelation),
])
def test_get_resolves_names_and_aliases(identifier, cls):
    assert type(keras.metrics.get(identifier)) is cls


def test_get_passes_instances_and_functions_and_reads_configs():
    metric = keras.metrics.AUC(curve="PR")
    assert keras.metrics.get(metric) is metric
    assert keras.metrics.get(keras.metrics.binary_accuracy) is keras.metrics.binary_accuracy
    restored = keras.metrics.get(keras.metrics.serialize(metric))
    assert isinstance(restored, keras.metrics.AUC) and restored.get_config() == metric.get_config()


@pytest.mark.parametrize("identifier", ["acuracy", 7, {"class_name": "NoSuchMetric", "config": {}}])
def test_unknown_identifiers_raise_value_error_naming_them(identifier):
    with pytest.raises(ValueError, match="NoSuchMetric" if isinstance(identifier, dict) else repr(identifier)):
        keras.metrics.get(identifier)


@pytest.mark.parametrize("metric", [
    keras.metrics.Precision(thresholds=[0.2, 0.4], class_id=1, name="p"),
    keras.metrics.BinaryAccuracy(threshold=0.3),
    keras.metrics.SparseTopKCategoricalAccuracy(k=3),
    keras.metrics.F1Score(average="weighted", threshold=0.4),
    keras.metrics.MeanIoU(num_classes=4, ignore_class=0),
    keras.metrics.R2Score(class_aggregation=None, num_regressors=1),
    keras.metrics.MeanMetricWrapper(keras.losses.huber, name="hub", delta=0.2),
    keras.metrics.PearsonCorrelation(name="pcc", axis=0),
    keras.metrics.ConcordanceCorrelation(axis=-1, dtype="float64"),
])
def test_config_round_trip(metric):
    restored = type(metric).from_config(metric.get_config())
    assert restored.get_config() == metric.get_config()


def test_accuracy_update_is_a_few_microseconds():
    metric = keras.metrics.SparseCategoricalAccuracy()
    rng = np.random.default_rng(0)
    y_true = tf.constant(rng.integers(0, 10, 32))
    y_pred = tf.constant(rng.random((32, 10), dtype=np.float32))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            metric.update_state(y_true, y_pred)
        best = min(best, (time.perf_counter() - start) / 200)
    assert best < 50e-6, f"SparseCategoricalAccuracy.update_state took {best * 1e6:.1f} us"


# ------------------------------------------------------------------------------------- correlations
@pytest.mark.parametrize("fn, cls", [(keras.metrics.pearson_correlation, keras.metrics.PearsonCorrelation),
                                     (keras.metrics.concordance_correlation, keras.metrics.ConcordanceCorrelation)])
def test_correlation_functions_are_differentiable_and_agree_with_their_metrics(fn, cls):
    rng = np.random.default_rng(0)
    y_true = rng.standard_normal((5, 4)).astype("float32")
    y_pred = tf.Variable(y_true * 0.5 + rng.standard_normal((5, 4)).astype("float32"))
    with tf.GradientTape() as tape:
        per_sample = fn(y_true, y_pred)
        total = tf.reduce_sum(per_sample)
    assert per_sample.shape == (5,) and np.all(np.abs(per_sample.numpy()) <= 1.0)
    assert np.all(np.isfinite(tape.gradient(total, y_pred).numpy()))
    metric = cls()
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(float(np.mean(per_sample.numpy())), rel=1e-5)


def test_perfectly_related_predictions_score_one():
    y_true = np.array([[1.0, 2.0, 4.0], [0.0, -1.0, 3.0]], "float32")
    np.testing.assert_allclose(keras.metrics.pearson_correlation(y_true, 3 * y_true + 1).numpy(), [1.0, 1.0],
                               rtol=1e-6)
    np.testing.assert_allclose(keras.metrics.concordance_correlation(y_true, y_true).numpy(), [1.0, 1.0], rtol=1e-5)
    metric = keras.metrics.PearsonCorrelation()
    metric.update_state(y_true, -y_true)
    assert float(metric.result()) == pytest.approx(-1.0, rel=1e-6)


def test_fit_reports_correlation_metrics_by_name():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [0.5]], "float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse",
                  metrics=["pearson_correlation", keras.metrics.ConcordanceCorrelation(axis=0)])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0).history
    assert {"pearson_correlation", "concordance_correlation"} <= set(history)
    assert history["concordance_correlation"][-1] > history["concordance_correlation"][0]

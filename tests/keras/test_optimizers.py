"""keras.optimizers against Keras 3 (golden updates and schedules), validate-then-mutate, and the optimizer API."""
import json
import os
import warnings

import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "optimizers", "optimizers.npz")
GOLDEN = np.load(FIXTURE)
CASES = json.loads(str(GOLDEN["cases"]))
NAMES = json.loads(str(GOLDEN["variables"]))
STEPS = int(GOLDEN["steps"])


def make_learning_rate(value):
    if isinstance(value, dict):
        return getattr(keras.optimizers.schedules, value["schedule"])(**value["config"])
    return value


def make_argument(key, value):
    if key == "inner_optimizer":
        return getattr(keras.optimizers, value["class_name"])(**value["config"])
    return make_learning_rate(value)


def case_id(case):
    options = ",".join(f"{k}={v['schedule'] if 'schedule' in v else v['class_name']}" if isinstance(v, dict)
                       else f"{k}={v}" for k, v in case["kwargs"].items())
    extra = ",".join(f"{k}={v}" for k, v in case["options"].items())
    return f"{case['key']}-{case['name']}({options}{';' + extra if extra else ''})"


def step_gradients(step, names, options):
    grads = [tf.constant(GOLDEN[f"grad{step}/{n}"]) for n in names]
    if options.get("none_grad") and options["none_grad"][0] == step:
        grads[names.index(options["none_grad"][1])] = None
    for at, name, value in options.get("nonfinite", []):
        if at == step:
            g = GOLDEN[f"grad{step}/{name}"].copy()
            g.flat[0] = float(value)
            grads[names.index(name)] = tf.constant(g)
    return grads


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_updates_match_keras(case):
    key, options = case["key"], case["options"]
    optimizer = getattr(keras.optimizers, case["name"])(
        **{k: make_argument(k, v) for k, v in case["kwargs"].items()})
    c = options.get("constraint")
    constraint = (lambda w: tf.clip_by_value(w, -c, c)) if c else None
    names = NAMES + (["cube"] if options.get("cube") else [])
    initial = {n: GOLDEN[f"initial/{n}"] for n in names}
    if options.get("zero_initial"):
        initial[options["zero_initial"]] = np.zeros_like(initial[options["zero_initial"]])
    variables = [tf.Variable(initial[n], name=n, constraint=constraint) for n in names]
    if "exclude_names" in options:
        optimizer.exclude_from_weight_decay(var_names=options["exclude_names"])
    for step in range(STEPS):
        grads = step_gradients(step, names, options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.apply_gradients(zip(grads, variables))
        for n, v in zip(names, variables):
            np.testing.assert_allclose(v.numpy(), GOLDEN[f"{key}/step{step}/{n}"], rtol=1e-5, atol=1e-6,
                                       err_msg=f"{n} after step {step}")
            assert v.dtype == tf.float32
    assert len(optimizer.variables) == case["num_optimizer_variables"]
    for j, v in enumerate(optimizer.variables):
        np.testing.assert_allclose(v.numpy(), GOLDEN[f"{key}/optimizer_variable{j}"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"optimizer variable {j} ({v.path})")
    assert int(optimizer.iterations.numpy()) == case["iterations"]


SCHEDULES = json.loads(str(GOLDEN["schedules"]))


@pytest.mark.parametrize("index", range(len(SCHEDULES)), ids=[s["schedule"] for s in SCHEDULES])
def test_schedules_match_keras(index):
    schedule = make_learning_rate(SCHEDULES[index])
    values = [float(schedule(step)) for step in GOLDEN["schedule_steps"]]
    np.testing.assert_allclose(values, GOLDEN[f"schedule{index}"], rtol=1e-5, atol=1e-7)
    assert schedule(tf.Variable(3, dtype="int64")).dtype == tf.float32


def test_schedule_config_round_trip():
    schedule = keras.optimizers.schedules.CosineDecay(0.1, 100, alpha=0.1, warmup_target=0.2, warmup_steps=5)
    config = keras.optimizers.schedules.serialize(schedule)
    assert config["class_name"] == "CosineDecay" and config["module"] == "keras.optimizers.schedules"
    assert keras.optimizers.schedules.deserialize(config).get_config() == schedule.get_config()
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    restored = keras.optimizers.SGD.from_config(optimizer.get_config())
    assert isinstance(restored.learning_rate, tf.Tensor)
    assert restored.get_config() == optimizer.get_config()


# ------------------------------------------------------------------------------- validate, then mutate
def three_variables():
    return [tf.Variable(np.ones((3, 2), "float32"), name="kernel"), tf.Variable(np.zeros(2, "float32"), name="bias"),
            tf.Variable(np.ones(4, "float32"), name="gamma")]


def snapshot(optimizer, variables):
    return [v.numpy().copy() for v in variables + optimizer.variables]


@pytest.mark.parametrize("make", [
    lambda: keras.optimizers.Adam(use_ema=True),
    lambda: keras.optimizers.SGD(momentum=0.9, weight_decay=0.1),
    lambda: keras.optimizers.RMSprop(centered=True, global_clipnorm=1.0),
    lambda: keras.optimizers.Nadam(gradient_accumulation_steps=2),
])
def test_wrong_shaped_gradient_changes_nothing(make):
    optimizer = make()
    variables = three_variables()
    good = [tf.ones_like(v) for v in variables]
    optimizer.apply_gradients(zip(good, variables))
    before = snapshot(optimizer, variables)
    bad = [good[0], tf.ones((3,)), good[2]]
    with pytest.raises(ValueError, match=r"'bias'.*\(3,\).*\(2,\)"):
        optimizer.apply_gradients(zip(bad, variables))
    for old, new in zip(before, snapshot(optimizer, variables)):
        np.testing.assert_array_equal(old, new)
    assert int(optimizer.iterations.numpy()) == (0 if optimizer.gradient_accumulation_steps else 1)


def test_wrong_shaped_gradient_on_the_first_step_builds_nothing():
    optimizer = keras.optimizers.Adam()
    variables = three_variables()
    with pytest.raises(ValueError, match="'kernel'"):
        optimizer.apply_gradients(zip([tf.ones((2, 3)), tf.ones(2), tf.ones(4)], variables))
    assert not optimizer.built and len(optimizer.variables) == 2
    np.testing.assert_array_equal(variables[0].numpy(), np.ones((3, 2)))


def test_unknown_variable_is_rejected_before_any_update():
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    variables = three_variables()
    optimizer.apply_gradients(zip([tf.ones_like(v) for v in variables], variables))
    stranger = tf.Variable(np.zeros(2, "float32"), name="stranger")
    with pytest.raises(ValueError, match="Unknown variable: 'stranger'"):
        optimizer.apply_gradients([(tf.ones((3, 2)), variables[0]), (tf.ones(2), stranger)])
    np.testing.assert_allclose(variables[0].numpy(), np.full((3, 2), 0.9))


def test_none_gradients_are_skipped_with_a_warning():
    optimizer = keras.optimizers.SGD(learning_rate=0.5)
    variables = three_variables()
    with pytest.warns(UserWarning, match="Gradients do not exist for variables \\['bias'\\]"):
        optimizer.apply_gradients(zip([tf.ones((3, 2)), None, tf.ones(4)], variables))
    np.testing.assert_array_equal(variables[1].numpy(), np.zeros(2))
    np.testing.assert_array_equal(variables[0].numpy(), np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply_gradients(zip([None, None, None], variables))


# ------------------------------------------------------------------------------------ the API
def test_gradient_tape_loop_trains_a_linear_model():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3
    w = tf.Variable(np.zeros((3, 1), "float32"), name="w")
    b = tf.Variable(np.zeros(1, "float32"), name="b")
    optimizer = keras.optimizers.Adam(learning_rate=0.1)
    loss_fn = keras.losses.MeanSquaredError()
    for _ in range(200):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, tf.matmul(x, w) + b)
        optimizer.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
    assert float(loss) < 1e-3
    np.testing.assert_allclose(w.numpy().ravel(), [1.0, -2.0, 0.5], atol=0.02)
    assert int(optimizer.iterations.numpy()) == 200 and optimizer.iterations.dtype == tf.int64


def test_apply_with_grads_only_after_build():
    optimizer = keras.optimizers.SGD(learning_rate=1.0)
    variables = three_variables()
    with pytest.raises(ValueError, match="build"):
        optimizer.apply([tf.ones((3, 2)), tf.ones(2), tf.ones(4)])
    optimizer.build(variables)
    optimizer.apply([tf.ones((3, 2)), tf.ones(2), tf.ones(4)])
    np.testing.assert_array_equal(variables[1].numpy(), [-1.0, -1.0])


def test_learning_rate_is_settable_between_steps():
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    v = tf.Variable([1.0])
    optimizer.apply_gradients([(tf.constant([1.0]), v)])
    optimizer.learning_rate = 0.5
    optimizer.apply_gradients([(tf.constant([1.0]), v)])
    optimizer.learning_rate.assign(0.25)
    optimizer.apply_gradients([(tf.constant([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [1.0 - 0.1 - 0.5 - 0.25], rtol=1e-6)
    assert isinstance(optimizer.learning_rate, tf.Variable)
    assert optimizer.learning_rate.path == f"{optimizer.name}/learning_rate"


def test_learning_rate_of_a_schedule_follows_iterations_and_is_not_settable():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    v = tf.Variable([0.0])
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-(0.1 + 0.05 + 0.025)], rtol=1e-6)
    assert float(optimizer.learning_rate) == pytest.approx(0.0125)
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1


def test_callable_learning_rate():
    optimizer = keras.optimizers.SGD(learning_rate=lambda: 0.2)
    v = tf.Variable([0.0])
    optimizer.apply_gradients([(tf.constant([1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.2], rtol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"learning_rate": 1}, "learning_rate"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"clipnorm": 1.0, "clipvalue": 1.0}, "Only one of"),
    ({"gradient_accumulation_steps": 1}, "gradient_accumulation_steps"),
    ({"use_ema": True, "ema_momentum": 1.5}, "ema_momentum"),
    ({"momentum": 2.0}, "momentum"),
    ({"nesterov_momentum": 0.9}, "not recognized"),
])
def test_invalid_arguments_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras.optimizers.SGD(**kwargs)


def test_loss_scale_factor_scales_the_loss_and_unscales_the_gradients():
    optimizer = keras.optimizers.SGD(learning_rate=0.1, loss_scale_factor=8.0)
    v = tf.Variable([2.0])
    with tf.GradientTape() as tape:
        loss = optimizer.scale_loss(tf.reduce_sum(v * v))
    assert float(loss) == 32.0
    optimizer.apply_gradients([(tape.gradient(loss, v), v)])
    np.testing.assert_allclose(v.numpy(), [2.0 - 0.1 * 4.0], rtol=1e-6)


def test_gradient_accumulation_updates_every_n_steps_with_the_mean_gradient():
    optimizer = keras.optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    v = tf.Variable([0.0])
    for g in (1.0, 2.0):
        optimizer.apply_gradients([(tf.constant([g]), v)])
        assert v.numpy()[0] == 0.0
    optimizer.apply_gradients([(tf.constant([6.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-3.0])
    assert int(optimizer.iterations.numpy()) == 1


def test_ema_and_finalize_variable_values():
    optimizer = keras.optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    v = tf.Variable([0.0])
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([-1.0]), v)])
    # averages: step 1 copies 1.0; then 0.5 * 1 + 0.5 * 2 = 1.5; then 0.5 * 1.5 + 0.5 * 3 = 2.25
    optimizer.finalize_variable_values([v])
    np.testing.assert_allclose(v.numpy(), [2.25])


def test_weight_decay_exclusions():
    optimizer = keras.optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    kernel = tf.Variable([2.0], name="kernel")
    bias = tf.Variable([2.0], name="bias")
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.apply_gradients([(tf.constant([0.0]), kernel), (tf.constant([0.0]), bias)])
    np.testing.assert_allclose(kernel.numpy(), [2.0 * (1 - 0.05)], rtol=1e-6)
    np.testing.assert_array_equal(bias.numpy(), [2.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        optimizer.exclude_from_weight_decay(var_names=["kernel"])


def test_constraint_is_applied_after_the_update():
    v = tf.Variable([0.5, -0.5], constraint=lambda w: tf.maximum(w, 0.0))
    keras.optimizers.SGD(learning_rate=1.0).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])


def test_update_never_writes_into_the_gradient_or_a_value_read_before():
    optimizer = keras.optimizers.Adam(learning_rate=0.1, clipvalue=0.5)
    v = tf.Variable(np.ones(3, "float32"))
    read = v.value
    grad = tf.constant(np.array([1.0, -2.0, 0.25], "float32"))
    optimizer.apply_gradients([(grad, v)])
    np.testing.assert_array_equal(grad.numpy(), [1.0, -2.0, 0.25])
    np.testing.assert_array_equal(read.numpy(), np.ones(3))
    assert not np.array_equal(v.numpy(), np.ones(3))


def test_float64_variables_stay_float64():
    v = tf.Variable(np.ones(3), dtype="float64")
    optimizer = keras.optimizers.Adam()
    optimizer.apply_gradients([(tf.constant(np.ones(3, "float32")), v)])
    assert v.dtype == tf.float64 and optimizer.variables[2].dtype == tf.float64


def test_float32_updates_never_promote():
    variables = three_variables()
    for name in ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion", "ftrl",
                 "adafactor", "lamb"):
        optimizer = keras.optimizers.get(name)
        optimizer.apply_gradients(zip([tf.ones_like(v) for v in variables], variables))
        # (Adafactor's int32 placeholders for its vectors' row and column statistics are Keras's layout.)
        slots = [v for v in optimizer.variables[2:] if v.numpy().dtype.kind == "f"]
        assert all(v.numpy().dtype == np.float32 for v in variables + slots), name


def test_custom_optimizer_subclass():
    class SignSGD(keras.optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def update_step(self, gradient, variable, learning_rate):
            self.assign_sub(variable, tf.sign(gradient) * learning_rate)

    v = tf.Variable([1.0, 1.0])
    optimizer = SignSGD()
    optimizer.apply_gradients([(tf.constant([3.0, -0.5]), v)])
    np.testing.assert_allclose(v.numpy(), [0.9, 1.1], rtol=1e-6)
    assert optimizer.name == "sign_sgd"


# ----------------------------------------------------------------------------------- identifiers
@pytest.mark.parametrize("identifier, cls", [
    ("adam", keras.optimizers.Adam), ("Adam", keras.optimizers.Adam), ("sgd", keras.optimizers.SGD),
    ("rmsprop", keras.optimizers.RMSprop), ("RMSprop", keras.optimizers.RMSprop), ("adamw", keras.optimizers.AdamW),
    ("adagrad", keras.optimizers.Adagrad), ("adadelta", keras.optimizers.Adadelta),
    ("adamax", keras.optimizers.Adamax), ("nadam", keras.optimizers.Nadam), ("lion", keras.optimizers.Lion),
    ("ftrl", keras.optimizers.Ftrl), ("Ftrl", keras.optimizers.Ftrl), ("adafactor", keras.optimizers.Adafactor),
    ("lamb", keras.optimizers.Lamb),
])
def test_get_by_name(identifier, cls):
    assert type(keras.optimizers.get(identifier)) is cls


def test_get_passes_instances_and_reads_configs():
    optimizer = keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True, clipnorm=1.0)
    assert keras.optimizers.get(optimizer) is optimizer
    config = keras.optimizers.serialize(optimizer)
    assert config["class_name"] == "RMSprop" and config["config"]["learning_rate"] == pytest.approx(0.01)
    restored = keras.optimizers.get(config)
    assert isinstance(restored, keras.optimizers.RMSprop)
    assert restored.get_config() == optimizer.get_config()
    sgd = keras.optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3, "momentum": 0.5}})
    assert sgd.momentum == 0.5 and float(sgd.learning_rate.numpy()) == pytest.approx(0.3)


@pytest.mark.parametrize("identifier", ["adamm", 0.1, {"class_name": "NoSuchOptimizer", "config": {}}])
def test_unknown_identifiers_raise_value_error_naming_them(identifier):
    with pytest.raises(ValueError, match="NoSuchOptimizer" if isinstance(identifier, dict) else repr(identifier)):
        keras.optimizers.get(identifier)


def test_variables_are_named_after_the_optimizer_and_the_weights():
    optimizer = keras.optimizers.Adam(name="opt", use_ema=True)
    kernel = tf.Variable(np.zeros((2, 2), "float32"), name="kernel")
    optimizer.build([kernel])
    assert [v.path for v in optimizer.variables] == [
        "opt/iteration", "opt/learning_rate", "opt/kernel_average", "opt/kernel_momentum", "opt/kernel_velocity"]
    assert not any(v.trainable for v in optimizer.variables)


def test_optimizer_state_saves_and_loads():
    variables = three_variables()
    trained = keras.optimizers.Adam(learning_rate=0.1)
    for _ in range(3):
        trained.apply_gradients(zip([tf.ones_like(v) for v in variables], variables))
    store = {}
    trained.save_own_variables(store)
    restored = keras.optimizers.Adam(learning_rate=0.1)
    restored.build(variables)
    restored.load_own_variables(store)
    for a, b in zip(trained.variables, restored.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(restored.iterations.numpy()) == 3
    with pytest.raises(ValueError, match="not compatible"):
        restored.set_weights([np.zeros(()), np.zeros(()), np.zeros((2, 2))] + [v.numpy() for v in variables[1:]])
    np.testing.assert_array_equal(restored.variables[2].numpy(), trained.variables[2].numpy())

"""Records Keras 3's optimizer updates and learning rate schedules.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_optimizers.py
Writes tests/fixtures/optimizers/optimizers.npz: for each optimizer configuration, the starting
variables, the gradients of every step, the variables after every step and the optimizer's own
variables at the end; and each schedule's learning rate at a list of steps.
"""
import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402

STEPS = 5
SHAPES = {"kernel": (3, 4), "bias": (4,), "scale": (2, 2)}
rng = np.random.default_rng(2024)
INITIAL = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in SHAPES.items()}
GRADS = [{name: (rng.standard_normal(shape) * (1.0 + step)).astype(np.float32) for name, shape in SHAPES.items()}
         for step in range(STEPS)]
# A rank-3 variable some cases add (option "cube"), drawn from its own generator so the values above stay as they were.
CUBE_SHAPE = (2, 3, 2)
cube_rng = np.random.default_rng(2025)
CUBE_INITIAL = cube_rng.standard_normal(CUBE_SHAPE).astype(np.float32)
CUBE_GRADS = [(cube_rng.standard_normal(CUBE_SHAPE) * (1.0 + step)).astype(np.float32) for step in range(STEPS)]


def schedule(name, **config):
    return {"schedule": name, "config": config}


# (optimizer class, kwargs, options): options may hold "exclude_names" (exclude_from_weight_decay var_names),
# "none_grad" ([step, variable name] given a None gradient), "constraint" (clip variables to [-c, c]),
# "cube" (a rank-3 variable "cube" after the others), "zero_initial" (a variable name starting at zeros) and
# "nonfinite" ([[step, variable name, "inf"/"-inf"/"nan"], ...]: the first element of that gradient).
# A LossScaleOptimizer's "inner_optimizer" is {"class_name": optimizer class, "config": its kwargs}.
CASES = [
    ("SGD", {}, {}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}, {}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.8, "nesterov": True}, {}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.1}, {}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}, {}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.3}, {}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 2.0}, {}),
    ("SGD", {"learning_rate": schedule("ExponentialDecay", initial_learning_rate=0.1, decay_steps=2,
                                       decay_rate=0.5)}, {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 2}, {}),
    ("SGD", {"learning_rate": 0.1, "loss_scale_factor": 4.0}, {}),
    ("SGD", {"learning_rate": 0.1}, {"constraint": 0.5}),
    ("Adam", {}, {}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}, {}),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3}, {}),
    ("Adam", {"learning_rate": 0.01, "weight_decay": 0.05}, {"exclude_names": ["bias"]}),
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9}, {}),
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 2}, {}),
    ("Adam", {"learning_rate": 0.01, "gradient_accumulation_steps": 2}, {}),
    ("Adam", {"learning_rate": 0.01, "clipnorm": 1.0}, {}),
    ("Adam", {"learning_rate": 0.01, "global_clipnorm": 1.0}, {}),
    ("Adam", {"learning_rate": 0.01, "clipvalue": 0.5}, {}),
    ("Adam", {"learning_rate": 0.01}, {"none_grad": [1, "bias"]}),
    ("Adam", {"learning_rate": schedule("CosineDecay", initial_learning_rate=0.0, decay_steps=4, alpha=0.1,
                                        warmup_target=0.02, warmup_steps=2)}, {}),
    ("Adam", {"learning_rate": schedule("PolynomialDecay", initial_learning_rate=0.02, decay_steps=2,
                                        end_learning_rate=0.001, power=2.0, cycle=True)}, {}),
    ("AdamW", {}, {}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True}, {"exclude_names": ["kernel"]}),
    ("RMSprop", {}, {}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}, {}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}, {}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.3, "centered": True, "epsilon": 1e-4}, {}),
    ("Adagrad", {}, {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3}, {}),
    ("Adadelta", {}, {}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.8}, {}),
    ("Adamax", {}, {}),
    ("Adamax", {"learning_rate": 0.02, "beta_1": 0.7, "use_ema": True}, {}),
    ("Nadam", {}, {}),
    ("Nadam", {"learning_rate": 0.01, "beta_1": 0.8, "weight_decay": 0.01}, {}),
    ("Lion", {}, {}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9, "global_clipnorm": 1.0}, {}),
    ("Ftrl", {}, {}),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
              "beta": 0.5}, {}),
    ("Ftrl", {"learning_rate": 0.05, "learning_rate_power": -0.3, "initial_accumulator_value": 0.5,
              "l2_shrinkage_regularization_strength": 0.05, "clipnorm": 1.0}, {"cube": True}),
    ("Ftrl", {"learning_rate": 0.1, "learning_rate_power": 0.0, "l1_regularization_strength": 0.5}, {}),
    ("Ftrl", {"learning_rate": schedule("ExponentialDecay", initial_learning_rate=0.2, decay_steps=2,
                                        decay_rate=0.5), "weight_decay": 0.1, "initial_accumulator_value": 0.0},
     {"exclude_names": ["bias"]}),
    ("Adafactor", {}, {}),
    ("Adafactor", {"learning_rate": 0.1, "beta_2_decay": -0.5, "epsilon_2": 1e-2, "clip_threshold": 0.5},
     {"cube": True}),
    ("Adafactor", {"learning_rate": 0.1, "weight_decay": 0.05, "global_clipnorm": 2.0}, {"exclude_names": ["bias"]}),
    ("Adafactor", {"learning_rate": schedule("CosineDecay", initial_learning_rate=0.5, decay_steps=4, alpha=0.1),
                   "relative_step": False, "clipvalue": 1.0}, {"zero_initial": "scale"}),
    ("Adafactor", {"learning_rate": 0.05, "gradient_accumulation_steps": 2, "use_ema": True}, {}),
    ("Lamb", {}, {}),
    ("Lamb", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-4, "weight_decay": 0.01}, {}),
    ("Lamb", {"learning_rate": 0.05, "clipvalue": 0.5}, {"none_grad": [1, "bias"], "zero_initial": "bias"}),
    ("Lamb", {"learning_rate": schedule("PolynomialDecay", initial_learning_rate=0.05, decay_steps=3,
                                        end_learning_rate=0.005)}, {"cube": True}),
    ("Lamb", {"learning_rate": 0.02, "gradient_accumulation_steps": 2, "clipnorm": 1.0}, {}),
    ("LossScaleOptimizer", {"inner_optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.5}},
                            "initial_scale": 4.0, "dynamic_growth_steps": 2}, {"nonfinite": [[2, "kernel", "inf"]]}),
    ("LossScaleOptimizer", {"inner_optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.01}},
                            "initial_scale": 8.0, "dynamic_growth_steps": 3},
     {"nonfinite": [[1, "bias", "nan"], [3, "scale", "-inf"]]}),
    ("LossScaleOptimizer", {"inner_optimizer": {"class_name": "Lamb", "config": {"learning_rate": 0.01,
                                                                                "weight_decay": 0.1}}}, {}),
]

SCHEDULES = [
    schedule("ExponentialDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    schedule("ExponentialDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
    schedule("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5),
    schedule("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5, staircase=True),
    schedule("PiecewiseConstantDecay", boundaries=[5, 20], values=[0.1, 0.05, 0.01]),
    schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=20),
    schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=20, end_learning_rate=0.01, power=0.5,
             cycle=True),
    schedule("CosineDecay", initial_learning_rate=0.1, decay_steps=20),
    schedule("CosineDecay", initial_learning_rate=0.1, decay_steps=20, alpha=0.2),
    schedule("CosineDecay", initial_learning_rate=0.0, decay_steps=20, warmup_target=0.1, warmup_steps=10),
    schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=10),
    schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=10, t_mul=1.0, m_mul=0.8,
             alpha=0.1),
]
SCHEDULE_STEPS = [0, 1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 41, 100]


def make_learning_rate(value):
    if isinstance(value, dict):
        return getattr(keras.optimizers.schedules, value["schedule"])(**value["config"])
    return value


def make_argument(key, value):
    if key == "inner_optimizer":
        return getattr(keras.optimizers, value["class_name"])(**value["config"])
    return make_learning_rate(value)


def variable_names(options):
    return list(SHAPES) + (["cube"] if options.get("cube") else [])


def step_gradients(step, options):
    grads = [GRADS[step][n] for n in SHAPES] + ([CUBE_GRADS[step]] if options.get("cube") else [])
    names = variable_names(options)
    if options.get("none_grad") and options["none_grad"][0] == step:
        grads[names.index(options["none_grad"][1])] = None
    for at, name, value in options.get("nonfinite", []):
        if at == step:
            g = grads[names.index(name)].copy()
            g.flat[0] = float(value)
            grads[names.index(name)] = g
    return grads


def run_case(name, kwargs, options):
    kwargs = {k: make_argument(k, v) for k, v in kwargs.items()}
    optimizer = getattr(keras.optimizers, name)(**kwargs)
    c = options.get("constraint")
    constraint = (lambda w: keras.ops.clip(w, -c, c)) if c else None
    initial = {**INITIAL, "cube": CUBE_INITIAL}
    if options.get("zero_initial"):
        initial[options["zero_initial"]] = np.zeros_like(initial[options["zero_initial"]])
    variables = [keras.Variable(initial[n], name=n) for n in variable_names(options)]
    for v in variables:
        v.constraint = constraint  # keras.Variable takes its constraint as an attribute
    if "exclude_names" in options:
        optimizer.exclude_from_weight_decay(var_names=options["exclude_names"])
    history = []
    for step in range(STEPS):
        optimizer.apply_gradients(zip(step_gradients(step, options), variables))
        history.append([v.numpy() for v in variables])
    return history, [v.numpy() for v in optimizer.variables], int(optimizer.iterations.numpy())


def main():
    specs, arrays = [], {}
    for n in SHAPES:
        arrays[f"initial/{n}"] = INITIAL[n]
        for step in range(STEPS):
            arrays[f"grad{step}/{n}"] = GRADS[step][n]
    arrays["initial/cube"] = CUBE_INITIAL
    for step in range(STEPS):
        arrays[f"grad{step}/cube"] = CUBE_GRADS[step]
    for i, (name, kwargs, options) in enumerate(CASES):
        history, opt_vars, iterations = run_case(name, kwargs, options)
        key = f"case{i}"
        for step, values in enumerate(history):
            for n, value in zip(variable_names(options), values):
                arrays[f"{key}/step{step}/{n}"] = value
        for j, value in enumerate(opt_vars):
            arrays[f"{key}/optimizer_variable{j}"] = value
        specs.append({"key": key, "name": name, "kwargs": kwargs, "options": options,
                      "num_optimizer_variables": len(opt_vars), "iterations": iterations})
    for i, spec in enumerate(SCHEDULES):
        lr = make_learning_rate(spec)
        arrays[f"schedule{i}"] = np.array([float(lr(step)) for step in SCHEDULE_STEPS], np.float32)
    out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "optimizers", "optimizers.npz")
    np.savez_compressed(out, cases=np.array(json.dumps(specs)), variables=np.array(json.dumps(list(SHAPES))),
                        schedules=np.array(json.dumps(SCHEDULES)), schedule_steps=np.array(SCHEDULE_STEPS),
                        steps=np.array(STEPS), **arrays)
    print(f"wrote {len(specs)} optimizer cases and {len(SCHEDULES)} schedules to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()

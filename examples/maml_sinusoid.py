"""MAML on sinusoid regression: second-order gradients through nested GradientTapes.

Each task is a sine wave y = A sin(x - phase) with amplitude A in [0.1, 5] and phase in [0, pi]; a learner
sees K = 10 points of a new wave and takes one gradient step on them. Model-Agnostic Meta-Learning (Finn
et al., 2017) trains the network's starting weights so that this one step fits the rest of the wave well:
an inner tape takes the gradient of each task's loss on its 10 points, the adapted weights are the
starting weights minus a step along it, and an outer tape differentiates the loss of the adapted weights
on new points of the same wave with respect to the starting weights, through the inner gradient (a
second-order gradient). `--first-order` drops the second-order term (FOMAML), as `tf.stop_gradient` on
the inner gradient.

The baseline is the same network pre-trained with `fit` on points of all tasks jointly (as many gradient
steps and points as MAML sees), then fine-tuned with the same one step on each held-out task.

    python examples/maml_sinusoid.py                       # full mode, second-order MAML
    python examples/maml_sinusoid.py --first-order         # first-order MAML
    python examples/maml_sinusoid.py --quick               # a short run (what the tests run)

Quality bar (full mode, 8000 meta-steps): after one step on 10 points, MAML's mean squared error on 500
held-out waves is at most half the pre-trained baseline's after the same step (MSE over 100 points per wave).
Quick mode (500 meta-steps): MAML's error is below the baseline's.
"""
import time

import numpy as np

import gradfit as tf
from gradfit import keras

from _common import exit_code, finish, parser

SHOTS = 10  # points a learner sees of each wave
TASKS_PER_STEP = 25
INNER_LEARNING_RATE = 0.01


def random_waves(n, rng):
    """Amplitudes and phases of `n` sine waves, each of shape (n, 1, 1)."""
    return rng.uniform(0.1, 5.0, (n, 1, 1)), rng.uniform(0.0, np.pi, (n, 1, 1))


def points_on(waves, x):
    """(x, y) for x of shape (n, points, 1) on the n waves."""
    amplitude, phase = waves
    return x.astype("float32"), (amplitude * np.sin(x - phase)).astype("float32")


def random_points_on(waves, rng, points):
    return points_on(waves, rng.uniform(-5.0, 5.0, (len(waves[0]), points, 1)))


def build_model():
    """1 -> 40 -> 40 -> 1 with ReLU, as in the MAML paper."""
    return keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Dense(40, activation="relu"),
        keras.layers.Dense(40, activation="relu"),
        keras.layers.Dense(1),
    ])


def forward(weights, x):
    """The model's forward pass with per-task weights: kernels (tasks, in, out), biases (tasks, out), and
    x (tasks, points, 1). MAML evaluates a network at weights that are not its variables, so the pass is
    written with ops."""
    for i in range(0, len(weights), 2):
        kernel, bias = weights[i], weights[i + 1]
        x = tf.matmul(x, kernel) + tf.expand_dims(bias, 1)
        if i + 2 < len(weights):
            x = tf.nn.relu(x)
    return x


def per_task(variables, tasks):
    """One copy of the weights per task (a broadcast, so gradients flow back to the variables)."""
    return [tf.broadcast_to(v, (tasks,) + tuple(v.shape)) for v in variables]


def adapt(weights, x, y, first_order=False):
    """One gradient step per task on its own points. The tasks' losses are summed, so each task's copy of
    the weights gets its own task's gradient. Recorded by any tape around it, unless first_order."""
    with tf.GradientTape() as tape:
        tape.watch(weights)
        loss = tf.reduce_sum(tf.reduce_mean(tf.square(forward(weights, x) - y), axis=[1, 2]))
    grads = tape.gradient(loss, weights)
    if first_order:
        grads = [tf.stop_gradient(g) for g in grads]
    return [w - INNER_LEARNING_RATE * g for w, g in zip(weights, grads)]


def meta_train(model, steps, rng, first_order):
    optimizer = keras.optimizers.Adam(1e-3)
    for step in range(1, steps + 1):
        x, y = random_points_on(random_waves(TASKS_PER_STEP, rng), rng, 2 * SHOTS)
        support, query = (x[:, :SHOTS], y[:, :SHOTS]), (x[:, SHOTS:], y[:, SHOTS:])
        with tf.GradientTape() as tape:
            adapted = adapt(per_task(model.trainable_variables, TASKS_PER_STEP), *support, first_order)
            loss = tf.reduce_mean(tf.square(forward(adapted, query[0]) - query[1]))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        if step % max(1, steps // 10) == 0:
            print(f"meta-step {step:5d}/{steps}  query loss after one step {float(loss):.3f}")


def pretrain(model, steps, rng):
    """The baseline: plain regression on points of many waves at once, with fit()."""
    x, y = random_points_on(random_waves(steps * TASKS_PER_STEP, rng), rng, 2 * SHOTS)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(x.reshape(-1, 1), y.reshape(-1, 1), batch_size=2 * SHOTS * TASKS_PER_STEP, epochs=1, shuffle=False,
              verbose=0)


def held_out_error(model, support, query):
    """Mean squared error on each held-out wave's query points after one step on its support points,
    and before that step."""
    weights = per_task(model.trainable_variables, support[0].shape[0])
    before = tf.reduce_mean(tf.square(forward(weights, query[0]) - query[1]))
    after = tf.reduce_mean(tf.square(forward(adapt(weights, *support), query[0]) - query[1]))
    return float(after), float(before)


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--steps", type=int, default=8000, help="meta-steps (and baseline steps)")
    args_parser.add_argument("--first-order", action="store_true", help="first-order MAML (no second derivatives)")
    args = args_parser.parse_args(argv)
    steps = 500 if args.quick else args.steps

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    maml, baseline = build_model(), build_model()
    baseline.set_weights(maml.get_weights())  # the same starting point

    start = time.perf_counter()
    meta_train(maml, steps, rng, args.first_order)
    maml_seconds = time.perf_counter() - start
    pretrain(baseline, steps, rng)

    test_rng = np.random.default_rng(12345)  # the same held-out waves for every run
    test_waves = random_waves(500, test_rng)
    support = random_points_on(test_waves, test_rng, SHOTS)
    query = points_on(test_waves, np.broadcast_to(np.linspace(-5.0, 5.0, 100)[None, :, None], (500, 100, 1)))
    maml_after, maml_before = held_out_error(maml, support, query)
    baseline_after, baseline_before = held_out_error(baseline, support, query)

    results = {"meta-steps": steps, "MAML": "first-order" if args.first_order else "second-order",
               "MAML MSE before the step": maml_before, "MAML MSE after one step": maml_after,
               "baseline MSE before the step": baseline_before, "baseline MSE after one step": baseline_after,
               "meta-training seconds": maml_seconds}
    if args.quick:
        bar, met = "MAML's MSE after one step < the baseline's", maml_after < baseline_after
    else:
        bar, met = "MAML's MSE after one step <= half the baseline's", maml_after <= 0.5 * baseline_after
    return finish(results, bar, met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

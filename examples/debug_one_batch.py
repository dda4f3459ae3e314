"""Debugging on one batch: overfit it with train_on_batch, read per-layer gradient norms, and find the first
non-finite value and the layer that produced it.

Three checks a model should pass before a long training run:
1. It can overfit a single batch (loss near 0, every label right) with `train_on_batch`; if it cannot,
   the bug is in the model, the loss or the labels, not in the amount of data.
2. Gradient norms per layer and weight, and their ratio to the weight norms, before and after: vanishing
   or exploding layers show up here.
3. No NaN or Inf anywhere. The forward pass runs layer by layer with `tf.debugging.check_numerics` on each
   output, and each layer's input passes through an identity whose custom gradient checks the gradient
   flowing back, so the first bad value, forward or backward, is reported with the layer that made it.
   Two deliberately broken models show it: a standardizing layer without an epsilon (0 / 0 on pixels that
   are blank in the whole batch, a forward NaN), and a `tf.where` over `tf.sqrt` whose untaken branch still
   poisons the gradient (a backward NaN with a finite forward pass).

    python examples/debug_one_batch.py                     # full mode
    python examples/debug_one_batch.py --quick             # fewer steps (what the tests run)

Quality bar (full mode): the batch is overfit (loss < 0.01, accuracy 1.0) within 300 steps; the healthy
model has no non-finite value; the first non-finite value in each broken model is attributed to the layer
that was broken. Quick mode: the same within 100 steps.
"""

import gradfit as tf
from gradfit import keras

from _common import digit_images, exit_code, finish, parser


class Standardize(keras.layers.Layer):
    """Per-feature standardization over the batch, with a bug: no epsilon in the division."""

    def call(self, inputs):
        mean = tf.reduce_mean(inputs, axis=0)
        return (inputs - mean) / tf.math.reduce_std(inputs, axis=0)


class SignedRoot(keras.layers.Layer):
    """sqrt(x) for positive x, x elsewhere, with a bug: tf.sqrt still runs on the negative values, and its
    NaN reaches the gradient even though tf.where never selects it."""

    def call(self, inputs):
        return tf.where(inputs > 0, tf.sqrt(inputs), inputs)


def build_model(broken=None):
    """A digit classifier on flattened 8x8 images; `broken` adds one of the buggy layers."""
    layers = [keras.Input(shape=(64,))]
    if broken == "forward":
        layers.append(Standardize(name="standardize"))
    layers.append(keras.layers.Dense(64, activation="relu", name="hidden_1"))
    layers.append(keras.layers.Dense(64, name="hidden_2"))
    if broken == "backward":
        layers.append(SignedRoot(name="signed_root"))
    else:
        layers.append(keras.layers.ReLU(name="relu"))
    layers.append(keras.layers.Dense(10, activation="softmax", name="classifier"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def overfit(model, x, y, max_steps):
    """train_on_batch on the same batch until the loss is below 0.01 with every label right."""
    for step in range(1, max_steps + 1):
        loss, accuracy = model.train_on_batch(x, y)
        if step == 1 or step % 25 == 0:
            print(f"step {step:4d}  loss {loss:.4f}  accuracy {accuracy:.3f}")
        if loss < 0.01 and accuracy == 1.0:
            print(f"step {step:4d}  loss {loss:.4f}  accuracy {accuracy:.3f}  (overfit)")
            break
    return step, loss, accuracy


def print_gradient_norms(model, x, y):
    """For every trainable weight: its norm, its gradient's norm on the batch, and their ratio."""
    loss_fn = keras.losses.get(model.loss)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    print(f"  {'weight':22s} {'shape':>10s} {'|w|':>9s} {'|grad|':>10s} {'|grad|/|w|':>11s}")
    for variable, grad in zip(model.trainable_variables, grads):
        w_norm, g_norm = float(tf.norm(variable)), float(tf.norm(grad))
        ratio = f"{g_norm / w_norm:11.2e}" if w_norm > 0 else f"{'-':>11s}"  # biases start at zero
        print(f"  {variable.path:22s} {str(tuple(variable.shape)):>10s} {w_norm:9.4f} {g_norm:10.6f} {ratio}")


def checked_gradient(layer):
    """An identity whose gradient is checked: what flows back out of `layer` into its input."""
    @tf.custom_gradient
    def identity(x):
        def grad(upstream):
            return tf.debugging.check_numerics(
                upstream, f"backward: the gradient {type(layer).__name__} '{layer.name}' passes back to its input")
        return tf.identity(x), grad
    return identity


def first_nonfinite(model, x, y):
    """One training step's forward and backward pass, layer by layer, every value checked. Returns the
    message naming the first non-finite value, or None when all are finite."""
    loss_fn = keras.losses.get(model.loss)
    try:
        with tf.GradientTape() as tape:
            outputs = tf.debugging.check_numerics(tf.convert_to_tensor(x), "forward: the input batch")
            tape.watch(outputs)  # so the gradient into the first layer is computed and checked too
            for layer in model.layers:
                outputs = layer(checked_gradient(layer)(outputs), training=True)
                tf.debugging.check_numerics(outputs, f"forward: the output of {type(layer).__name__} '{layer.name}'")
            loss = tf.debugging.check_numerics(loss_fn(y, outputs), "forward: the loss")
        grads = tape.gradient(loss, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads):
            tf.debugging.check_numerics(grad, f"backward: the gradient of '{variable.path}'")
    except tf.errors.InvalidArgumentError as error:
        return str(error)
    return None


def main(argv=None):
    args = parser(__doc__).parse_args(argv)
    max_steps = 100 if args.quick else 300

    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), _ = digit_images()
    x, y = x_train[:32].reshape(32, 64), y_train[:32]

    model = build_model()
    print("Gradient norms before training:")
    print_gradient_norms(model, x, y)
    print("\nOverfitting one batch of 32 digits with train_on_batch:")
    steps, loss, accuracy = overfit(model, x, y, max_steps)
    print("\nGradient norms after overfitting (small: the batch is learned):")
    print_gradient_norms(model, x, y)

    print("\nLooking for non-finite values:")
    findings = {}
    for broken in (None, "forward", "backward"):
        finding = first_nonfinite(build_model(broken), x, y)
        findings[broken] = finding
        print(f"  {'healthy model' if broken is None else f'model broken in its {broken} pass':32s} "
              f"{finding or 'every value finite'}")

    results = {"steps": steps, "loss": float(loss), "accuracy": float(accuracy),
               "healthy model": findings[None] or "every value finite",
               "forward-broken model": findings["forward"], "backward-broken model": findings["backward"]}
    attributed = (findings[None] is None and "Standardize 'standardize'" in (findings["forward"] or "")
                  and "SignedRoot 'signed_root'" in (findings["backward"] or ""))
    bar = f"loss < 0.01 and accuracy 1.0 within {max_steps} steps, non-finite values attributed"
    return finish(results, bar, loss < 0.01 and accuracy == 1.0 and attributed, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

"""WGAN-GP on the 8x8 digits: a gradient inside the loss, differentiated again through nested tapes.

The critic scores images (higher for real ones) and is trained to widen the gap between its mean score on
real and on generated digits, an estimate of the Wasserstein distance. The gradient penalty keeps the
critic 1-Lipschitz: an inner tape takes the gradient of the critic's score with respect to images
interpolated between real and generated ones, and the loss penalizes that gradient's norm for straying
from 1. The outer tape then differentiates the loss, penalty included, with respect to the critic's
weights: a second-order gradient (Gulrajani et al., 2017, "Improved Training of Wasserstein GANs").
The generated digits are judged by the convnet of classify_digits_fit.py, loaded from the weights that
example saved (or trained here first when the file is missing).

    python examples/wgan_gp.py                             # full mode
    python examples/wgan_gp.py --quick                     # a short run (what the tests run)

Quality bar (full mode, 2500 generator steps): of 1000 generated digits, at least 60% are classified with
confidence >= 0.9 by the digit classifier, covering all 10 digits (real held-out digits score 92%, uniform
noise 2%), and the critic's mean gradient norm at the interpolated images is within 0.2 of 1. Quick mode
(150 generator steps): at least 20% covering at least 6 digits, and the gradient norm within 0.5 of 1.
"""
import time

import gradfit as tf
from gradfit import keras

from _common import CLASSIFIER_WEIGHTS, digit_classifier, digit_images, exit_code, finish, judge_digits, parser
from gan_custom_loop import LATENT_DIM, build_generator

BATCH_SIZE = 64
CRITIC_STEPS = 5  # critic updates per generator update
PENALTY_WEIGHT = 10.0


def build_critic():
    """8x8 image -> an unbounded score. No batch normalization: the penalty is per image."""
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(128),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(64),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(1),
    ], name="critic")


def gradient_penalty(critic, real_images, fake_images):
    """Mean of (||d critic(x) / dx|| - 1)^2 over images x interpolated between real and fake ones, and the
    mean gradient norm. Called inside the critic's tape, so the penalty's own gradient is recorded."""
    alpha = tf.random.uniform((real_images.shape[0], 1, 1, 1))
    interpolated = real_images + alpha * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores = critic(interpolated, training=True)
    grads = tape.gradient(scores, interpolated)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0)), tf.reduce_mean(norms)


class WGANGP:
    """Generator, critic, their optimizers, and the two kinds of update."""

    def __init__(self):
        self.generator = build_generator()
        self.critic = build_critic()
        self.generator_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
        self.critic_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)

    def critic_step(self, real_images):
        noise = tf.random.normal((real_images.shape[0], LATENT_DIM))
        fake_images = self.generator(noise, training=True)
        with tf.GradientTape() as tape:
            wasserstein = (tf.reduce_mean(self.critic(real_images, training=True))
                           - tf.reduce_mean(self.critic(fake_images, training=True)))
            penalty, gradient_norm = gradient_penalty(self.critic, real_images, fake_images)
            loss = -wasserstein + PENALTY_WEIGHT * penalty
        grads = tape.gradient(loss, self.critic.trainable_variables)
        self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
        return float(wasserstein), float(gradient_norm)

    def generator_step(self, batch_size):
        noise = tf.random.normal((batch_size, LATENT_DIM))
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(self.critic(self.generator(noise, training=True), training=True))
        grads = tape.gradient(loss, self.generator.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))

    def sample(self, n):
        """n generated digits with pixel values in [0, 1], like the data."""
        return (self.generator.predict_on_batch(tf.random.normal((n, LATENT_DIM))) + 1.0) / 2.0


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--steps", type=int, default=2500, help="generator updates")
    args_parser.add_argument("--classifier", default=CLASSIFIER_WEIGHTS,
                             help="weights saved by classify_digits_fit.py (trained here if missing)")
    args = args_parser.parse_args(argv)
    steps = 150 if args.quick else args.steps

    keras.utils.set_random_seed(args.seed)
    (x_train, _), _ = digit_images()
    x_train = x_train * 2.0 - 1.0  # the generator's tanh range
    batches = iter(tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train)).repeat()
                   .batch(BATCH_SIZE, drop_remainder=True))
    wgan = WGANGP()
    classifier = digit_classifier(args.classifier)

    start = time.perf_counter()
    for step in range(steps):
        for _ in range(CRITIC_STEPS):
            wasserstein, gradient_norm = wgan.critic_step(next(batches))
        wgan.generator_step(BATCH_SIZE)
        if (step + 1) % max(1, steps // 10) == 0:
            print(f"generator step {step + 1:5d}/{steps}  Wasserstein estimate {wasserstein:.3f}  "
                  f"critic gradient norm {gradient_norm:.3f}")
    seconds = time.perf_counter() - start

    judged = judge_digits(classifier, wgan.sample(1000))
    _, final_norm = gradient_penalty(wgan.critic, next(batches), wgan.generator(tf.random.normal(
        (BATCH_SIZE, LATENT_DIM))))
    results = {"Wasserstein estimate (last step)": wasserstein, "critic gradient norm": float(final_norm),
               "confident fraction after training": judged["confident_fraction"],
               "digits covered after training": judged["digits_covered"], "training seconds": seconds}
    fraction_bar, covered_bar, norm_tolerance = (0.2, 6, 0.5) if args.quick else (0.6, 10, 0.2)
    met = (judged["confident_fraction"] >= fraction_bar and judged["digits_covered"] >= covered_bar
           and abs(float(final_norm) - 1.0) <= norm_tolerance)
    return finish(results, f"confident fraction >= {fraction_bar}, covering >= {covered_bar} digits, "
                           f"|gradient norm - 1| <= {norm_tolerance}", met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

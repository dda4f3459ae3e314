"""A GAN on the 8x8 digits with a custom training loop: two models, two optimizers, two GradientTapes.

Each step trains the discriminator to tell real digits from generated ones (one tape, the discriminator's
optimizer), then trains the generator to make the discriminator call its images real (a second tape, the
generator's optimizer). The generated digits are then judged by the convnet of classify_digits_fit.py,
loaded from the weights that example saved (or trained here first when the file is missing).

    python examples/gan_custom_loop.py                     # full mode
    python examples/gan_custom_loop.py --quick             # a short run (what the tests run)
    python examples/gan_custom_loop.py --classifier digits_classifier.weights.h5

Quality bar (full mode, 200 epochs): of 1000 generated digits, at least 70% are classified with confidence
>= 0.9 by the digit classifier, and those cover all 10 digits (real held-out digits score 92%, uniform noise 2%).
Quick mode (20 epochs): at least 30%, covering at least 8 digits.
"""
import time

import gradfit as tf
from gradfit import keras

from _common import (digit_classifier, exit_code, finish, gan_command_line, gan_dataset, generated_digits_bar,
                     judge_digits)

LATENT_DIM = 32
BATCH_SIZE = 64


def build_generator():
    """Noise vector -> 8x8 image with pixel values in [-1, 1]."""
    return keras.Sequential([
        keras.Input(shape=(LATENT_DIM,)),
        keras.layers.Dense(128),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(256),
        keras.layers.BatchNormalization(),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Reshape((8, 8, 1)),
    ], name="generator")


def build_discriminator():
    """8x8 image -> one logit: positive for "real"."""
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(256),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(128),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dense(1),
    ], name="discriminator")


cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    return cross_entropy(tf.ones_like(real_logits), real_logits) + cross_entropy(tf.zeros_like(fake_logits),
                                                                                 fake_logits)


def generator_loss(fake_logits):
    # The non-saturating loss: maximize log D(G(z)) rather than minimize log(1 - D(G(z))).
    return cross_entropy(tf.ones_like(fake_logits), fake_logits)


class GANTrainer:
    """The two models, their two optimizers, and one training step that uses two tapes."""

    def __init__(self):
        self.generator = build_generator()
        self.discriminator = build_discriminator()
        self.generator_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5)
        self.discriminator_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5)

    def train_step(self, real_images):
        batch_size = real_images.shape[0]
        noise = tf.random.normal((batch_size, LATENT_DIM))
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            d_loss = discriminator_loss(self.discriminator(real_images, training=True),
                                        self.discriminator(fake_images, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.discriminator_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))

        noise = tf.random.normal((batch_size, LATENT_DIM))
        with tf.GradientTape() as tape:
            g_loss = generator_loss(self.discriminator(self.generator(noise, training=True), training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return d_loss, g_loss

    def sample(self, n):
        """n generated digits with pixel values in [0, 1], like the data."""
        return (self.generator.predict_on_batch(tf.random.normal((n, LATENT_DIM))) + 1.0) / 2.0


def main(argv=None):
    args, epochs = gan_command_line(__doc__, argv)
    keras.utils.set_random_seed(args.seed)
    dataset = gan_dataset(BATCH_SIZE)
    gan = GANTrainer()
    classifier = digit_classifier(args.classifier)
    before = judge_digits(classifier, gan.sample(1000))

    start = time.perf_counter()
    for epoch in range(epochs):
        for real_images in dataset:
            d_loss, g_loss = gan.train_step(real_images)
        if (epoch + 1) % max(1, epochs // 10) == 0:
            print(f"epoch {epoch + 1:4d}/{epochs}  d_loss {float(d_loss):.3f}  g_loss {float(g_loss):.3f}")
    seconds = time.perf_counter() - start

    after = judge_digits(classifier, gan.sample(1000))
    results = {"confident fraction before training": before["confident_fraction"],
               "confident fraction after training": after["confident_fraction"],
               "digits covered after training": after["digits_covered"], "training seconds": seconds}
    return finish(results, *generated_digits_bar(after, args.quick), args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

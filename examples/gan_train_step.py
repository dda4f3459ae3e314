"""The GAN of gan_custom_loop.py written the Keras way: a Model that overrides `compile` and `train_step`,
trained with `fit`.

`compile` takes the two optimizers and the loss; `train_step` runs the same two-tape step; the `metrics`
property lists the two loss trackers, so `fit` resets them every epoch and shows them in its progress bar
and History. A callback judges generated digits at the end of some epochs, as a callback would log samples.
The generated digits are judged by the convnet of classify_digits_fit.py, loaded from the weights that
example saved (or trained here first when the file is missing).

    python examples/gan_train_step.py                      # full mode
    python examples/gan_train_step.py --quick              # a short run (what the tests run)

Quality bar (full mode, 200 epochs): of 1000 generated digits, at least 70% are classified with confidence
>= 0.9 by the digit classifier, and those cover all 10 digits (real held-out digits score 92%, uniform noise 2%).
Quick mode (20 epochs): at least 30%, covering at least 8 digits.
"""
import time

import gradfit as tf
from gradfit import keras

from _common import (digit_classifier, exit_code, finish, gan_command_line, gan_dataset, generated_digits_bar,
                     judge_digits)
from gan_custom_loop import (BATCH_SIZE, LATENT_DIM, build_discriminator, build_generator, discriminator_loss,
                             generator_loss)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by `fit`."""

    def __init__(self, discriminator, generator, latent_dim, seed=None):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self, d_optimizer, g_optimizer, d_loss_fn, g_loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_loss_fn = d_loss_fn
        self.g_loss_fn = g_loss_fn
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        # Listed here, the trackers are reset by fit() at the start of every epoch.
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            d_loss = self.d_loss_fn(self.discriminator(real_images, training=True),
                                    self.discriminator(fake_images, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            g_loss = self.g_loss_fn(self.discriminator(self.generator(noise, training=True), training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    def sample(self, n):
        """n generated digits with pixel values in [0, 1], like the data."""
        noise = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        return (self.generator.predict_on_batch(noise) + 1.0) / 2.0


class DigitJudge(keras.callbacks.Callback):
    """Every `every` epochs, prints how digit-like 1000 generated images are to the classifier."""

    def __init__(self, classifier, every):
        super().__init__()
        self.classifier = classifier
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            judged = judge_digits(self.classifier, self.model.sample(1000))
            print(f"epoch {epoch + 1}: {judged['confident_fraction']:.1%} of generated digits classified with "
                  f"confidence >= 0.9, covering {judged['digits_covered']} digits")


def main(argv=None):
    args, epochs = gan_command_line(__doc__, argv)
    keras.utils.set_random_seed(args.seed)
    dataset = gan_dataset(BATCH_SIZE)
    gan = GAN(build_discriminator(), build_generator(), LATENT_DIM, seed=args.seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                d_loss_fn=discriminator_loss, g_loss_fn=generator_loss)
    classifier = digit_classifier(args.classifier)

    start = time.perf_counter()
    history = gan.fit(dataset, epochs=epochs, verbose=0,
                      callbacks=[DigitJudge(classifier, every=max(1, epochs // 10))])
    seconds = time.perf_counter() - start

    judged = judge_digits(classifier, gan.sample(1000))
    results = {"epochs": len(history.epoch), "last epoch d_loss": history.history["d_loss"][-1],
               "last epoch g_loss": history.history["g_loss"][-1],
               "confident fraction after training": judged["confident_fraction"],
               "digits covered after training": judged["digits_covered"], "training seconds": seconds}
    return finish(results, *generated_digits_bar(judged, args.quick), args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

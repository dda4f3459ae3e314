"""Several models trained together: a shared encoder with two heads, from one persistent GradientTape.

The encoder turns a flattened 8x8 digit into a 32-number code; a classifier head reads the digit from the
code and a decoder head redraws the image from it. One persistent tape records the forward pass once; each
model's gradients are then taken from it with the losses that concern that model (the encoder's from both),
clipped with `tf.clip_by_global_norm`, and applied by the model's own optimizer. The decoder trains only
while its reconstruction error is above a target: once the images are redrawn well enough, its updates (and
its pull on the encoder) stop until the error climbs back, leaving the encoder to the classifier.

    python examples/multi_model.py                         # full mode
    python examples/multi_model.py --quick                 # fewer epochs (what the tests run)

Quality bar (full mode, 40 epochs): test accuracy >= 0.95 and test reconstruction error (mean squared,
pixels in [0, 1]) <= 0.03, with the decoder's conditional update skipped on some steps. Quick mode
(5 epochs): accuracy >= 0.85 and reconstruction error <= 0.06.
"""
import time

import gradfit as tf
from gradfit import keras

from _common import digit_images, exit_code, finish, parser

BATCH_SIZE = 32
RECONSTRUCTION_TARGET = 0.02  # the decoder learns only while its batch error is above this
CLIP_NORM = 1.0


def build_models():
    encoder = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(128, activation="relu"),
                                keras.layers.Dense(32, activation="relu")], name="encoder")
    classifier = keras.Sequential([keras.Input(shape=(32,)), keras.layers.Dense(10)], name="classifier")
    decoder = keras.Sequential([keras.Input(shape=(32,)), keras.layers.Dense(128, activation="relu"),
                                keras.layers.Dense(64, activation="sigmoid")], name="decoder")
    return encoder, classifier, decoder


class MultiHeadTrainer:
    """The three models, an optimizer each, and the step that trains them from one persistent tape."""

    def __init__(self):
        self.encoder, self.classifier, self.decoder = build_models()
        self.optimizers = {model.name: keras.optimizers.Adam(1e-3)
                           for model in (self.encoder, self.classifier, self.decoder)}
        self.classification_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.reconstruction_loss = keras.losses.MeanSquaredError()
        self.steps = self.decoder_updates = self.clipped = 0

    def apply(self, model, grads):
        """Clip the model's gradients to a global norm of CLIP_NORM and apply them with its optimizer."""
        grads, norm = tf.clip_by_global_norm(grads, CLIP_NORM)
        self.clipped += int(float(norm) > CLIP_NORM)
        self.optimizers[model.name].apply_gradients(zip(grads, model.trainable_variables))

    def train_step(self, images, labels):
        with tf.GradientTape(persistent=True) as tape:
            codes = self.encoder(images, training=True)
            class_loss = self.classification_loss(labels, self.classifier(codes, training=True))
            reconstruction_loss = self.reconstruction_loss(images, self.decoder(codes, training=True))
            update_decoder = float(reconstruction_loss) > RECONSTRUCTION_TARGET
            # Inside the tape: the sum is an op too, and only recorded ops can be differentiated.
            encoder_loss = class_loss + reconstruction_loss if update_decoder else class_loss

        self.apply(self.encoder, tape.gradient(encoder_loss, self.encoder.trainable_variables))
        self.apply(self.classifier, tape.gradient(class_loss, self.classifier.trainable_variables))
        if update_decoder:
            self.apply(self.decoder, tape.gradient(reconstruction_loss, self.decoder.trainable_variables))
            self.decoder_updates += 1
        del tape  # a persistent tape holds its recording until it is dropped
        self.steps += 1
        return float(class_loss), float(reconstruction_loss)

    def evaluate(self, images, labels):
        codes = self.encoder(images)
        accuracy = tf.reduce_mean(tf.cast(tf.argmax(self.classifier(codes), axis=1) == labels, "float32"))
        return float(accuracy), float(self.reconstruction_loss(images, self.decoder(codes)))


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--epochs", type=int, default=40)
    args = args_parser.parse_args(argv)
    epochs = 5 if args.quick else args.epochs

    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = digit_images()
    x_train, x_test = x_train.reshape(-1, 64), x_test.reshape(-1, 64)
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train)).batch(BATCH_SIZE)
    trainer = MultiHeadTrainer()

    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        for images, labels in dataset:
            class_loss, reconstruction_loss = trainer.train_step(images, labels)
        if epoch % max(1, epochs // 10) == 0:
            accuracy, error = trainer.evaluate(x_test, y_test)
            print(f"epoch {epoch:3d}  classification loss {class_loss:.4f}  reconstruction loss "
                  f"{reconstruction_loss:.4f}  test accuracy {accuracy:.4f}  test reconstruction {error:.4f}  "
                  f"decoder updated on {trainer.decoder_updates}/{trainer.steps} steps")
    seconds = time.perf_counter() - start

    accuracy, error = trainer.evaluate(x_test, y_test)
    results = {"test accuracy": accuracy, "test reconstruction error": error, "steps": trainer.steps,
               "decoder updates": trainer.decoder_updates, "clipped gradient sets": trainer.clipped,
               "training seconds": seconds}
    if args.quick:
        bar, met = "test accuracy >= 0.85, reconstruction error <= 0.06", accuracy >= 0.85 and error <= 0.06
    else:
        bar = "test accuracy >= 0.95, reconstruction error <= 0.03, decoder updates skipped on some steps"
        met = accuracy >= 0.95 and error <= 0.03 and trainer.decoder_updates < trainer.steps
    return finish(results, bar, met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))

"""What several examples share: the command line, the digits as images, the digit classifier that judges
generated digits, and the CartPole environment."""
import argparse
import math
import os
import random

import numpy as np

import gradfit as tf
from gradfit.datasets import digits

# Where classify_digits_fit.py saves its weights and the GAN examples look for them.
CLASSIFIER_WEIGHTS = "digits_classifier.weights.h5"


def parser(doc):
    """An argument parser with the options every example has: --quick and --seed."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a short run with a weaker quality bar (used by the tests)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return p


def finish(results, bar, met, quick):
    """Print the results and whether the quality bar was met; return the results with `bar_met` added."""
    print()
    for name, value in results.items():
        print(f"  {name:34s} {value:.4f}" if isinstance(value, float) else f"  {name:34s} {value}")
    mode = "quick" if quick else "full"
    print(f"quality bar ({mode} mode): {bar}: {'met' if met else 'NOT met'}")
    return {**results, "bar_met": bool(met)}


def exit_code(results):
    return 0 if results["bar_met"] else 1


# ---------------------------------------------------------------------------------------------- digits
def digit_images():
    """The shipped 8x8 digits as float32 images of shape (8, 8, 1) in [0, 1], with integer labels."""
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    as_images = lambda x: (x[..., None] / 16.0).astype("float32")  # noqa: E731
    return (as_images(x_train), y_train.astype("int64")), (as_images(x_test), y_test.astype("int64"))


def digit_classifier(weights_path):
    """The convnet of classify_digits_fit.py with the weights it saved at `weights_path`, or, when that file
    is missing, trained here (and saved there for next time)."""
    import classify_digits_fit

    model = classify_digits_fit.build_classifier()
    if os.path.exists(weights_path):
        model.load_weights(weights_path)
        return model
    print(f"{weights_path} not found: training the digit classifier of classify_digits_fit.py first")
    (x_train, y_train), _ = digit_images()
    classify_digits_fit.train(model, x_train, y_train, epochs=60, verbose=0)
    model.save_weights(weights_path)
    return model


def judge_digits(classifier, images, threshold=0.9):
    """How digit-like images are to the classifier: the fraction it labels with confidence >= threshold, and
    how many of the 10 digits those confident images cover (a generator that draws one digit covers 1)."""
    probs = classifier.predict_on_batch(images)
    confident = probs.max(axis=1) >= threshold
    return {"confident_fraction": float(confident.mean()),
            "digits_covered": int(len(np.unique(probs.argmax(axis=1)[confident])))}


def gan_command_line(doc, argv):
    """The GAN examples' options (--epochs, --classifier besides --quick and --seed): (args, epochs)."""
    args_parser = parser(doc)
    args_parser.add_argument("--epochs", type=int, default=200)
    args_parser.add_argument("--classifier", default=CLASSIFIER_WEIGHTS,
                             help="weights saved by classify_digits_fit.py (trained here if missing)")
    args = args_parser.parse_args(argv)
    return args, 20 if args.quick else args.epochs


def gan_dataset(batch_size):
    """The training digits scaled to [-1, 1] (a tanh generator's range), shuffled, in full batches."""
    (x_train, _), _ = digit_images()
    x_train = x_train * 2.0 - 1.0
    return tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train)).batch(batch_size, drop_remainder=True)


def generated_digits_bar(judged, quick):
    """The GAN examples' quality bar on judge_digits' verdict: (description, met)."""
    fraction_bar, covered_bar = (0.3, 8) if quick else (0.7, 10)
    met = judged["confident_fraction"] >= fraction_bar and judged["digits_covered"] >= covered_bar
    return f"confident fraction >= {fraction_bar}, covering >= {covered_bar} digits", met


# -------------------------------------------------------------------------------------------- CartPole
class CartPole:
    """CartPole-v1 (Barto, Sutton & Anderson, 1983) with gymnasium's equations, constants and API: push the
    cart left (0) or right (1); +1 reward per step; the episode ends when the pole leans past 12 degrees or
    the cart leaves [-2.4, 2.4], and is cut off after 500 steps."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold = 12 * 2 * math.pi / 360
    x_threshold = 2.4
    max_episode_steps = 500

    def __init__(self):
        self.total_mass = self.masspole + self.masscart
        self.polemass_length = self.masspole * self.length
        self.random = random.Random()
        self.state = None
        self.steps = 0

    def reset(self, seed=None):
        if seed is not None:
            self.random.seed(seed)
        self.state = [self.random.uniform(-0.05, 0.05) for _ in range(4)]
        self.steps = 0
        return np.array(self.state, dtype="float32"), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + self.polemass_length * theta_dot ** 2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta ** 2 / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        # Explicit Euler, as gymnasium's default "euler" integrator.
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * xacc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc
        self.state = [x, x_dot, theta, theta_dot]
        self.steps += 1
        terminated = abs(x) > self.x_threshold or abs(theta) > self.theta_threshold
        truncated = self.steps >= self.max_episode_steps
        return np.array(self.state, dtype="float32"), 1.0, terminated, truncated, {}


def make_cartpole():
    """gymnasium's CartPole-v1 when gymnasium is installed, else the CartPole above (same dynamics)."""
    try:
        import gymnasium
    except ImportError:
        return CartPole()
    return gymnasium.make("CartPole-v1")

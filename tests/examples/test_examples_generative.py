"""The GAN examples in --quick mode, judged by the digit classifier that classify_digits_fit.py trains and
saves (its full mode, once for this module)."""
import numpy as np
import pytest

import gradfit as tf
from gradfit import keras

import classify_digits_fit
import gan_custom_loop
import gan_train_step
import wgan_gp
from _common import digit_classifier, digit_images, judge_digits


@pytest.fixture(scope="module")
def classifier_weights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("classifier")
    results = classify_digits_fit.main(["--save", str(folder / "classifier.weights.h5"),
                                        "--plot", str(folder / "curves.png")])
    assert results["bar_met"], "the full-mode classifier must reach its bar for the GAN checks to mean anything"
    return str(folder / "classifier.weights.h5")


def test_classifier_full_mode_reaches_its_bar_and_judges_real_digits_confidently(classifier_weights):
    classifier = digit_classifier(classifier_weights)
    (x_train, _), (x_test, _) = digit_images()
    real = judge_digits(classifier, x_test)
    noise = judge_digits(classifier, np.random.default_rng(0).random((1000, 8, 8, 1), dtype="float32"))
    assert real["confident_fraction"] >= 0.85 and real["digits_covered"] == 10
    assert noise["confident_fraction"] <= 0.1


def test_missing_classifier_weights_are_trained_and_saved(tmp_path, monkeypatch, capsys):
    trained = []
    monkeypatch.setattr(classify_digits_fit, "train",
                        lambda model, x, y, epochs, verbose: trained.append((len(x), epochs)))
    path = tmp_path / "missing.weights.h5"
    digit_classifier(str(path))
    assert "not found: training the digit classifier" in capsys.readouterr().out
    assert trained and path.exists()


def test_gan_custom_loop_generates_digits(classifier_weights):
    results = gan_custom_loop.main(["--quick", "--classifier", classifier_weights])
    assert results["bar_met"]
    assert results["confident fraction before training"] < 0.05
    assert results["confident fraction after training"] >= 0.3
    assert results["digits covered after training"] >= 8


def test_gan_custom_loop_step_updates_each_model_with_its_own_optimizer():
    keras.utils.set_random_seed(0)
    gan = gan_custom_loop.GANTrainer()
    (x_train, _), _ = digit_images()
    generator_before = [w.copy() for w in gan.generator.get_weights()]
    discriminator_before = [w.copy() for w in gan.discriminator.get_weights()]
    d_loss, g_loss = gan.train_step(tf.constant(x_train[:16] * 2 - 1))
    assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))
    assert gan.discriminator_optimizer.iterations.numpy() == 1 and gan.generator_optimizer.iterations.numpy() == 1
    assert all(not np.array_equal(a, b) for a, b in zip(generator_before, gan.generator.get_weights())
               if a.ndim == 2)
    assert all(not np.array_equal(a, b) for a, b in zip(discriminator_before, gan.discriminator.get_weights()))


def test_gan_train_step_trains_with_fit(classifier_weights, capsys):
    results = gan_train_step.main(["--quick", "--classifier", classifier_weights])
    assert results["bar_met"]
    assert results["epochs"] == 20
    assert results["confident fraction after training"] >= 0.3
    assert results["digits covered after training"] >= 8
    # The DigitJudge callback reported along the way.
    assert capsys.readouterr().out.count("of generated digits classified with confidence >= 0.9") == 10


def test_wgan_gp_keeps_the_critic_near_1_lipschitz_and_generates_digits(classifier_weights):
    results = wgan_gp.main(["--quick", "--classifier", classifier_weights])
    assert results["bar_met"]
    assert abs(results["critic gradient norm"] - 1.0) <= 0.5
    assert results["confident fraction after training"] >= 0.2


def test_gradient_penalty_is_differentiated_through_the_inner_gradient(float64):
    """The penalty's gradient with respect to the critic's weights matches finite differences: the outer
    tape really differentiates the inner tape's gradient."""
    keras.utils.set_random_seed(0)
    critic = wgan_gp.build_critic()
    rng = np.random.default_rng(1)
    real, fake = tf.constant(rng.random((4, 8, 8, 1))), tf.constant(rng.random((4, 8, 8, 1)))

    def penalty():
        tf.random.set_seed(7)  # the same interpolation points at every call
        return wgan_gp.gradient_penalty(critic, real, fake)[0]

    with tf.GradientTape() as tape:
        value = penalty()
    grads = tape.gradient(value, critic.trainable_variables)
    for variable, grad in zip(critic.trainable_variables, grads):
        if grad is None:  # the last bias: the critic's slope does not depend on it
            continue
        direction = rng.standard_normal(variable.shape)
        direction /= np.linalg.norm(direction)
        start = variable.numpy().copy()
        step = 1e-5
        variable.assign(start + step * direction)
        up = float(penalty())
        variable.assign(start - step * direction)
        down = float(penalty())
        variable.assign(start)
        np.testing.assert_allclose(np.sum(grad.numpy() * direction), (up - down) / (2 * step), rtol=1e-5, atol=1e-9)

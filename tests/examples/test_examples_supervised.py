"""The fit / train_on_batch / custom-loop examples on tables and digits, run in --quick mode."""
import importlib.util

import numpy as np

import classify_digits_fit
import debug_one_batch
import multi_model
import online_stream
import regression_fit
import three_styles
from _common import digit_images


def test_classify_digits_fit_learns_saves_its_weights_and_plots_or_says_why_not(tmp_path, capsys):
    weights, plot = tmp_path / "classifier.weights.h5", tmp_path / "curves.png"
    results = classify_digits_fit.main(["--quick", "--save", str(weights), "--plot", str(plot)])
    assert results["bar_met"]
    assert results["test accuracy"] >= 0.8
    assert results["last epoch loss"] < results["first epoch loss"] / 2

    # The saved weights, loaded into a fresh classifier, give the accuracy the example reported.
    model = classify_digits_fit.build_classifier()
    model.load_weights(weights)
    _, (x_test, y_test) = digit_images()
    accuracy = np.mean(model.predict(x_test, verbose=0).argmax(axis=1) == y_test)
    assert abs(accuracy - results["test accuracy"]) < 1e-6

    if importlib.util.find_spec("matplotlib") is None:
        assert "matplotlib is not installed: skipping the learning-curve plot" in capsys.readouterr().out
    else:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_regression_fit_custom_quantile_loss_gives_calibrated_intervals():
    results = regression_fit.main(["--quick"])
    assert results["bar_met"]
    assert 0.7 <= results["test interval coverage"] <= 0.9
    assert results["test median absolute error"] <= 1.2 * results["true median's absolute error"]
    assert results["last epoch loss"] < results["first epoch loss"]


def test_quantile_loss_is_the_pinball_loss():
    y_true = np.array([[1.0], [1.0]], "float32")
    y_pred = np.array([[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]], "float32")
    # Under-predicting by 1 costs q, over-predicting by 1 costs 1 - q, averaged over the 3 quantiles.
    expected = [np.mean([0.1, 0.5, 0.9]), np.mean([0.9, 0.5, 0.1])]
    np.testing.assert_allclose(np.asarray(regression_fit.quantile_loss(y_true, y_pred)), expected, rtol=1e-6)


def test_three_styles_end_with_identical_weights():
    results = three_styles.main(["--quick"])
    assert results["bar_met"]
    assert results["identical weights"] is True
    for style in ("fit", "train_on_batch", "GradientTape"):
        assert results[f"{style} test accuracy"] >= 0.8


def test_multi_model_trains_both_heads_and_skips_the_satisfied_one():
    results = multi_model.main(["--quick"])
    assert results["bar_met"]
    assert results["test accuracy"] >= 0.85
    assert results["test reconstruction error"] <= 0.06
    assert 0 < results["decoder updates"] <= results["steps"]
    assert results["clipped gradient sets"] > 0  # clipping was active early on


def test_multi_model_decoder_is_left_alone_once_its_error_is_below_target(monkeypatch):
    monkeypatch.setattr(multi_model, "RECONSTRUCTION_TARGET", 1.0)  # every batch is already good enough
    trainer = multi_model.MultiHeadTrainer()
    (x, y), _ = digit_images()
    decoder_before = [w.copy() for w in trainer.decoder.get_weights()]
    encoder_before = [w.copy() for w in trainer.encoder.get_weights()]
    trainer.train_step(x[:32].reshape(32, 64), y[:32])
    assert trainer.decoder_updates == 0
    assert all(np.array_equal(a, b) for a, b in zip(decoder_before, trainer.decoder.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(encoder_before, trainer.encoder.get_weights()))


def test_debug_one_batch_overfits_and_names_the_broken_layers():
    results = debug_one_batch.main(["--quick"])
    assert results["bar_met"]
    assert results["loss"] < 0.01 and results["accuracy"] == 1.0
    assert results["healthy model"] == "every value finite"
    assert results["forward-broken model"].startswith("forward: the output of Standardize 'standardize'")
    assert results["backward-broken model"].startswith(
        "backward: the gradient SignedRoot 'signed_root' passes back to its input")


def test_debug_one_batch_catches_a_bad_input_batch():
    (x, y), _ = digit_images()
    batch = x[:8].reshape(8, 64).copy()
    batch[3, 5] = np.inf
    finding = debug_one_batch.first_nonfinite(debug_one_batch.build_model(), batch, y[:8])
    assert finding == "forward: the input batch : Tensor had Inf values"


def test_online_stream_recovers_from_drift_where_a_frozen_model_does_not():
    results = online_stream.main(["--quick"])
    assert results["bar_met"]
    assert results["prequential accuracy, online"] >= 0.8
    assert results["last third accuracy, online"] > results["last third accuracy, frozen"] + 0.2

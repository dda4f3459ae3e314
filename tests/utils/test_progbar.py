"""keras.utils.Progbar writes what Keras 3 writes, byte for byte, under a fake clock (fixture from
golden/make_progbar.py)."""
import contextlib
import io
import json
import os
import re
import types

import numpy as np
import pytest

from gradfit import keras
from gradfit.keras.utils import progbar as progbar_module

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "utils", "progbar.npz"))
SCENARIOS = json.loads(str(FIXTURE["scenarios"]))
START = 1000.0


def replay(scenario, monkeypatch):
    clock = {"now": START}
    monkeypatch.setattr(progbar_module, "time", types.SimpleNamespace(time=lambda: clock["now"]))
    make = {"float": float, "float32": np.float32, "int": int}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bar = keras.utils.Progbar(**scenario["init"])
        for step in scenario["steps"]:
            clock["now"] = START + step[1]
            values = [(name, make[kind](number)) for name, number, kind in step[3]]
            if step[0] == "add":
                bar.add(step[2], values)
            else:
                bar.update(step[2], values, finalize=step[4])
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_output_matches_keras_byte_for_byte(name, monkeypatch):
    assert replay(SCENARIOS[name], monkeypatch) == str(FIXTURE[f"out_{name}"])


def test_output_with_time_fields_normalised_matches_keras_on_the_real_clock():
    # On the real clock only the durations may differ from the recording; the final line must agree.
    scenario = SCENARIOS["fit_epoch"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bar = keras.utils.Progbar(**scenario["init"], interval=0.0)
        for step in scenario["steps"]:
            bar.update(step[2], [(name, number) for name, number, _ in step[3]])
    text = out.getvalue()

    def normalise(s):
        return re.sub(r"\d+(ms|us|s)/step", "T/step", re.sub(r"\x1b\[1m[\d:]+s?\x1b\[0m", "\x1b[1mETA\x1b[0m", s))

    assert normalise(text).split("\r")[-1] == normalise(str(FIXTURE["out_fit_epoch"])).split("\r")[-1]


def test_stateful_metric_is_shown_as_given_and_others_are_averaged(monkeypatch):
    clock = {"now": START}
    monkeypatch.setattr(progbar_module, "time", types.SimpleNamespace(time=lambda: clock["now"]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bar = keras.utils.Progbar(4, stateful_metrics=["acc"], verbose=2)
        for i, (loss, acc) in enumerate([(4.0, 0.1), (2.0, 0.2), (3.0, 0.3)], start=1):
            clock["now"] += 1
            bar.update(i, [("loss", loss), ("acc", acc)])
        clock["now"] += 1
        bar.update(4, [("loss", 1.0), ("acc", 0.9)])
    # On the finalizing step Keras shows that step's value for every metric, as fit() passes epoch logs.
    assert out.getvalue() == "4/4 - 4s - 1s/step - loss: 1.0000 - acc: 0.9000\n"


def test_gradfit_tensor_values_are_accepted(monkeypatch):
    import gradfit as tf
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bar = keras.utils.Progbar(2, verbose=2)
        bar.update(1, [("loss", tf.constant(0.5))])
        bar.update(2, [("loss", tf.constant(0.25))])
    assert out.getvalue().endswith("loss: 0.2500\n")


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="stateful_metrics.*stateless_metrics"):
        keras.utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
    with pytest.raises(ValueError, match="verbose"):
        keras.utils.Progbar(3, verbose=5)

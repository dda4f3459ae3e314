"""Records Keras 3's Progbar output for fixed update sequences under a fake clock.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_progbar.py
Writes tests/fixtures/utils/progbar.npz: the scenarios as JSON and Keras's exact output for each.
"""
import contextlib
import io
import json
import os
import types

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
from keras.src.utils import progbar as keras_progbar  # noqa: E402

# Each step: ["update", time, current, values, finalize] or ["add", time, n, values];
# values: [name, number, "float" | "float32" | "int"].
SCENARIOS = {
    "fit_epoch": {
        "init": {"target": 8},
        "steps": [["update", 0.30 + 0.02 * i, i, [["loss", 2.3 / i, "float"], ["accuracy", 0.1 * i, "float"]], None]
                  for i in range(1, 9)],
    },
    "stateful_float32": {
        "init": {"target": 5, "stateful_metrics": ["accuracy"]},
        "steps": [["update", 0.5 * i, i, [["loss", 1.0 / (i + 2), "float32"], ["accuracy", 0.2 * i, "float32"]],
                   None] for i in range(1, 6)],
    },
    "throttled": {
        "init": {"target": 20},
        "steps": [["update", 0.01 * i, i, [["loss", 0.5, "float"]], None] for i in range(1, 21)],
    },
    "unknown_target": {
        "init": {"target": None},
        "steps": [["update", 0.2 * i, i, [["loss", 0.9 - 0.1 * i, "float"]], None] for i in range(1, 5)]
                 + [["update", 1.0, 4, [["loss", 0.5, "float"]], True]],
    },
    "verbose2": {
        "init": {"target": 6, "verbose": 2},
        "steps": [["update", 0.4 * i, i, [["loss", 0.6 / i, "float"], ["delta", -0.25, "float"],
                                          ["tiny", 2e-5, "float"]], None] for i in range(1, 7)],
    },
    "slow_eta": {
        "init": {"target": 5000},
        "steps": [["update", 3.0, 1, [], None], ["update", 4000.0, 2, [], None], ["update", 4090.0, 3, [], None],
                  ["update", 4093.0, 5, [], None], ["update", 4093.5, 4990, [], None],
                  ["update", 4093.9, 5000, [], None]],
    },
    "add_samples": {
        "init": {"target": 100, "width": 30, "unit_name": "sample"},
        "steps": [["add", 0.1, 32, [["mae", 3, "int"]]], ["add", 0.2, 32, [["mae", 2, "int"]]],
                  ["add", 0.3, 32, [["mae", 1, "int"]]], ["add", 0.35, 4, [["mae", 1, "int"]]]],
    },
    "tiny_and_negative": {
        "init": {"target": 3},
        "steps": [["update", 0.0001 * i, i, [["loss", -0.5 * i, "float"], ["grad_norm", 3e-6, "float"]], None]
                  for i in range(1, 4)],
    },
    "stateless_metrics": {
        "init": {"target": 4, "stateless_metrics": ["loss"]},
        "steps": [["update", 0.1 * i, i, [["loss", 1.0 * i, "float"], ["lr", 0.01 * i, "float"]], None]
                  for i in range(1, 5)],
    },
    "download_bytes": {
        "init": {"target": 1048576},
        "steps": [["update", 0.001 * i, 8192 * i * 16, [], None] for i in range(1, 8)]
                 + [["update", 0.01, 1048576, [], None]],
    },
    "explicit_finalize": {
        "init": {"target": 10, "interval": 0.0},
        "steps": [["update", 0.1, 3, [["loss", 0.7, "float"]], None],
                  ["update", 0.2, 6, [["loss", 0.4, "float"]], None],
                  ["update", 0.3, 6, [["loss", 0.2, "float"]], True]],
    },
    "silent": {
        "init": {"target": 3, "verbose": 0},
        "steps": [["update", 0.1 * i, i, [["loss", 0.5, "float"]], None] for i in range(1, 4)],
    },
}
START = 1000.0


def make_value(number, kind):
    return {"float": float, "float32": np.float32, "int": int}[kind](number)


def run(scenario, progbar_class, progbar_module):
    """The text a Progbar writes for `scenario`, with `progbar_module.time` replaced by a fake clock."""
    clock = {"now": START}
    real_time = progbar_module.time
    progbar_module.time = types.SimpleNamespace(time=lambda: clock["now"])
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            bar = progbar_class(**scenario["init"])
            for step in scenario["steps"]:
                clock["now"] = START + step[1]
                values = [(name, make_value(number, kind)) for name, number, kind in step[3]]
                if step[0] == "add":
                    bar.add(step[2], values)
                else:
                    bar.update(step[2], values, finalize=step[4])
    finally:
        progbar_module.time = real_time
    return out.getvalue()


def main():
    outputs = {name: run(s, keras_progbar.Progbar, keras_progbar) for name, s in SCENARIOS.items()}
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "tests", "fixtures", "utils", "progbar.npz")
    np.savez_compressed(path, scenarios=np.array(json.dumps(SCENARIOS)),
                        **{f"out_{name}": np.array(text) for name, text in outputs.items()})
    for name, text in outputs.items():
        print(name, repr(text)[:300])


if __name__ == "__main__":
    main()

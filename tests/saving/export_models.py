"""Save gradfit models of every saving case into a directory, for real Keras 3 to load.

    python tests/saving/export_models.py DIR
    /work/peers/bin/python golden/make_saving.py --check DIR

(`golden/make_saving.py --reverse` runs both.) For each case DIR gets <case>.keras (and <case>.weights.h5
where the Keras fixtures have one) and <case>.npz with the inputs (x_i) and gradfit's predictions (y_i);
for `adam_resume` also one more training batch (next_x, next_y) with gradfit's loss on it and its
weights after that step (after_i), to check that Keras continues training from gradfit's optimizer state.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gradfit import keras  # noqa: E402
from saving_cases import KERAS_WRITTEN_ONLY, NAMES, WEIGHTS_ONLY, build, recorded_arrays  # noqa: E402


def export(directory):
    os.makedirs(directory, exist_ok=True)
    for name in (n for n in NAMES if n not in KERAS_WRITTEN_ONLY):
        model, inputs, rng = build(keras, name)
        keras.saving.save_model(model, os.path.join(directory, f"{name}.keras"))
        if name in WEIGHTS_ONLY:
            keras.saving.save_weights(model, os.path.join(directory, f"{name}.weights.h5"))
        np.savez(os.path.join(directory, f"{name}.npz"), **recorded_arrays(name, model, inputs, rng))
        print(f"saved {name}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    export(sys.argv[1])

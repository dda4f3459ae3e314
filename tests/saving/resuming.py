"""Whether this gradfit can resume an interrupted fit() (the trainer hook BackupAndRestore relies on)."""
import numpy as np
import pytest

from gradfit import keras
from gradfit.keras import layers


def trainer_resumes():
    """Whether `fit()` starts where BackupAndRestore says an interrupted run stopped (Keras's
    `model._initial_epoch` hook, and `model._initial_step` for a run stopped mid-epoch)."""
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    model._initial_epoch, model._initial_step = 1, 1
    seen = []
    model.fit(np.zeros((4, 1)), np.zeros((4, 1)), batch_size=2, epochs=2, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: seen.append(batch))])
    return seen == [1]


requires_resuming_trainer = pytest.mark.skipif(
    not trainer_resumes(), reason="fit() does not yet start from model._initial_epoch/_initial_step (the trainer "
                                  "hook BackupAndRestore sets)")

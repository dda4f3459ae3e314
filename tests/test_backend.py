"""The process-level policies gradfit sets on import: freed array memory is kept for reuse."""
import os
import subprocess
import sys

import pytest

CHILD = """
import resource, sys
import numpy as np
import gradfit
from gradfit.backend import freed_memory
def step():  # like a training step: a few large arrays alive together, then all freed
    arrays = [np.ones(5_000_000, np.float32) for _ in range(4)]  # 20 MB each
    del arrays
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print(freed_memory.active, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _child(keep):
    env = dict(os.environ, GRADFIT_KEEP_FREED_MEMORY=keep)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    active, faults = out.stdout.split()
    return active == "True", int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_arrays_are_reused_without_page_faults_and_the_environment_turns_it_off():
    active, faults = _child("1")
    assert active
    off, faults_off = _child("0")
    assert not off
    # Given back between steps, the memory is touched afresh (~20,000 page faults here); kept, it is not.
    assert faults_off > 10000, faults_off
    assert faults < 1000, faults

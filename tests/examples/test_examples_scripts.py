"""Every example is a script a user can run: it says what it shows, how to run it and the bar it reaches."""
import ast
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


def test_every_use_case_of_the_guide_has_an_example():
    assert {p.stem for p in SCRIPTS} == {
        "classify_digits_fit", "regression_fit", "gan_custom_loop", "gan_train_step", "wgan_gp", "dqn_cartpole",
        "policy_gradient", "maml_sinusoid", "online_stream", "debug_one_batch", "multi_model", "three_styles"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_docstring_says_how_to_run_it_and_its_quality_bar(script):
    tree = ast.parse(script.read_text())
    doc = ast.get_docstring(tree)
    assert doc, f"{script.name} has no docstring"
    assert f"python examples/{script.name}" in doc and "--quick" in doc
    assert "Quality bar" in doc and "Quick mode" in doc
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "main" in functions
    source = script.read_text()
    assert 'if __name__ == "__main__":\n    raise SystemExit(exit_code(main()))' in source
    assert "import gradfit as tf" in source and "from gradfit import keras" in source


def test_an_example_runs_as_a_script_and_exits_0_when_its_bar_is_met(tmp_path):
    done = subprocess.run([sys.executable, str(EXAMPLES / "debug_one_batch.py"), "--quick"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "quality bar (quick mode)" in done.stdout and done.stdout.rstrip().endswith(": met")


def test_an_example_exits_1_when_its_bar_is_not_met(tmp_path):
    # One epoch is far too little for the full mode's bar.
    done = subprocess.run([sys.executable, str(EXAMPLES / "three_styles.py"), "--epochs", "1"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith(": NOT met")

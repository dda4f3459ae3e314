"""docs/training-styles.md says its code blocks run as they stand, in order: run them."""
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "training-styles.md"


def python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_every_python_block_runs_in_order(capsys, monkeypatch):
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    namespace = {"__name__": "training_styles_doc"}
    for block in blocks:
        if "import tensorflow" in block:  # the "before" half of the migration snippet
            block = "\n".join(line for line in block.splitlines() if "tensorflow" not in line)
        exec(compile(block, str(DOC), "exec"), namespace)
    out = capsys.readouterr().out
    assert "fit:" in out and "train_on_batch:" in out and "tape: training accuracy" in out
    assert namespace["tf"].__name__ == "gradfit"
    assert float(namespace["accuracy"].result()) > 0.9

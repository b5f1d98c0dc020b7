"""The README's examples run on the current code and print what the README shows (in shape:
figures differ with the data), on a small slice of the corpus; its demo is `make demo`."""

from __future__ import annotations

import importlib.util
import re
import sys

from tests.conftest import ROOT


def _script():
    spec = importlib.util.spec_from_file_location("readme_outputs", ROOT / "scripts" / "readme_outputs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["readme_outputs"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_readme_demo_is_make_demo():
    script = _script()
    blocks = script.parse((ROOT / "README.md").read_text(encoding="utf-8").split("\n"))
    shown = [" ".join(c.text.replace("\\\n", " ").split()) for c in blocks[0].commands]
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    lines = recipe.replace("\\\n", " ").splitlines()[1:]  # continuation lines joined
    make = [" ".join(re.sub(r"^@", "", line.strip()).replace("$(WORDVEC)", "wordvec").replace("$(DEMO)", "demo-out")
                     .split()) for line in lines]
    assert shown == make


def test_shapes_hide_figures_but_not_messages():
    shape = _script().shape
    assert shape("  boy      0.7167") == shape("  county 0.8") == "W N"
    assert shape("trained skipgram in 9.6 s (499,602 words/s, 1 epoch, 2 threads)") == \
        shape("trained skipgram in 1.0 s (9 words/s, 1 epoch, 1 thread)")
    assert shape("kept words:     14,165") != shape("kept tokens:    14,165")
    assert shape('{"query": {"words": ["a", "b"]}, "results": [{"score": 0.5}]}') == \
        shape('{"query": {"words": ["c", "d"]}, "results": [{"score": 0.1}]}')
    assert shape('{"query": {"words": ["a"]}, "results": []}') != shape('{"query": {"words": ["a"]}, "error": "x"}')


def test_every_readme_example_runs_and_prints_what_the_readme_shows():
    script = _script()
    assert script.main(["--check", "--small", "6000"]) == 0

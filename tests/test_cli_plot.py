"""`wordvec plot` end to end: a map of trained vectors, training curves of runs, one-line errors."""

from __future__ import annotations

import json
import sys

import pytest

pytest.importorskip("matplotlib")

from tests.conftest import run_wordvec  # noqa: E402
from tests.plotting import png_size, royal_kv, svg_texts  # noqa: E402


@pytest.fixture(scope="module")
def trained(brown_small, tmp_path_factory):
    """Skip-gram vectors of ~100k Brown tokens (a few seconds), with their training trace."""
    out = tmp_path_factory.mktemp("plot") / "brown.wv"
    result = run_wordvec("train", "skipgram", str(brown_small), "-o", str(out), "--dim", "24", "--epochs", "2",
                         "--min-count", "3", "--threads", "1", "--seed", "3")
    assert result.code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def royal(tmp_path_factory):
    path = tmp_path_factory.mktemp("royal") / "royal.wv"
    royal_kv().save(path)
    return path


def test_map_of_trained_vectors_with_groups_and_arrows(trained, tmp_path):
    out = tmp_path / "map.svg"
    result = run_wordvec("plot", str(trained), "-o", str(out), "--neighbours", "man", "--neighbours", "city",
                         "--topn", "5", "--analogy", "man:woman,he:she", "--json")
    assert result.code == 0, result.stderr
    drawn = json.loads(result.stdout)
    groups = {w["word"]: w["group"] for w in drawn["words"]}
    assert groups["man"] == "man" and groups["city"] == "city" and groups["she"] in ("", "man", "city")
    # man and its 5 neighbours; city and those of its 5 neighbours not already drawn with man
    assert sum(g == "man" for g in groups.values()) == 6 and 2 <= sum(g == "city" for g in groups.values()) <= 6
    _, texts = svg_texts(out)
    assert {"man", "city", "woman", "he", "she"} <= set(texts)
    assert "man and its neighbours" in texts and "city and its neighbours" in texts


def test_map_of_the_most_frequent_words_by_tsne(trained, tmp_path):
    out = tmp_path / "top.png"
    result = run_wordvec("plot", str(trained), "-o", str(out), "--top", "40", "--method", "tsne", "--size", "700x500")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}: 40 words, TSNE"
    assert png_size(out) == (700, 500)


def test_history_of_several_runs(trained, royal, tmp_path):
    out = tmp_path / "curves.svg"
    result = run_wordvec("plot", "--history", str(trained), str(trained), "-o", str(out), "--json")
    assert result.code == 0, result.stderr
    drawn = json.loads(result.stdout)
    assert drawn["x"] == "words" and [r["per"] for r in drawn["runs"]] == ["step", "step"]
    _, texts = svg_texts(out)
    assert "words processed" in texts and "loss (word2vec)" in texts and "learning rate" in texts
    refused = run_wordvec("plot", "--history", str(trained), str(royal), "-o", str(tmp_path / "c.png"))
    assert refused.code == 1 and len(refused.errors) == 1 and "keeps no training history" in refused.errors[0]
    assert not (tmp_path / "c.png").exists()


@pytest.mark.parametrize("args, code, message", [
    (["king", "queen", "-o", "{tmp}/m.jpg"], 1, "end the name with .png, .svg or .pdf"),
    (["kingg", "queen", "-o", "{tmp}/m.png"], 1, "unknown word: 'kingg' (did you mean king"),
    (["-o", "{tmp}/m.png"], 1, "choose the words to draw"),
    (["king", "queen", "-o", "{tmp}/m.png", "--size", "big"], 1, "--size must be WIDTHxHEIGHT"),
    (["--history", "--top", "5", "-o", "{tmp}/m.png"], 2, "map options (--top) do not apply to --history"),
    (["king", "--analogy", "man-king", "-o", "{tmp}/m.png"], 1, "--analogy takes pairs A:B"),
    (["king", "queen", "-o", "{tmp}/nowhere/m.png"], 1, "does not exist"),
])
def test_errors_are_one_line(royal, tmp_path, args, code, message):
    result = run_wordvec("plot", str(royal), *[a.format(tmp=tmp_path) for a in args])
    assert result.code == code and len(result.errors) == 1, result.stderr
    assert message in result.errors[0]
    assert not (tmp_path / "m.png").exists()


def test_output_inside_the_vectors_folder_is_refused(royal):
    result = run_wordvec("plot", str(royal), "king", "queen", "-o", str(royal / "map.png"))
    assert result.code == 1 and "inside this command's vectors" in result.errors[0]


def test_an_existing_file_that_is_not_an_image_is_kept_without_force(royal, tmp_path):
    notes = tmp_path / "m.png"
    notes.write_text("my notes, not a picture\n")
    refused = run_wordvec("plot", str(royal), "king", "queen", "-o", str(notes))
    assert refused.code == 1 and len(refused.errors) == 1, refused.stderr
    assert "an existing file that is not an image" in refused.errors[0] and "--force" in refused.errors[0]
    assert notes.read_text() == "my notes, not a picture\n"
    assert run_wordvec("plot", str(royal), "king", "queen", "-o", str(notes), "--force").code == 0
    assert png_size(notes)[0] > 0
    again = run_wordvec("plot", str(royal), "king", "queen", "-o", str(notes))   # an image replaces an image
    assert again.code == 0, again.stderr


def test_without_the_extra_the_command_says_how_to_install_it(royal, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if `pip install 'wordvec[plot]'` never ran
    result = run_wordvec("plot", str(royal), "king", "queen", "-o", str(tmp_path / "m.png"))
    assert result.code == 1
    assert result.stderr == ("wordvec: error: plotting needs matplotlib, which is not installed: "
                             "pip install 'wordvec[plot]'\n")
    assert not (tmp_path / "m.png").exists()

"""Word maps: real PNG/SVG/PDF files, the chosen words, groups, analogy arrows, errors, determinism."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from tests.plotting import png_ink, png_size, royal_kv, svg_texts  # noqa: E402
from wordvec.errors import MissingExtra, WordvecError  # noqa: E402
from wordvec.plot.wordmap import choose_words, parse_analogies, plot_map  # noqa: E402
from wordvec.vectors.keyedvectors import KeyedVectors, UnknownWordError  # noqa: E402


@pytest.fixture(scope="module")
def kv():
    return royal_kv()


def test_png_has_the_asked_size_and_is_drawn(kv, tmp_path):
    out = tmp_path / "map.png"
    plot_map(kv, out, words=["paris", "london", "rome", "run", "walk"], size=(640, 480))
    assert png_size(out) == (640, 480)
    ink, colours = png_ink(out)
    assert 0.005 < ink < 0.5      # points, labels and axes drawn; not a black square either
    assert colours >= 10          # anti-aliased text and coloured points, not a flat fill


def test_svg_keeps_every_label_as_text_at_the_asked_size(kv, tmp_path):
    out = tmp_path / "map.svg"
    result = plot_map(kv, out, top=12, size=(800, 600))
    root, texts = svg_texts(out)
    assert (root.get("width"), root.get("height")) == ("576pt", "432pt")  # 800x600 px at 100 dpi
    labels = [w["word"] for w in result["words"]]
    assert len(labels) == 12 and labels[0] == "the"  # by count, not by row
    for word in labels:
        assert word in texts
    assert any(t.startswith("PC1 (") for t in texts)


def test_pdf_is_a_complete_pdf(kv, tmp_path):
    out = tmp_path / "map.pdf"
    plot_map(kv, out, words=["man", "woman", "king", "queen"])
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_neighbours_are_grouped_and_coloured_by_query_word(kv, tmp_path):
    out = tmp_path / "groups.svg"
    result = plot_map(kv, out, neighbours=["paris", "run"], topn=3)
    groups = {w["word"]: w["group"] for w in result["words"]}
    assert groups == {"paris": "paris", "london": "paris", "rome": "paris", "berlin": "paris",
                      "run": "run", "walk": "run", "swim": "run", "jump": "run"}
    _, texts = svg_texts(out)
    assert "paris and its neighbours" in texts and "run and its neighbours" in texts
    svg = out.read_text()
    assert "#1f77b4" in svg and "#ff7f0e" in svg  # one colour per group (matplotlib's C0, C1)


def test_analogy_pairs_add_their_words_and_arrows(kv, tmp_path):
    out = tmp_path / "analogy.svg"
    result = plot_map(kv, out, analogies="man:king,woman:queen")
    words = {w["word"]: np.array([w["x"], w["y"]]) for w in result["words"]}
    assert set(words) == {"man", "king", "woman", "queen"}
    # on an exact parallelogram the two arrows are the same vector in any linear projection
    np.testing.assert_allclose(words["king"] - words["man"], words["queen"] - words["woman"], atol=1e-5)
    _, texts = svg_texts(out)
    assert "analogy A → B" in texts
    assert out.read_text().count("#b2182b") >= 2  # two arrows (line and head) in the arrow colour


def test_parse_analogies():
    assert parse_analogies("man:king, woman:queen,") == [("man", "king"), ("woman", "queen")]
    assert parse_analogies(["a:b", "c:d"]) == [("a", "b"), ("c", "d")]
    for bad in ("man", "man:king:queen", ":king"):
        with pytest.raises(WordvecError, match="pairs A:B"):
            parse_analogies(bad)


def test_unknown_words_are_named_together_with_suggestions(kv):
    with pytest.raises(UnknownWordError) as info:
        choose_words(kv, words=["paris", "Pariss", "nowhere"], neighbours=["kingg"])
    assert set(info.value.words) == {"Pariss", "nowhere", "kingg"}
    assert "did you mean" in str(info.value)


def test_nothing_chosen_is_an_error(kv, tmp_path):
    with pytest.raises(WordvecError, match="choose the words"):
        plot_map(kv, tmp_path / "m.png")
    with pytest.raises(WordvecError, match="at least 2 words"):
        plot_map(kv, tmp_path / "m.png", words=["paris"])
    assert not (tmp_path / "m.png").exists()


def test_too_many_words_are_refused(kv, monkeypatch):
    monkeypatch.setattr("wordvec.plot.wordmap.MAX_WORDS", 10)
    with pytest.raises(WordvecError, match="a map of 11 words cannot be read; draw at most 10"):
        choose_words(kv, top=11)


def test_top_without_counts_takes_the_first_rows(kv):
    plain = KeyedVectors(kv.vectors, kv.words)
    assert choose_words(plain, top=3).words == kv.words[:3]
    assert choose_words(kv, top=1).words == ["the"]


def test_unsupported_extension_is_refused_before_any_work(kv, tmp_path):
    with pytest.raises(WordvecError, match=r"\.png, \.svg or \.pdf"):
        plot_map(kv, tmp_path / "map.jpg", words=["man", "woman"])
    assert os.listdir(tmp_path) == []


def test_a_failed_save_leaves_no_file(kv, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    def broken(self, f, **kwargs):
        f.write(b"\x89PNG half an image")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError):
        plot_map(kv, tmp_path / "map.png", words=["man", "woman"])
    assert os.listdir(tmp_path) == []


def test_same_input_gives_the_same_bytes(kv, tmp_path):
    for name in ("a.svg", "b.svg"):
        plot_map(kv, tmp_path / name, top=20, analogies="man:king,woman:queen")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_awkward_words_are_drawn_literally(tmp_path):
    words = ["$x$", "100$", "a_b^c", "x" * 60, "tab\tword", "naïve", "r\\n"]
    vectors = np.random.default_rng(0).standard_normal((len(words), 5)).astype(np.float32)
    out = tmp_path / "odd.svg"
    plot_map(KeyedVectors(vectors, words), out, words=words)
    _, texts = svg_texts(out)
    assert "$x$" in texts and "100$" in texts and "a_b^c" in texts and "naïve" in texts
    assert "x" * 23 + "…" in texts  # long words are cut


def test_missing_matplotlib_says_how_to_install_in_one_line(kv, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now raises ImportError
    with pytest.raises(MissingExtra) as info:
        plot_map(kv, tmp_path / "map.png", words=["man", "woman"])
    message = str(info.value)
    assert "\n" not in message and "pip install 'wordvec[plot]'" in message and "matplotlib" in message
    assert os.listdir(tmp_path) == []


def test_drawing_never_imports_numba(tmp_path, kv):
    kv.save(tmp_path / "v.wv")
    code = ("import sys, wordvec\n"
            "from wordvec.plot import plot_map\n"
            f"plot_map(wordvec.load({str(tmp_path / 'v.wv')!r}), {str(tmp_path / 'm.png')!r}, top=10)\n"
            "assert 'numba' not in sys.modules, 'numba was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert png_size(tmp_path / "m.png") == (1000, 800)

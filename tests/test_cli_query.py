"""The query commands end to end: similar (with interactive mode), analogy, similarity,
evaluate, convert, info."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import run_wordvec
from wordvec.vectors.formats import load, load_context, save
from wordvec.vectors.keyedvectors import KeyedVectors
from tests.reference import vectors as ref


@pytest.fixture
def royal(tmp_path):
    matrix, words = ref.royal_vectors()
    path = tmp_path / "royal.wv"
    save(KeyedVectors(matrix, words, counts=np.arange(9, 0, -1)), path, context=matrix * 3)
    return path


def test_similar_each_word_and_json(royal):
    code, out, _ = run_wordvec("similar", royal, "apple", "king", "--topn", "2")
    assert code == 0
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines()[0] == "apple" and blocks[0].splitlines()[1].split()[0] == "pear"
    assert blocks[1].splitlines()[0] == "king" and len(blocks[1].splitlines()) == 3
    code, out, _ = run_wordvec("similar", royal, "apple", "king", "--topn", "2", "--json")
    payload = json.loads(out)
    assert [p["query"] for p in payload] == ["apple", "king"]
    assert payload[0]["results"][0]["word"] == "pear" and isinstance(payload[0]["results"][0]["score"], float)


@pytest.mark.parametrize("terms", [["king", "-", "man", "+", "woman"], ["king", "-man", "+woman"]])
def test_similar_and_analogy_take_expressions(royal, terms):
    for command in ("similar", "analogy"):
        code, out, _ = run_wordvec(command, royal, *terms, "--topn", "1")
        assert code == 0, out
        assert out.splitlines() == ["king + woman - man", out.splitlines()[1]]
        assert out.splitlines()[1].split()[0] == "queen"


def test_analogy_three_words_and_methods(royal):
    for method in ("3cosadd", "3cosmul"):
        code, out, _ = run_wordvec("analogy", royal, "man", "king", "woman", "--method", method, "--json")
        assert code == 0
        payload = json.loads(out)
        assert payload["query"] == "man : king :: woman : ?" and payload["method"] == method
        words = [r["word"] for r in payload["results"]]
        assert words[0] == "queen" and not {"man", "king", "woman"} & set(words)
    code, _, err = run_wordvec("analogy", royal, "man", "king")
    assert code == 2 and "three words" in err
    code, _, err = run_wordvec("similar", royal, "king", "--topn", "0")
    assert code == 2 and "--topn" in err
    for command in ("similar", "analogy"):
        code, _, err = run_wordvec(command, royal, "king", "-", "man", "+", "woman", "--tpon", "3")
        assert code == 2 and "no such option: --tpon" in err


def test_similarity(royal):
    code, out, _ = run_wordvec("similarity", royal, "king", "king")
    assert code == 0 and out.strip() == "1.0000"
    code, out, _ = run_wordvec("similarity", royal, "apple", "pear", "--json")
    assert json.loads(out)["similarity"] == pytest.approx(load(royal).similarity("apple", "pear"), abs=1e-6)


def test_unknown_word_is_one_line_and_exit_1(royal):
    code, out, err = run_wordvec("similar", royal, "kingg")
    assert code == 1 and out == ""
    assert err.strip() == f"wordvec: error: {royal}: unknown word: 'kingg' (did you mean king?)"
    code, _, err = run_wordvec("analogy", royal, "man", "King", "woman")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "'King'" in err


def test_interactive_mode_until_eof(royal):
    stdin = "apple\n\nman king woman\nzzz\nking - man + woman\nking queen\n"
    code, out, err = run_wordvec("similar", royal, "--topn", "1", stdin=stdin)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "apple" and lines[1].split()[0] == "pear"
    assert lines[2] == "man : king :: woman : ?" and lines[3].split()[0] == "queen"
    assert lines[4] == "king + woman - man" and lines[5].split()[0] == "queen"
    assert lines[6] == "king" and lines[8] == "queen"
    assert "unknown word: 'zzz'" in err
    code, out, _ = run_wordvec("similar", royal, "--json", stdin="apple\n")
    assert json.loads(out)["results"][0]["word"] == "pear"


def test_evaluate_with_bundled_files(tmp_path):
    from wordvec.vectors import evaluate as ev

    matrix, words = ref.planted_analogies(str(ev.DEFAULT_ANALOGIES), keep=400)
    path = tmp_path / "planted.bin"
    save(KeyedVectors(matrix, words), path, format="word2vec-binary")
    code, out, _ = run_wordvec("evaluate", path)
    assert code == 0
    for needle in ("capital-world", "gram9-plural-verbs", "semantic", "syntactic", "total", "3CosAdd", "3CosMul",
                   "coverage", "wordsim353.tsv", "simlex999.tsv", "Spearman"):
        assert needle in out
    code, out, _ = run_wordvec("evaluate", path, "--json", "--method", "3cosadd", "--restrict", "300")
    result = json.loads(out)
    direct = ev.evaluate_analogies(load(path), restrict=300, methods=("3cosadd",))
    assert result["analogies"]["total"] == direct["total"]
    assert [p["file"].rsplit("/", 1)[-1] for p in result["pairs"]] == ["wordsim353.tsv", "simlex999.tsv"]
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("paris france 9\ncat dog 3\nking queen 8\n")
    code, out, _ = run_wordvec("evaluate", path, "--no-analogies", "--pairs", pairs, "--json")
    result = json.loads(out)
    assert "analogies" not in result and result["pairs"][0]["pairs"] == 3


def test_convert_between_all_formats(royal, tmp_path):
    original = load(royal)
    previous = royal
    for fmt, name in (("word2vec-binary", "a.bin"), ("glove", "b.txt"), ("word2vec", "c.txt"), ("native", "d.wv")):
        code, out, err = run_wordvec("convert", previous, tmp_path / name, "--to", fmt)
        assert code == 0 and "wrote" in err
        previous = tmp_path / name
    back = load(previous)
    assert back.words == original.words
    np.testing.assert_allclose(back.vectors, original.vectors, rtol=1e-6)
    code, out, _ = run_wordvec("convert", royal, tmp_path / "copy.wv", "--to", "native", "--limit", "4", "--json")
    assert json.loads(out)["count"] == 4
    np.testing.assert_array_equal(load_context(tmp_path / "copy.wv"), load_context(royal)[:4])


def test_info(royal):
    code, out, _ = run_wordvec("info", royal)
    assert code == 0 and "native, 9 words × 5 dims, with counts" in out and "first words: man woman" in out
    code, out, _ = run_wordvec("info", royal, "--json", "--head", "2")
    info = json.loads(out)
    assert (info["format"], info["count"], info["dim"], info["head"]) == ("native", 9, 5, ["man", "woman"])
    assert info["norm"]["max"] == pytest.approx(float(np.linalg.norm(load(royal).vectors, axis=1).max()), rel=1e-6)


def test_nonfinite_file_refused_then_allowed(tmp_path):
    path = tmp_path / "nan.txt"
    path.write_text("2 2\na nan 1\nb 1 2\n")
    code, _, err = run_wordvec("similarity", path, "a", "b")
    assert code == 1 and "--allow-nonfinite" in err and len(err.strip().splitlines()) == 1
    code, out, err = run_wordvec("similar", path, "b", "--allow-nonfinite", "--topn", "1")
    assert code == 0 and "warning" in err


def test_real_process_pipes_queries_and_never_imports_numba(royal):
    code = ("import sys\nfrom wordvec.cli import main\n"
            f"main(['similar', {str(royal)!r}, '--topn', '1'])\n"
            "print('numba loaded' if 'numba' in sys.modules else 'no numba')\n")
    done = subprocess.run([sys.executable, "-c", code], input="apple\nman king woman\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split()[0] == "pear"
    assert done.stdout.splitlines()[-1] == "no numba"
    failed = subprocess.run([sys.executable, "-m", "wordvec", "similar", str(royal), "nope"],
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1 and failed.stderr.startswith(f"wordvec: error: {royal}: unknown word: 'nope'")

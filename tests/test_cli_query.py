"""The query commands end to end: similar (words, expressions, --positive/--negative, --vector,
interactive), analogy, similarity (and --pairs), vector, doesnt-match; strict expressions, one
JSON Lines shape, folding as the training did, --limit, typo suggestions."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import run_wordvec
from tests.reference import vectors as ref
from wordvec.vectors.formats import load, save
from wordvec.vectors.keyedvectors import KeyedVectors


@pytest.fixture
def lowercased(tmp_path):
    """Vectors whose meta.json says the corpus was lowercased with punctuation stripped."""
    matrix, words = ref.royal_vectors()
    tokenizer = {"tokens": "words", "lowercase": True, "max_sentence_length": 1000, "max_token_bytes": 100}
    path = tmp_path / "lower.wv"
    save(KeyedVectors(matrix, words, meta={"corpus": {"tokenizer": tokenizer}}), path)
    return path


def records(out: str) -> list[dict]:
    """JSON Lines: one object per line, each a query with results or with an error."""
    lines = [json.loads(line) for line in out.splitlines()]
    for record in lines:
        assert set(record) in ({"query", "results"}, {"query", "error"}), record
        assert isinstance(record["query"], dict)
    return lines


def test_similar_each_word_text_and_json_lines(royal):
    code, out, _ = run_wordvec("similar", royal, "apple", "king", "--topn", "2")
    assert code == 0
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines()[0] == "apple" and blocks[0].splitlines()[1].split()[0] == "pear"
    assert blocks[1].splitlines()[0] == "king" and len(blocks[1].splitlines()) == 3
    code, out, _ = run_wordvec("similar", royal, "apple", "--topn", "2", "--json")
    (one,) = records(out)  # one query: one line, the same shape as many
    assert one["query"] == {"positive": ["apple"], "negative": []}
    assert one["results"][0]["word"] == "pear" and isinstance(one["results"][0]["score"], float)
    code, out, _ = run_wordvec("similar", royal, "apple", "king", "--topn", "2", "--json")
    assert [r["query"]["positive"] for r in records(out)] == [["apple"], ["king"]]


def test_expressions_are_structured_and_equal_positive_negative(royal):
    code, out, _ = run_wordvec("similar", royal, "king", "-", "man", "+", "woman", "--topn", "1")
    assert code == 0 and out.splitlines()[0] == "king + woman - man" and out.splitlines()[1].split()[0] == "queen"
    code, out, _ = run_wordvec("similar", royal, "king", "-", "man", "+", "woman", "--topn", "3", "--json")
    (expression,) = records(out)
    assert expression["query"] == {"positive": ["king", "woman"], "negative": ["man"], "method": "3cosadd"}
    code, out, _ = run_wordvec("similar", royal, "--positive", "king", "--positive", "woman", "--negative", "man",
                               "--topn", "3", "--json")
    assert code == 0 and records(out) == [expression]
    expected = ref.most_similar(ref.royal_vectors()[0], [2, 1], [0], topn=3)
    assert [r["word"] for r in expression["results"]] == [ref.royal_vectors()[1][i] for i, _ in expected]


@pytest.mark.parametrize("argv, needle", [
    (["similar", "man", "-n", "3"], "no such option: -n"),             # not "man + 3 - n"
    (["similar", "man", "-v"], "no such option: -v"),                  # not "man - v"
    (["similar", "king", "-man", "+woman"], "no such option: -man"),   # a glued sign looks like an option
    (["analogy", "man", "king", "woman", "-n", "3"], "no such option: -n"),
    (["analogy", "king", "-", "man", "+"], "ends with the operator '+'"),
    (["similar", "king", "-", "+", "man"], "two operators in a row"),
    (["similar", "king", "-"], "ends with the operator '-'"),
    (["analogy", "man", "king"], "three words"),
    (["similar", "king", "--positive", "man"], "not both"),
    (["doesnt-match", "king"], "at least two words"),
    (["similarity", "king"], "two words"),
])
def test_option_like_words_and_dangling_operators_are_usage_errors(royal, argv, needle):
    command, *words = argv
    result = run_wordvec(command, royal, *words)
    assert result.code == 2 and result.stdout == "", result.stderr
    assert len(result.errors) == 1 and needle in result.errors[0], result.errors


def test_double_dash_lets_a_word_starting_with_a_dash_through(tmp_path):
    matrix, words = ref.royal_vectors()
    path = tmp_path / "dash.txt"
    save(KeyedVectors(matrix, ["-lrb-"] + words[1:]), path, format="word2vec")
    code, out, err = run_wordvec("similar", path, "--topn", "1", "--", "-lrb-")
    assert code == 0 and out.splitlines()[0] == "-lrb-", err
    code, out, err = run_wordvec("similar", path, "--topn", "1", "--", "king", "-", "-lrb-")
    assert code == 0 and out.splitlines()[0] == "king - -lrb-", err


def test_analogy_three_words_methods_and_json(royal):
    for method in ("3cosadd", "3cosmul"):
        code, out, _ = run_wordvec("analogy", royal, "man", "king", "woman", "--method", method, "--json")
        assert code == 0
        (answer,) = records(out)
        assert answer["query"] == {"analogy": ["man", "king", "woman"], "positive": ["king", "woman"],
                                   "negative": ["man"], "method": method}
        words = [r["word"] for r in answer["results"]]
        assert words[0] == "queen" and not {"man", "king", "woman"} & set(words)
    code, out, _ = run_wordvec("analogy", royal, "man", "king", "woman", "--topn", "1")
    assert out.splitlines()[0] == "man : king :: woman : ?" and out.splitlines()[1].split()[0] == "queen"


def test_unknown_words_are_per_query_errors_with_edit_distance_suggestions(royal):
    code, out, err = run_wordvec("similar", royal, "kign")
    assert code == 1 and out == ""
    assert err.strip() == f"wordvec: error: {royal}: unknown word: 'kign' (did you mean king?)"
    result = run_wordvec("similar", royal, "appel", "queen", "--topn", "1", "--json")
    first, second = records(result.stdout)
    assert result.code == 1 and "unknown word: 'appel' (did you mean apple?)" in first["error"]
    assert second["results"][0]["word"] == load(royal).most_similar("queen", topn=1)[0][0]  # still answered
    assert len(result.errors) == 1 and "appel" in result.errors[0]
    code, _, err = run_wordvec("analogy", royal, "man", "knig", "woman")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "'knig' (did you mean king?)" in err


def test_queries_fold_as_the_training_corpus_did_and_say_so_once(lowercased):
    result = run_wordvec("similar", lowercased, "Man", "KING,", "--topn", "1")
    assert result.code == 0, result.stderr
    assert [block.splitlines()[0] for block in result.stdout.split("\n\n")] == ["man", "king"]
    notes = [line for line in result.stderr.splitlines() if "folded" in line]
    assert len(notes) == 1 and "lowercased" in notes[0] and "'Man' -> 'man'" in notes[0]
    result = run_wordvec("similarity", lowercased, "Apple", "PEAR")
    assert result.code == 0 and float(result.stdout) > 0.9
    result = run_wordvec("similar", lowercased, "Zebra")  # folding does not help: named as typed too
    assert result.code == 1 and "'zebra' (typed 'Zebra')" in result.errors[0]


def test_no_folding_when_the_vectors_do_not_say(royal):
    result = run_wordvec("similar", royal, "Man")
    assert result.code == 1 and "did you mean man" in result.errors[0]


def test_words_beyond_limit_are_outside_the_rows_read_not_unknown(royal, tmp_path):
    for path in (royal, tmp_path / "r.txt", tmp_path / "r.bin", tmp_path / "r.glove"):
        if path != royal:
            fmt = {".txt": "word2vec", ".bin": "word2vec-binary", ".glove": "glove"}[path.suffix]
            save(load(royal), path, format=fmt)
        result = run_wordvec("similar", path, "girl", "--limit", "3")
        assert result.code == 1
        assert "'girl' is row 9, outside the first 3 rows read (--limit 3)" in result.errors[0], result.errors
    result = run_wordvec("similar", royal, "girl", "nothing", "+", "zzz", "--limit", "3")
    assert "unknown words: 'nothing'; 'zzz'" in result.errors[0] and "row 9" in result.errors[0]


def test_interactive_mode_answers_each_line_like_the_arguments(royal):
    stdin = "apple\n\nking - man + woman\nzzz\nking - man +\nking queen\n"
    result = run_wordvec("similar", royal, "--topn", "1", stdin=stdin)
    assert result.code == 1  # some lines failed; the others were answered
    lines = result.stdout.split()
    assert lines[:2] == ["apple", "pear"] and "queen" in lines
    assert "unknown word: 'zzz'" in result.stderr and "ends with the operator '+'" in result.stderr
    result = run_wordvec("similar", royal, "--topn", "1", "--json", stdin=stdin)
    got = records(result.stdout)
    assert [r["query"] for r in got] == [{"positive": ["apple"], "negative": []},
                                         {"positive": ["king", "woman"], "negative": ["man"], "method": "3cosadd"},
                                         {"positive": ["zzz"], "negative": []},
                                         {"terms": ["king", "-", "man", "+"]},
                                         {"positive": ["king"], "negative": []},
                                         {"positive": ["queen"], "negative": []}]
    assert ["error" in r for r in got] == [False, False, True, True, False, False]
    result = run_wordvec("analogy", royal, "--topn", "1", "--json", stdin="man king woman\nking - man + woman\n")
    assert [r["results"][0]["word"] for r in records(result.stdout)] == ["queen", "queen"]


def test_similarity_of_two_words_and_of_a_pairs_file(royal, tmp_path):
    code, out, _ = run_wordvec("similarity", royal, "king", "king")
    assert code == 0 and out.strip() == "1.0000"
    code, out, _ = run_wordvec("similarity", royal, "apple", "pear", "--json")
    (answer,) = records(out)
    assert answer["query"] == {"words": ["apple", "pear"]}
    assert answer["results"][0]["score"] == pytest.approx(load(royal).similarity("apple", "pear"), abs=1e-6)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t8.5\n# comment\napple pear\nking zzz\nlonely\n")
    result = run_wordvec("similarity", royal, "--pairs", pairs)
    kv = load(royal)
    scores = result.stdout.splitlines()
    assert result.code == 1 and len(scores) == 4 and scores[2:] == ["nan", "nan"]  # one line per pair line
    assert float(scores[0]) == pytest.approx(kv.similarity("king", "queen"), abs=1e-4)
    result = run_wordvec("similarity", royal, "--pairs", "-", "--json", stdin=pairs.read_text())
    got = records(result.stdout)
    assert [r["query"].get("line") for r in got] == [1, 3, 4, 5] and "error" in got[2] and "error" in got[3]


def test_vector_prints_word_and_values_and_feeds_similar_vector(royal):
    kv = load(royal)
    code, out, _ = run_wordvec("vector", royal, "king", "apple")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert [r[0] for r in rows] == ["king", "apple"] and len(rows[0]) == kv.dim + 1
    np.testing.assert_allclose([float(x) for x in rows[0][1:]], kv["king"], rtol=1e-6)
    code, out, _ = run_wordvec("vector", royal, "--json", stdin="queen zzz\n")
    got = records(out)
    assert code == 1 and got[0]["query"] == {"word": "queen"} and "error" in got[1]
    np.testing.assert_allclose(got[0]["results"][0]["vector"], kv["queen"], rtol=1e-6)
    # the output of `vector` (text or JSON) is a query for `similar --vector`: the word itself comes first
    for printed in (run_wordvec("vector", royal, "pear").stdout, out.splitlines()[0] + "\n"):
        result = run_wordvec("similar", royal, "--vector", "-", "--topn", "2", "--json", stdin=printed)
        (answer,) = records(result.stdout)
        assert answer["results"][0]["word"] in ("pear", "queen") and answer["results"][0]["score"] > 0.999
    vectors = "1 0 0 0 0\n[0, 1, 0, 0, 0]\n1 2\nnot a vector\n"
    result = run_wordvec("similar", royal, "--vector", "-", "--topn", "1", "--json", stdin=vectors)
    got = records(result.stdout)
    assert result.code == 1 and [r["query"]["vector"]["line"] for r in got] == [1, 2, 3, 4]
    assert "results" in got[0] and "results" in got[1] and "2 values" in got[2]["error"]
    assert "not a vector" in got[3]["error"]


def test_doesnt_match(royal):
    code, out, _ = run_wordvec("doesnt-match", royal, "king", "queen", "prince", "apple")
    assert code == 0 and out.strip() == "apple" == load(royal).doesnt_match(["king", "queen", "prince", "apple"])
    code, out, _ = run_wordvec("doesnt-match", royal, "--json", stdin="king queen pear\nman woman boy zzz\n")
    first, second = records(out)
    assert code == 1 and first["query"] == {"words": ["king", "queen", "pear"]}
    assert first["results"][0]["word"] == "pear" and len(first["results"]) == 3
    assert [r["score"] for r in first["results"]] == sorted(r["score"] for r in first["results"])
    assert "zzz" in second["error"]


def test_nonfinite_file_refused_then_allowed(tmp_path):
    path = tmp_path / "nan.txt"
    path.write_text("2 2\na nan 1\nb 1 2\n")
    code, _, err = run_wordvec("similarity", path, "a", "b")
    assert code == 1 and "--allow-nonfinite" in err and len(err.strip().splitlines()) == 1
    code, out, err = run_wordvec("similar", path, "b", "--allow-nonfinite", "--topn", "1")
    assert code == 0 and "warning" in err


def test_real_process_pipes_queries_and_never_imports_numba(royal, lowercased):
    """Folding (the tokenizer's normalisation), typo suggestions and --limit's row search included."""
    code = ("import sys\nfrom wordvec.cli import main\n"
            "try:\n"
            f"    main(['similar', {str(lowercased)!r}, '--topn', '1', '--limit', '8'])\n"
            "finally:\n"
            "    print('numba loaded' if 'numba' in sys.modules else 'no numba')\n")
    done = subprocess.run([sys.executable, "-c", code], input="Apple\nking - man + woman\nappel\ngirl\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "did you mean apple" in done.stderr and "row 9" in done.stderr, done.stderr
    assert done.stdout.splitlines()[1].split()[0] == "pear"
    assert done.stdout.splitlines()[-1] == "no numba"
    failed = subprocess.run([sys.executable, "-m", "wordvec", "similar", str(royal), "nope"],
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1 and failed.stderr.startswith(f"wordvec: error: {royal}: unknown word: 'nope'")

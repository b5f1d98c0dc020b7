"""Evaluation: analogy accuracy and word-pair correlation, against references and gensim."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.vectors import evaluate as ev
from wordvec.errors import FormatError
from wordvec.vectors.keyedvectors import KeyedVectors
from tests.reference import vectors as ref

QUESTIONS = """\
: capital-common-countries
Athens Greece Paris France
Paris France Athens Greece
Athens Greece Berlin Germany
: gram1-plural
cat cats dog dogs
dog dogs cat cats
cat cats unknownword unknownwords
"""


@pytest.fixture(scope="module")
def planted():
    matrix, words = ref.planted_analogies(str(ev.DEFAULT_ANALOGIES), keep=500)
    return KeyedVectors(matrix, words)


def _hand_kv():
    """Capitals/countries and singular/plural with exact offsets, plus case variants."""
    words = ["paris", "france", "athens", "greece", "berlin", "germany", "cat", "cats", "dog", "dogs",
             "Paris", "GREECE"]
    capital, plural = np.zeros(6), np.zeros(6)
    capital[0], plural[1] = 1.0, 1.0
    base = np.eye(6)[[2, 3, 4, 5]] * 2
    vecs = {"paris": base[0], "athens": base[1], "berlin": base[2] + base[3] * 0.1,
            "cat": base[3] + 0.3 * base[0], "dog": base[3] + 0.3 * base[1]}
    for city, country in (("paris", "france"), ("athens", "greece"), ("berlin", "germany")):
        vecs[country] = vecs[city] + capital
    for single in ("cat", "dog"):
        vecs[single + "s"] = vecs[single] + plural
    vecs["Paris"] = vecs["france"] * 1.0  # a case variant that looks like the answer
    vecs["GREECE"] = vecs["greece"] + 0.01
    matrix = np.array([vecs[w] for w in words], dtype=np.float32)
    return KeyedVectors(matrix, words, counts=np.arange(len(words), 0, -1))


def test_sections_skips_and_totals(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(QUESTIONS)
    result = ev.evaluate_analogies(_hand_kv(), path)
    sections = {s["section"]: s for s in result["sections"]}
    assert sections["gram1-plural"]["questions"] == 3 and sections["gram1-plural"]["answered"] == 2
    assert sections["gram1-plural"]["skipped"] == 1
    assert result["total"]["questions"] == 6 and result["total"]["answered"] == 5
    assert result["semantic"]["questions"] == 3 and result["syntactic"]["questions"] == 3
    assert result["total"]["coverage"] == pytest.approx(5 / 6)
    for method in ("3cosadd", "3cosmul"):
        # case variants of the question words (Paris, GREECE) are never answers
        assert sections["capital-common-countries"]["correct"][method] == 3
        assert sections["gram1-plural"]["correct"][method] == 2
        assert result["total"]["accuracy"][method] == 1.0


def test_agrees_with_slow_reference_for_both_methods(planted, tmp_path):
    lines = ev.DEFAULT_ANALOGIES.read_text().splitlines()
    sample = [tuple(line.split()) for line in lines if not line.startswith(":")][::50]
    path = tmp_path / "sample.txt"
    path.write_text(": sample\n" + "\n".join(" ".join(q) for q in sample) + "\n")
    restrict = 450
    for method in ("3cosadd", "3cosmul"):
        result = ev.evaluate_analogies(planted, path, restrict=restrict, methods=(method,))
        answered, correct = ref.analogy_accuracy(planted.words, planted.vectors, sample, restrict, method)
        assert answered > 10 and 0 < correct < answered
        assert (result["total"]["answered"], result["total"]["correct"][method]) == (answered, correct)


def test_block_and_batch_sizes_do_not_change_answers(planted):
    rows = ev.restricted_rows(planted, None)
    _, canonical = ev._upper_lookup(planted, rows)
    rng = np.random.default_rng(0)
    quads = rng.integers(0, len(planted), size=(300, 4))
    whole = ev._best_answers(planted.vectors, planted.inv_norms, canonical, quads, ("3cosadd", "3cosmul"))
    pieces = ev._best_answers(planted.vectors, planted.inv_norms, canonical, quads, ("3cosadd", "3cosmul"),
                              block_rows=97, batch=41)
    for method in whole:
        np.testing.assert_array_equal(whole[method], pieces[method])


def test_restriction_uses_counts_when_known():
    kv = KeyedVectors(np.eye(4, dtype=np.float32), ["a", "b", "c", "d"], counts=[1, 50, 2, 40])
    assert ev.restricted_rows(kv, 2).tolist() == [1, 3]
    assert ev.restricted_rows(KeyedVectors(kv.vectors, kv.words), 2).tolist() == [0, 1]
    assert ev.restricted_rows(kv, None).tolist() == [0, 1, 2, 3]


def test_analogy_file_errors(tmp_path, planted):
    bad = tmp_path / "bad.txt"
    bad.write_text("a b c d\n: late\n")
    with pytest.raises(FormatError, match="before any ': section' header"):
        ev.evaluate_analogies(planted, bad)
    empty = tmp_path / "empty.txt"
    empty.write_text(": only-a-header\n")
    with pytest.raises(FormatError, match="no analogy questions"):
        ev.evaluate_analogies(planted, empty)


def test_rank_and_spearman_with_ties():
    assert ev.rankdata(np.array([10, 20, 20, 5])).tolist() == [2.0, 3.5, 3.5, 1.0]
    rng = np.random.default_rng(2)
    x = rng.integers(0, 5, 60).astype(float)
    y = x + rng.integers(0, 3, 60)
    assert ev.spearman(x, y) == pytest.approx(ref.spearman(x, y), abs=1e-12)
    assert ev.pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-12)
    assert np.isnan(ev.pearson(np.ones(5), np.arange(5)))


def test_pairs_with_comments_spaces_and_unknown_words(tmp_path):
    kv = _hand_kv()
    path = tmp_path / "pairs.txt"
    path.write_text("# a comment\nparis france 9\nCAT\tcats\t8.5\ncat dog 3\nfoo bar 1\nbroken line\n\n")
    result = ev.evaluate_pairs(kv, path)
    assert (result["pairs"], result["found"], result["skipped"], result["malformed_lines"]) == (4, 3, 1, 1)
    assert result["skipped_share"] == pytest.approx(0.25)
    gold = [9, 8.5, 3]
    model = [kv.similarity("paris", "france"), kv.similarity("cat", "cats"), kv.similarity("cat", "dog")]
    assert result["spearman"] == pytest.approx(ref.spearman(gold, model), abs=1e-9)


def test_bundled_files_are_shipped():
    assert ev.DEFAULT_ANALOGIES.is_file() and all(p.is_file() for p in ev.DEFAULT_PAIRS)
    sections = ev.read_analogies(ev.DEFAULT_ANALOGIES)
    assert len(sections) == 14 and sum(len(q) for _, q in sections) == 19544
    assert len(ev.read_pairs(ev.DEFAULT_PAIRS[0])[0]) == 353
    assert len(ev.read_pairs(ev.DEFAULT_PAIRS[1])[0]) == 999


def test_agrees_with_gensim(planted):
    gensim_models = pytest.importorskip("gensim.models")
    g = gensim_models.KeyedVectors(planted.dim)
    g.add_vectors(planted.words, planted.vectors)
    restrict = 400
    ours = ev.evaluate_analogies(planted, restrict=restrict, methods=("3cosadd",))
    _, theirs = g.evaluate_word_analogies(str(ev.DEFAULT_ANALOGIES), restrict_vocab=restrict)
    assert ours["total"]["answered"] > 500
    for mine, section in zip(ours["sections"] + [ours["total"]], theirs):
        assert mine["answered"] == len(section["correct"]) + len(section["incorrect"]), section["section"]
        assert mine["correct"]["3cosadd"] == len(section["correct"]), section["section"]
    # word pairs: build a vocabulary that covers part of WS353 so the correlation means something
    pairs, _, _ = ev.read_pairs(ev.DEFAULT_PAIRS[0])
    words = list(dict.fromkeys(w.lower() for pair in pairs[:200] for w in pair))
    rng = np.random.default_rng(4)
    kv = KeyedVectors(rng.standard_normal((len(words), 10)).astype(np.float32), words)
    g = gensim_models.KeyedVectors(10)
    g.add_vectors(kv.words, kv.vectors)
    for restrict in (None, 150):
        mine = ev.evaluate_pairs(kv, ev.DEFAULT_PAIRS[0], restrict=restrict)
        pearson, spearman, oov = g.evaluate_word_pairs(str(ev.DEFAULT_PAIRS[0]),
                                                       restrict_vocab=restrict or len(kv))
        assert mine["spearman"] == pytest.approx(spearman[0], abs=1e-6)
        assert mine["pearson"] == pytest.approx(pearson[0], abs=1e-6)
        assert 100 * mine["skipped_share"] == pytest.approx(oov)


def test_pairs_with_subwords_report_vocabulary_and_all_pairs(tmp_path, caplog):
    """Two figures, as the fastText paper: pairs inside the vocabulary, and all pairs with
    unseen words composed from the n-grams of their lower-cased form (once logged per file)."""
    import logging

    from wordvec.vectors.subwords import Subwords

    rng = np.random.default_rng(3)
    words = ["cat", "dog", "house", "car", "tree", "river"]
    sub = Subwords(rng.standard_normal((101, 6)).astype(np.float32), 3, 4)
    kv = KeyedVectors(rng.standard_normal((6, 6)).astype(np.float32), words, subwords=sub)
    path = tmp_path / "pairs.txt"
    path.write_text("cat dog 8\nhouse car 3\ntree river 5\nCats dogs 7.5\nriver streams 6\nhouse Mansion 4\n")
    caplog.set_level(logging.INFO, logger="wordvec")
    result = ev.evaluate_pairs(kv, path)
    assert [r.getMessage() for r in caplog.records] == ["pairs.txt: 4 word(s) not in the vocabulary were "
                                                        "composed from their character n-grams"]
    gold = np.array([8, 3, 5, 7.5, 6, 4])
    assert (result["found"], result["skipped"]) == (3, 3)
    inside = [kv.similarity(a, b) for a, b in (("cat", "dog"), ("house", "car"), ("tree", "river"))]
    assert result["spearman"] == pytest.approx(ref.spearman(gold[:3], inside), abs=1e-9)
    every = inside + [kv.similarity(a, b) for a, b in (("cats", "dogs"), ("river", "streams"), ("house", "mansion"))]
    assert result["all_pairs"]["pairs"] == 6 and result["all_pairs"]["composed_words"] == 4
    assert result["all_pairs"]["spearman"] == pytest.approx(ref.spearman(gold, every), abs=1e-6)
    assert result["all_pairs"]["pearson"] == pytest.approx(np.corrcoef(gold, every)[0, 1], abs=1e-6)
    assert "all_pairs" not in ev.evaluate_pairs(KeyedVectors(kv.vectors, words), path)

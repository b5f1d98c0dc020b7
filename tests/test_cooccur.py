"""Co-occurrence counting: brute-force agreement, spilling under a budget, the folder format."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from tests.conftest import brown_lines
from tests.reference.cooccur import count_pairs
from wordvec.config import CooccurConfig
from wordvec.text.corpus import EncodedCorpus
from wordvec.errors import FormatError, ResourceError, WordvecError
from wordvec.text.vocab import Vocab


@pytest.fixture(scope="module")
def small_text():
    """~6k tokens of Brown with a vocabulary of words seen twice or more."""
    sentences = [line.split() for line in brown_lines(300)]
    vocab = Vocab.from_counts(Counter(w for s in sentences for w in s), min_count=2)
    corpus = EncodedCorpus.from_sentences(sentences, vocab)
    return vocab, corpus


def _sentences(corpus) -> list[list[int]]:
    return [corpus.ids[a:b].tolist() for a, b in zip(corpus.offsets[:-1], corpus.offsets[1:])]


@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
def test_counts_equal_brute_force(small_text, symmetric, weighted):
    from wordvec.train.cooccur import count_cooccurrences

    vocab, corpus = small_text
    got = count_cooccurrences(corpus, vocab, CooccurConfig(window=5, symmetric=symmetric, distance_weighting=weighted,
                              threads=2), buffer_pairs=5000)
    rows, cols, vals = count_pairs(_sentences(corpus), 5, symmetric, weighted)
    np.testing.assert_array_equal(got.rows, rows)
    np.testing.assert_array_equal(got.cols, cols)
    np.testing.assert_array_equal(got.vals, vals.astype(np.float32))
    assert got.meta["nnz"] == len(rows) and got.meta["symmetric"] == symmetric


def test_windows_stop_at_sentence_ends_and_asymmetric_rows_are_left_words():
    from wordvec.train.cooccur import count_cooccurrences

    vocab = Vocab(["a", "b", "c"], [3, 2, 1])
    corpus = EncodedCorpus.from_arrays(np.array([0, 1, 2, 0, 1], np.int32), np.array([0, 3, 5], np.int64))
    got = count_cooccurrences(corpus, vocab, CooccurConfig(window=10, symmetric=False))
    pairs = {(int(r), int(c)): float(v) for r, c, v in zip(got.rows, got.cols, got.vals)}
    # sentence 1: a b c -> (a,b) 1, (b,c) 1, (a,c) 1/2; sentence 2: a b -> (a,b) 1; nothing across
    assert pairs == {(0, 1): 2.0, (0, 2): 0.5, (1, 2): 1.0}


def test_spilling_equals_in_memory_and_cleans_up(small_text, tmp_path, monkeypatch):
    from wordvec.train import cooccur

    vocab, corpus = small_text
    spills = []
    original = cooccur._RunStore._spill
    monkeypatch.setattr(cooccur._RunStore, "_spill",
                        lambda self, k, v: (spills.append(len(k)), original(self, k, v))[1])
    config = CooccurConfig(window=10, threads=2, memory=0.02)
    common = dict(buffer_pairs=3000)
    in_memory = cooccur.count_cooccurrences(corpus, vocab, config, **common, tmp_dir=tmp_path)
    assert not spills
    spilled = cooccur.count_cooccurrences(corpus, vocab, config, **common, arena_pairs=2500, tmp_dir=tmp_path)
    assert len(spills) > 3
    # merging through tiny read windows: many rounds, each bounded by the smallest window end
    monkeypatch.setattr(cooccur, "_MIN_WINDOW", 16)
    monkeypatch.setattr(cooccur, "_ARENA_SHARE", 1e-6)
    windowed = cooccur.count_cooccurrences(corpus, vocab, config, **common, arena_pairs=2500, tmp_dir=tmp_path)
    for name in ("rows", "cols", "vals"):
        np.testing.assert_array_equal(getattr(spilled, name), getattr(in_memory, name))
        np.testing.assert_array_equal(getattr(windowed, name), getattr(in_memory, name))
    assert list(tmp_path.iterdir()) == []  # spill folder removed


@pytest.mark.parametrize("window", [10, 20])
def test_buffer_size_does_not_change_the_sums(small_text, window):
    from wordvec.train.cooccur import count_cooccurrences

    vocab, corpus = small_text
    big = count_cooccurrences(corpus, vocab, CooccurConfig(window=window, threads=1))
    small = count_cooccurrences(corpus, vocab, CooccurConfig(window=window, threads=2), buffer_pairs=2000, arena_pairs=4000)
    np.testing.assert_array_equal(big.rows, small.rows)
    np.testing.assert_array_equal(big.cols, small.cols)
    if window <= 16:  # sums in whole units of 1/lcm(1..window): exact whatever the runs
        np.testing.assert_array_equal(big.vals, small.vals)
    else:  # plain float64 sums: equal to float32 rounding
        np.testing.assert_allclose(big.vals, small.vals, rtol=2e-7)


def test_folder_round_trip_and_meta(small_text, tmp_path):
    from wordvec.train.cooccur import count_cooccurrences, load_cooccurrence

    vocab, corpus = small_text
    out = tmp_path / "cooc"
    written = count_cooccurrences(corpus, vocab, CooccurConfig(window=4), output=out, buffer_pairs=4000)
    in_memory = count_cooccurrences(corpus, vocab, CooccurConfig(window=4))
    loaded = load_cooccurrence(out)
    assert isinstance(loaded.rows, np.memmap)
    for name in ("rows", "cols", "vals"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(in_memory, name))
        np.testing.assert_array_equal(getattr(written, name), getattr(in_memory, name))
    meta = json.loads((out / "meta.json").read_text())
    assert meta["format"] == "wordvec-cooccurrence" and meta["version"] == 1
    assert meta["vocab_fingerprint"] == vocab.fingerprint() and meta["nnz"] == in_memory.nnz
    assert (meta["window"], meta["symmetric"], meta["distance_weighting"]) == (4, True, True)
    assert Vocab.load(out / "vocab.txt").words == vocab.words
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cooc"]  # no temporary leftovers


def test_bad_folders_and_budgets_are_refused(small_text, tmp_path):
    from wordvec.train.cooccur import count_cooccurrences, load_cooccurrence

    vocab, corpus = small_text
    with pytest.raises(WordvecError, match="16 MiB"):
        count_cooccurrences(corpus, vocab, CooccurConfig(memory=0.01))
    with pytest.raises(FormatError, match="not a co-occurrence folder"):
        load_cooccurrence(tmp_path)
    out = tmp_path / "cooc"
    count_cooccurrences(corpus, vocab, CooccurConfig(window=2), output=out)
    meta = json.loads((out / "meta.json").read_text())
    (out / "meta.json").write_text(json.dumps({**meta, "version": 99}))
    with pytest.raises(FormatError, match="version 99"):
        load_cooccurrence(out)
    (out / "meta.json").write_text(json.dumps({**meta, "nnz": meta["nnz"] + 1}))
    with pytest.raises(FormatError, match="expected"):
        load_cooccurrence(out)


def test_interrupted_merge_leaves_nothing(small_text, tmp_path, monkeypatch):
    from wordvec.train import cooccur
    from wordvec._kernels import cooccur as kernels

    vocab, corpus = small_text

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(kernels, "merge_runs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cooccur.count_cooccurrences(corpus, vocab, CooccurConfig(window=3), output=tmp_path / "out", tmp_dir=tmp_path,
                                    arena_pairs=1000, buffer_pairs=2000)
    assert list(tmp_path.iterdir()) == []

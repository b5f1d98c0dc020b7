"""Vocabulary: ordering, pruning, files in every accepted layout, ReduceVocab while counting."""

from __future__ import annotations

import logging
from collections import Counter

import pytest

from wordvec.errors import CorpusError, FormatError
from wordvec.text.tokenize import iter_sentences
from wordvec.text.vocab import Vocab, build_vocab


def test_order_is_count_then_word_and_pruning_rules():
    vocab = Vocab.from_counts({"b": 3, "a": 3, "c": 9, "rare": 1, "d": 2}, min_count=2)
    assert vocab.words == ["c", "a", "b", "d"]
    assert vocab.counts.tolist() == [9, 3, 3, 2]
    assert vocab.counts.dtype.name == "int64"
    assert vocab.id("a") == 1 and "rare" not in vocab and len(vocab) == 4
    assert Vocab.from_counts({"b": 3, "a": 3, "c": 9}, max_size=2).words == ["c", "a"]
    with pytest.raises(KeyError, match="'zzz'"):
        vocab.id("zzz")


def test_prune_keeps_the_canonical_rules_and_duplicates_are_refused():
    full = Vocab.from_counts({"b": 3, "a": 3, "c": 9, "rare": 1, "d": 2})
    for min_count, max_size in ((1, None), (2, None), (3, None), (2, 2), (10, None)):
        pruned = full.prune(min_count, max_size)
        expected = Vocab.from_counts(dict(zip(full.words, full.counts.tolist())), min_count, max_size)
        assert pruned.words == expected.words and pruned.counts.tolist() == expected.counts.tolist()
        assert all(pruned.index[w] == i for i, w in enumerate(pruned.words))
    by_hand = Vocab(["d", "c", "a"], [2, 9, 3])  # not in canonical order: pruning sorts it
    assert by_hand.prune(3).words == ["c", "a"]
    assert Vocab(["b", "a", "c"], [3, 3, 1]).prune(1, 1).words == ["a"]  # ties too
    with pytest.raises(ValueError, match="duplicate"):
        Vocab(["a", "b", "a"], [3, 2, 1])
    with pytest.raises(ValueError, match="duplicate"):
        Vocab.from_counts([("a", 3), ("a", 2)])


def test_save_load_round_trip_and_fingerprint(tmp_path):
    vocab = Vocab.from_counts({"naïve": 5, "日本": 7, "don't": 5, "x": 1})
    vocab.save(tmp_path / "vocab.txt")
    again = Vocab.load(tmp_path / "vocab.txt")
    assert again.words == vocab.words and again.counts.tolist() == vocab.counts.tolist()
    assert again.fingerprint() == vocab.fingerprint()
    assert Vocab.from_counts({"naïve": 5, "日本": 8}).fingerprint() != vocab.fingerprint()
    assert Vocab.load(tmp_path / "vocab.txt", min_count=5).words == ["日本", "don't", "naïve"]


def test_loads_glove_and_word2vec_vocab_files(tmp_path):
    (tmp_path / "glove.txt").write_bytes(b"the 100\r\nof 50\r\nand 50")  # CRLF, no final newline
    assert Vocab.load(tmp_path / "glove.txt").words == ["the", "and", "of"]
    (tmp_path / "w2v.txt").write_text("</s> 12\nthe 100 \nof 50\n\n")
    vocab = Vocab.load(tmp_path / "w2v.txt")
    assert vocab.words == ["the", "of"] and "</s>" not in vocab


@pytest.mark.parametrize("content, message", [
    ("the 1 2\n", "expected 'word count'"),
    ("the many\n", "not an integer"),
    ("the 3\nthe 4\n", "appears twice"),
    ("the -3\n", "negative"),
    ("\n\n", "no words"),
])
def test_malformed_vocab_files_name_the_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(FormatError, match=message):
        Vocab.load(path)


def test_build_vocab_counts_like_the_python_twin(brown_small):
    expected = Counter(w for s in iter_sentences(brown_small.read_bytes()) for w in s)
    report = build_vocab([brown_small], min_count=3)
    assert dict(zip(report.vocab.words, report.vocab.counts.tolist())) == {
        w: c for w, c in expected.items() if c >= 3}
    assert report.word_tokens == sum(expected.values())
    assert report.distinct == len(expected)
    assert 0.8 < report.coverage < 1.0


def test_reduce_vocab_keeps_frequent_words_exact(tmp_path, caplog):
    lines = [f"common filler rare{i}" for i in range(3000)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines))
    import wordvec.text.blocks as blocks

    with caplog.at_level(logging.WARNING, logger="wordvec"):
        old = blocks.BLOCK_BYTES
        blocks.BLOCK_BYTES = 4096
        try:
            report = build_vocab([path], min_count=1, max_types=500)
        finally:
            blocks.BLOCK_BYTES = old
    counts = dict(zip(report.vocab.words, report.vocab.counts.tolist()))
    assert counts["common"] == 3000 and counts["filler"] == 3000
    assert report.prune_threshold >= 1 and len(report.vocab) < 600
    assert any("approximate" in r.getMessage() for r in caplog.records)


def test_vocabulary_left_empty_by_min_count(brown_small):
    with pytest.raises(CorpusError, match="--min-count"):
        build_vocab([brown_small], min_count=10**9)


def test_extended_vocabulary_for_continued_training():
    """Worked by hand: old rows stay first and in order, counts add up, new words that pass
    min_count follow (most frequent first, ties by word), max_size caps only the new words."""
    old = Vocab(["the", "cat", "sat"], [10, 5, 0], unique=True)     # 'sat' from a file without counts
    new = Vocab.from_counts({"the": 7, "dog": 4, "sat": 1, "mat": 2, "ant": 4, "zebra": 1})
    merged = old.extended(new, min_count=2)
    assert merged.words == ["the", "cat", "sat", "ant", "dog", "mat"]
    assert merged.counts.tolist() == [17, 5, 1, 4, 4, 2]
    capped = old.extended(new, min_count=2, max_size=4)
    assert capped.words == ["the", "cat", "sat", "ant"] and capped.counts.tolist() == [17, 5, 1, 4]
    assert old.extended(new, min_count=2, max_size=2).words == ["the", "cat", "sat"]

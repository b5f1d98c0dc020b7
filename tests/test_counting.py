"""Counting on many threads: the same words, counts and pruning as one thread and as the twin."""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np
import pytest

from tests.reference.texts import hostile_bytes
from wordvec.config import TokenizerConfig
from wordvec.text.counting import WordCounts, count_words
from wordvec.text.tokenize import iter_sentences
from wordvec.text.vocab import Vocab

CONFIGS = [TokenizerConfig(), TokenizerConfig(tokens="raw", lowercase=False),
           TokenizerConfig(tokens="raw", max_token_bytes=16)]


def _as_dict(counts: WordCounts) -> dict[str, int]:
    words = counts.words_at(np.arange(len(counts)))
    return dict(zip(words, counts.counts.tolist()))


def _same(a: WordCounts, b: WordCounts) -> None:
    """Equal in every respect, down to the order of the packed words."""
    assert np.array_equal(a.bounds, b.bounds) and np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.arena, b.arena)
    assert (a.raw_tokens, a.cut_tokens, a.invalid_utf8_tokens, a.prune_threshold) == \
        (b.raw_tokens, b.cut_tokens, b.invalid_utf8_tokens, b.prune_threshold)


@pytest.mark.parametrize("config", CONFIGS, ids=["words", "raw-case", "raw-cap16"])
def test_threads_and_block_sizes_give_identical_counts_equal_to_the_twin(tmp_path, brown_small, config):
    hostile = tmp_path / "hostile.txt"
    hostile.write_bytes(hostile_bytes(7))
    for path in (brown_small, hostile):
        data = path.read_bytes()
        expected = Counter(w for s in iter_sentences(data, config) for w in s)
        serial = count_words([str(path)], config, threads=1, block_bytes=1 << 12)
        assert _as_dict(serial) == expected
        assert serial.raw_tokens == sum(1 for _ in data.replace(b"\x00", b" ").split())
        for threads, block_bytes in ((2, 1 << 12), (3, 1 << 12), (3, 97)):  # blocks never change a count
            _same(serial, count_words([str(path)], config, threads=threads, block_bytes=block_bytes))


def test_invalid_utf8_and_cut_tokens_are_counted_once(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 ok caf\xe9\n" + b"\xc3\xa9" * 80 + b" ok\r\n")
    for threads in (1, 2):
        counts = count_words([str(path)], TokenizerConfig(max_token_bytes=10), threads=threads, block_bytes=8)
        assert counts.invalid_utf8_tokens == 2 and counts.cut_tokens == 1
        assert _as_dict(counts) == {"caf\ufffd": 2, "ok": 2, "\u00e9" * 5: 1}


def test_pruning_is_deterministic_and_keeps_frequent_words_exact(tmp_path, caplog):
    path = tmp_path / "rare.txt"
    path.write_text("".join(f"common filler rare{i} rare{i % 7}x\n" for i in range(6000)))
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        runs = [count_words([str(path)], TokenizerConfig(), threads=t, block_bytes=2048, max_types=800)
                for t in (1, 2, 3)]
    for other in runs[1:]:
        _same(runs[0], other)
    counts = _as_dict(runs[0])
    assert counts["common"] == counts["filler"] == 6000 and counts["rare3x"] == 857
    assert runs[0].prune_threshold >= 1 and len(runs[0]) < 2000
    assert any("approximate" in r.getMessage() for r in caplog.records)


def test_a_file_without_newlines_and_a_folder(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "one-line.txt").write_bytes(b"alpha beta " * 30000)   # 330 kB, no newline
    (tmp_path / "d" / "two.txt").write_bytes(b"gamma\n")
    files = [str(tmp_path / "d" / "one-line.txt"), str(tmp_path / "d" / "two.txt")]
    counts = count_words(files, TokenizerConfig(), threads=2, block_bytes=4096)
    assert _as_dict(counts) == {"alpha": 30000, "beta": 30000, "gamma": 1} and counts.files == 2


def test_frequent_select_and_the_cache_layout(tmp_path, brown_small):
    counts = count_words([str(brown_small)], TokenizerConfig(), threads=2)
    full = _as_dict(counts)
    for min_count, max_size in ((1, None), (3, None), (2, 50), (1, 7)):
        kept = counts.frequent(min_count, max_size)
        assert kept.distinct == len(counts) and kept.tokens == counts.tokens
        words, values = kept.select(min_count, max_size)
        expected = Vocab.from_counts(full, min_count, max_size)
        assert words == expected.words and values.tolist() == expected.counts.tolist()
    counts.save(tmp_path)
    again = WordCounts.load(tmp_path)
    _same(counts, again)
    (tmp_path / "words.bin").write_bytes(b"short")
    with pytest.raises(ValueError, match="inconsistent"):
        WordCounts.load(tmp_path)

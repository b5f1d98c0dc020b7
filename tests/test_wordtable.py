"""The word index of native folders: found words, hidden rows, stale and damaged index files."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from wordvec.errors import FormatError
from wordvec.vectors import wordtable
from wordvec.vectors.formats import load, save
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.wordtable import INDEX_FILE, ListWords, PackedWords

WORDS = ["the", "naïve", "日本", "ab", "abc", "a", "the", "\xa0", "Zürich", "x\x1cy"] + [f"w{i}" for i in range(300)]


@pytest.fixture
def folder(tmp_path):
    vectors = np.random.default_rng(0).standard_normal((len(WORDS), 4)).astype(np.float32)
    path = tmp_path / "v.wv"
    save(KeyedVectors(vectors, WORDS, counts=np.arange(len(WORDS), 0, -1)), path)
    return path


def test_every_word_is_found_without_decoding_the_vocabulary(folder):
    kv = load(folder)
    assert isinstance(kv.table, PackedWords)
    expected = ListWords(WORDS)
    for word in set(WORDS) | {"zzz", "abcd", "th", "", "w3000", "w1 "}:
        assert kv.table.find(word) == expected.find(word), word
    assert kv.row("the") == 0 and "abc" in kv and "abcd" not in kv  # first occurrence; no prefix match
    assert kv.word(8) == "Zürich" and kv.most_similar("w5", topn=3)
    assert kv.table._words is None  # lookups and a query decoded only the words they needed
    assert kv.words == WORDS and kv.counts[0] == len(WORDS)


def test_limit_hides_later_rows(folder):
    kv = load(folder, limit=5)
    assert len(kv) == 5 and "abc" in kv and "a" not in kv and "w1" not in kv
    assert kv.table.slice(0, 100) == WORDS[:5] and kv.words == WORDS[:5]


def test_hash_buckets_hold_every_row_once():
    index = wordtable.build_index(WORDS, "".join(f"{w} 0\n" for w in WORDS).encode())
    count, buckets = int(index[2]), int(index[3])
    assert buckets >= count and buckets & (buckets - 1) == 0
    order = index[wordtable.HEADER_FIELDS + count + buckets + 2:]
    assert sorted(order.tolist()) == list(range(count))


def test_edited_vocabulary_is_read_in_full(folder):
    text = (folder / "vocab.txt").read_text(encoding="utf-8")
    (folder / "vocab.txt").write_text(text.replace("abc ", "xyz ", 1), encoding="utf-8")  # same size
    kv = load(folder)
    assert not isinstance(kv.table, PackedWords)
    assert "xyz" in kv and "abc" not in kv


def test_copied_folder_with_new_times_still_uses_its_index(folder, tmp_path):
    copy = tmp_path / "copy.wv"
    shutil.copytree(folder, copy, copy_function=shutil.copyfile)  # times not preserved
    os.utime(copy / "vocab.txt", ns=(1, 1))
    kv = load(copy)
    assert isinstance(kv.table, PackedWords) and kv.row("Zürich") == 8


def test_folder_without_index_loads_as_before(folder):
    os.remove(folder / INDEX_FILE)
    kv = load(folder)
    assert not isinstance(kv.table, PackedWords) and kv.words == WORDS


@pytest.mark.parametrize("position", [2, wordtable.HEADER_FIELDS + 3, -5, -1])
def test_damaged_index_is_ignored(folder, position):
    """The index carries its own CRC-32: any damaged value sends the loader back to vocab.txt."""
    index = np.load(folder / INDEX_FILE)
    index[position] ^= 1 << 7
    np.save(folder / INDEX_FILE, index)
    kv = load(folder)
    assert not isinstance(kv.table, PackedWords)
    assert all(kv.row(w) == WORDS.index(w) for w in WORDS)

"""Character n-grams and fastText's hash: ids equal to the `fasttext` package's, composition."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.vectors.subwords import Subwords, compose_vocabulary, fasttext_hash, fasttext_ids, ngram_table, ngrams

WORDS = ["cat", "a", "", "naïve", "café", "Ünïcödé", "中文", "日本語の文字", "😀", "👍🏽x", "e\u0301", "don't",
         "supercalifragilistic"]


def fnv1a_plain(data: bytes) -> int:
    """Textbook FNV-1a (bytes taken unsigned), to show where fastText differs."""
    h = 2166136261
    for byte in data:
        h = ((h ^ byte) * 16777619) % 2**32
    return h


def test_hash_is_fnv1a_with_sign_extended_bytes():
    # ASCII: no byte >= 0x80, so fastText's hash is plain FNV-1a (the offset basis for b"")
    assert fasttext_hash(b"") == 2166136261
    assert fasttext_hash(b"<ca") == fnv1a_plain(b"<ca")
    # a byte >= 0x80 is xored as 0xFFFFFF00 | byte: worked by hand for one byte
    h = ((2166136261 ^ (0xFFFFFF00 | 0xE9)) * 16777619) % 2**32
    assert fasttext_hash(b"\xe9") == h != fnv1a_plain(b"\xe9")


def test_ngrams_by_hand():
    assert ngrams("ab", 2, 3) == ["<a", "<ab", "ab", "ab>", "b>"]
    assert ngrams("ab", 1, 1) == ["a", "b"]          # the markers alone are not n-grams
    assert ngrams("中文", 3, 3) == ["<中文", "中文>"]  # characters, not bytes
    assert ngrams("", 1, 6) == ["<>"]


@pytest.mark.parametrize("minn,maxn", [(3, 6), (1, 4), (2, 2), (5, 7)])
def test_vectorised_table_agrees_with_strings(minn, maxn):
    buckets = 1000
    offsets, ids = ngram_table(WORDS, minn, maxn, buckets)
    assert offsets[0] == 0 and offsets[-1] == len(ids) and ids.dtype == np.int32
    for i, word in enumerate(WORDS):
        expected = [fasttext_hash(g.encode()) % buckets for g in ngrams(word, minn, maxn)]
        assert ids[offsets[i]:offsets[i + 1]].tolist() == expected, word


def test_table_spans_blocks(monkeypatch):
    import wordvec.vectors.subwords as sw

    words = [f"w{i}é" for i in range(50)]
    whole = ngram_table(words, 2, 4, 97)
    monkeypatch.setattr(sw, "_WORDS_PER_BLOCK", 7)
    blocked = ngram_table(words, 2, 4, 97)
    assert all(np.array_equal(a, b) for a, b in zip(whole, blocked))


@pytest.fixture(scope="module")
def fasttext_model(tmp_path_factory):
    """A tiny fastText model whose vocabulary holds some of WORDS (the rest are unseen)."""
    fasttext = pytest.importorskip("fasttext")
    path = tmp_path_factory.mktemp("ft") / "corpus.txt"
    path.write_text("the cat sat on the mat café 中文 naïve 😀 words\n" * 20, encoding="utf-8")
    return fasttext.train_unsupervised(str(path), model="skipgram", dim=4, epoch=1, minCount=1, minn=2, maxn=5,
                                       bucket=5003, thread=1, verbose=0)


def test_ids_equal_fasttext_get_subwords(fasttext_model):
    """ASCII, accented, CJK and emoji words, in and out of fastText's vocabulary."""
    nwords = len(fasttext_model.words)
    for word in WORDS[:-1] + ["the", "mat"]:
        if not word:
            continue
        names, ids = fasttext_model.get_subwords(word)
        if word in fasttext_model.words:          # a vocabulary word lists itself first
            assert names[0] == word and ids[0] == fasttext_model.get_word_id(word)
            names, ids = names[1:], ids[1:]
        assert names == ngrams(word, 2, 5), word
        assert fasttext_ids(word, 2, 5, 5003, nwords).tolist() == list(ids), word


def test_compose_is_the_mean_of_ngram_rows():
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((31, 3)).astype(np.float32)
    sub = Subwords(matrix, 3, 4)
    ids = sub.ids("naïve")
    assert len(ids) == len(ngrams("naïve", 3, 4))
    np.testing.assert_allclose(sub.compose("naïve"), matrix[ids].mean(axis=0), rtol=1e-6)
    assert Subwords(matrix, 5, 6).compose("a") is None   # "<a>" has no 5-gram
    assert sub.settings() == {"subwords": [3, 4], "buckets": 31}


def test_compose_vocabulary_blocks_equal_one_by_one():
    rng = np.random.default_rng(2)
    words = ["the", "of", "café", "中文", "x"]
    word_rows = rng.standard_normal((5, 3)).astype(np.float32)
    ngram_rows = rng.standard_normal((17, 3)).astype(np.float32)
    offsets, ids = ngram_table(words, 2, 3, 17)
    for block in (1, 3, 1000):
        out = compose_vocabulary(word_rows, ngram_rows, offsets, ids, rows_per_block=block)
        for i in range(5):
            own = ids[offsets[i]:offsets[i + 1]]
            expected = (word_rows[i] + ngram_rows[own].sum(axis=0)) / (1 + len(own))
            np.testing.assert_allclose(out[i], expected, rtol=1e-5, atol=1e-6)


def test_bad_settings_refused():
    with pytest.raises(ValueError):
        ngram_table(["a"], 0, 3, 10)
    with pytest.raises(ValueError):
        ngram_table(["a"], 4, 3, 10)
    with pytest.raises(ValueError):
        Subwords(np.zeros((4, 2), np.float32), 3, 2)

"""Encoded corpus: ids and sentences against the twin, the cache's reuse, invalidation and eviction."""

from __future__ import annotations

import io
import os
import sys

import numpy as np
import pytest

from wordvec.text import corpus as corpus_module
from wordvec.config import TokenizerConfig
from wordvec.text.corpus import EncodedCorpus, cache_root, encode_corpus, prepare_corpus
from wordvec.text.tokenize import iter_sentences
from wordvec.text.vocab import Vocab


def _decode(corpus, vocab):
    ids, offsets = np.asarray(corpus.ids), np.asarray(corpus.offsets)
    return [[vocab.words[i] for i in ids[a:b]] for a, b in zip(offsets[:-1], offsets[1:])]


def test_encoding_drops_oov_and_keeps_sentences(brown_small):
    vocab, corpus = prepare_corpus([brown_small], min_count=5, cache=False)
    expected = [[w for w in s if w in vocab] for s in iter_sentences(brown_small.read_bytes())]
    assert _decode(corpus, vocab) == [s for s in expected if s]
    assert corpus.ids.dtype == np.int32 and corpus.offsets.dtype == np.int64
    assert corpus.info["kept_tokens"] == corpus.n_tokens == sum(map(len, expected))


def _count_encodings(monkeypatch):
    calls = []
    real = corpus_module._encode_to

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus_module, "_encode_to", spy)
    return calls


def test_cache_reuse_and_invalidation(tmp_path, monkeypatch):
    path = tmp_path / "c.txt"
    path.write_text("the cat sat\nthe dog sat\n")
    vocab = Vocab.from_counts({"the": 2, "sat": 2, "cat": 1, "dog": 1})
    calls = _count_encodings(monkeypatch)
    first = encode_corpus([path], vocab)
    second = encode_corpus([path], vocab)
    assert len(calls) == 1 and np.array_equal(first.ids, second.ids)
    assert isinstance(second.ids, np.memmap) and str(cache_root()) in str(second.ids.filename)
    encode_corpus([path], vocab, TokenizerConfig(lowercase=False))          # tokenizer changed
    encode_corpus([path], Vocab.from_counts({"the": 2, "sat": 2}))          # vocabulary changed
    assert len(calls) == 3
    path.write_text("the cat sat\nthe dog sat\nthe end\n")                    # corpus changed
    third = encode_corpus([path], vocab)
    assert len(calls) == 4 and third.n_sentences == 3
    encode_corpus([path], vocab, cache=False)
    assert len(calls) == 5


def test_no_cache_leaves_nothing_behind(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("alpha beta\n")
    before = set(cache_root().rglob("*")) if cache_root().exists() else set()
    corpus = encode_corpus([path], Vocab.from_counts({"alpha": 1, "beta": 1}), cache=False)
    assert corpus.n_tokens == 2
    corpus.close()
    after = set(cache_root().rglob("*")) if cache_root().exists() else set()
    assert after == before


def test_old_entries_are_evicted_past_the_cap(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("WORDVEC_CACHE_MAX_GB", str(1500 / (1 << 30)))  # room for about one entry
    vocab = Vocab.from_counts({"alpha": 1, "beta": 1})
    for i in range(3):
        path = tmp_path / f"c{i}.txt"
        path.write_text("alpha beta\n" * 20)
        encode_corpus([path], vocab)
    entries = list((tmp_path / "cache" / "wordvec" / "corpus").glob("*/meta.json"))
    assert len(entries) == 1


def test_stdin_corpus(tmp_path, monkeypatch, brown_small):
    data = brown_small.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    vocab, corpus = prepare_corpus(["-"], min_count=5)
    ref_vocab, ref_corpus = prepare_corpus([brown_small], min_count=5, cache=False)
    assert vocab.words == ref_vocab.words
    assert np.array_equal(corpus.ids, ref_corpus.ids)


def test_from_arrays_validates():
    corpus = EncodedCorpus.from_arrays([1, 2, 3], [0, 2, 3])
    assert corpus.n_sentences == 2 and corpus.n_tokens == 3
    with pytest.raises(ValueError):
        EncodedCorpus.from_arrays([1, 2, 3], [0, 3, 3])
    assert os.path.basename(__file__) == "test_corpus.py"

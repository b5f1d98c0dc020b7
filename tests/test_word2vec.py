"""word2vec kernels against the numpy reference, the driver, and the CLI end to end."""

from __future__ import annotations

import lzma
from collections import Counter

import numpy as np
import pytest

from tests.conftest import BROWN
from tests.reference import word2vec as reference
from wordvec.config import Word2VecConfig
from wordvec.errors import CorpusError, TrainingDiverged
from wordvec.tables import keep_probabilities, negative_table


class FakeVocab:
    """The parts of wordvec.vocab.Vocab the trainer reads."""

    def __init__(self, words, counts):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self):
        return len(self.words)


class FakeCorpus:
    """The parts of wordvec.corpus.EncodedCorpus the trainer reads."""

    def __init__(self, sentences):
        self.ids = np.concatenate([np.asarray(s, dtype=np.int32) for s in sentences])
        self.offsets = np.concatenate(([0], np.cumsum([len(s) for s in sentences]))).astype(np.int64)
        self.n_tokens = len(self.ids)
        self.n_sentences = len(sentences)
        self.info = {"tokens": self.n_tokens, "sentences": self.n_sentences}


def encode(lines, min_count=1):
    counts = Counter(w for line in lines for w in line.split())
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(words)}
    sentences = [[index[w] for w in line.split() if w in index] for line in lines]
    return FakeVocab(words, [counts[w] for w in words]), FakeCorpus([s for s in sentences if s])


def zipf_sentences(seed, n_words=40, n_sentences=30):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_words + 1)
    p /= p.sum()
    return [rng.choice(n_words, size=rng.integers(1, 25), p=p).astype(np.int32) for _ in range(n_sentences)]


# ---------------------------------------------------------------- kernels against the reference

@pytest.mark.parametrize("arch,exact,window", [("skipgram", False, 3), ("skipgram", True, 3),
                                               ("cbow", False, 3), ("skipgram", False, 0)])
def test_kernel_matches_reference(arch, exact, window):
    from wordvec._kernels.rng import thread_seeds
    from wordvec._kernels.word2vec import cbow_slice, skipgram_slice
    from wordvec.word2vec import init_weights

    corpus = FakeCorpus(zipf_sentences(3))
    counts = np.bincount(corpus.ids, minlength=40)
    counts = np.maximum(counts, 1)
    keep = keep_probabilities(counts, 0.01)          # subsamples the head words: exercises the coin
    assert (keep < 1).sum() >= 3
    cum, guide = negative_table(counts, 0.75)
    w_in, w_out = init_weights(40, 16, seed=5)
    w_out += (np.random.default_rng(1).random(w_out.shape, dtype=np.float32) - 0.5) * 0.2  # non-zero outputs
    state = thread_seeds(11, 2)
    ref_in, ref_out, ref_loss, ref_preds, ref_words, ref_state = reference.train_slice(
        arch, w_in, w_out, corpus.ids, corpus.offsets, 2, 28, keep, cum, guide, window, 4, exact,
        0.2, 0.05, int(state[1]))
    stats = np.zeros((2, 3))
    start_in = w_in.copy()
    if arch == "skipgram":
        skipgram_slice(w_in, w_out, corpus.ids, corpus.offsets, 2, 28, keep, cum, guide, window, 4, exact,
                       0.2, 0.05, state, 1, stats)
    else:
        cbow_slice(w_in, w_out, corpus.ids, corpus.offsets, 2, 28, keep, cum, guide, window, 4,
                   0.2, 0.05, state, 1, stats)
    # same random stream consumed, same counters, same weights up to float32 rounding
    assert int(state[1]) == ref_state
    assert stats[1].tolist() == [pytest.approx(ref_loss, rel=1e-4), ref_preds, ref_words]
    assert np.all(stats[0] == 0)                      # another thread's slot is untouched
    assert np.abs(ref_in - start_in).max() > 1e-2     # the slice really trained
    np.testing.assert_allclose(w_in, ref_in, atol=2e-5)
    np.testing.assert_allclose(w_out, ref_out, atol=2e-5)


def test_empty_slice_is_a_no_op():
    from wordvec._kernels.rng import thread_seeds
    from wordvec._kernels.word2vec import skipgram_slice
    from wordvec.word2vec import init_weights

    corpus = FakeCorpus(zipf_sentences(4))
    cum, guide = negative_table(np.ones(40), 0.75)
    w_in, w_out = init_weights(40, 8, seed=1)
    before = w_in.copy()
    stats = np.zeros((1, 3))
    skipgram_slice(w_in, w_out, corpus.ids, corpus.offsets, 5, 5, np.ones(40), cum, guide, 5, 5, False,
                   0.025, 0.025, thread_seeds(1, 1), 0, stats)
    assert np.array_equal(w_in, before) and not w_out.any() and not stats.any()


# ---------------------------------------------------------------- driver

def small_run(arch="skipgram", **kw):
    from wordvec.word2vec import train_word2vec

    vocab, corpus = encode([" ".join(f"w{x}" for x in s) for s in zipf_sentences(9, 60, 400)])
    settings = dict(arch=arch, dim=12, epochs=2, threads=1, seed=3, min_count=1, chunk_tokens=1000)
    settings.update(kw)
    return train_word2vec(corpus, vocab, Word2VecConfig(**settings)), vocab


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_one_thread_with_seed_is_bit_identical(arch):
    first, _ = small_run(arch)
    second, _ = small_run(arch)
    other, _ = small_run(arch, seed=4)
    assert np.array_equal(first.kv.vectors, second.kv.vectors)
    assert np.array_equal(first.context, second.context)
    assert not np.array_equal(first.kv.vectors, other.kv.vectors)


def test_result_shape_history_and_meta():
    res, vocab = small_run(epochs=3, vectors="in+out")
    assert res.kv.vectors.shape == (len(vocab), 12) and res.kv.vectors.dtype == np.float32
    assert res.kv.words == vocab.words
    assert [h["epoch"] for h in res.history] == [1, 2, 3]
    assert all(h["words"] == int(vocab.counts.sum()) and h["loss"] > 0 for h in res.history)
    assert res.history[-1]["lr"] == pytest.approx(0.025e-4)       # decayed to lr * 1e-4 at the end
    assert res.kv.meta["trainer"] == "word2vec-skipgram"
    assert res.kv.meta["config"]["lr"] == 0.025 and res.kv.meta["config"]["threads"] == 1
    # in+out is w + c: subtracting the context vectors gives back the trained input vectors
    plain, _ = small_run(epochs=3)
    np.testing.assert_allclose(res.kv.vectors - res.context, plain.kv.vectors, atol=1e-6)


def test_two_threads_train_every_word_of_every_epoch():
    res, vocab = small_run(threads=2, epochs=2)
    n_tokens = int(vocab.counts.sum())
    assert [h["words"] for h in res.history] == [n_tokens, n_tokens]
    assert np.isfinite(res.kv.vectors).all() and np.abs(res.context).max() > 0


def test_divergence_is_reported():
    with pytest.raises(TrainingDiverged, match="--lr"):
        small_run(lr=1e38)


def test_bad_inputs_are_clear_errors():
    from wordvec.word2vec import train_word2vec

    vocab, corpus = encode(["a b c", "b c"])
    corpus.ids = corpus.ids + 5
    with pytest.raises(CorpusError, match="outside the vocabulary"):
        train_word2vec(corpus, vocab, Word2VecConfig(min_count=1))

"""word2vec kernels against the numpy reference, the driver, and the CLI end to end."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from tests.reference import word2vec as reference
from wordvec.config import Word2VecConfig
from wordvec.errors import CorpusError, TrainingDiverged
from tests.conftest import run_wordvec
from wordvec.text.vocab import Vocab
from wordvec.train.tables import keep_probabilities, negative_table


class FakeCorpus:
    """The parts of wordvec.text.corpus.EncodedCorpus the trainer reads."""

    def __init__(self, sentences):
        self.ids = np.concatenate([np.asarray(s, dtype=np.int32) for s in sentences])
        self.offsets = np.concatenate(([0], np.cumsum([len(s) for s in sentences]))).astype(np.int64)
        self.n_tokens = len(self.ids)
        self.n_sentences = len(sentences)
        self.info = {"kept_tokens": self.n_tokens, "sentences": self.n_sentences}


def encode(lines, min_count=1):
    counts = Counter(w for line in lines for w in line.split())
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(words)}
    sentences = [[index[w] for w in line.split() if w in index] for line in lines]
    return Vocab(words, [counts[w] for w in words]), FakeCorpus([s for s in sentences if s])


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
    from wordvec._kernels import word2vec as kernels
    from wordvec.train.word2vec import init_weights

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
    mode = kernels.CBOW if arch == "cbow" else kernels.SKIPGRAM_EXACT if exact else kernels.SKIPGRAM
    kernels.train_slice(mode, w_in, w_out, corpus.ids, corpus.offsets, 2, 28, keep, cum, guide, window, 4,
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
    from wordvec._kernels.word2vec import SKIPGRAM, train_slice
    from wordvec.train.word2vec import init_weights

    corpus = FakeCorpus(zipf_sentences(4))
    cum, guide = negative_table(np.ones(40), 0.75)
    w_in, w_out = init_weights(40, 8, seed=1)
    before = w_in.copy()
    stats = np.zeros((1, 3))
    train_slice(SKIPGRAM, w_in, w_out, corpus.ids, corpus.offsets, 5, 5, np.ones(40), cum, guide, 5, 5,
                0.025, 0.025, thread_seeds(1, 1), 0, stats)
    assert np.array_equal(w_in, before) and not w_out.any() and not stats.any()


# ---------------------------------------------------------------- driver

@pytest.mark.parametrize("width", [0.5, 2.0])
def test_init_weights_are_uniform_in_width_over_dim(width):
    from wordvec.train.word2vec import init_weights

    w_in, w_out = init_weights(2000, 50, seed=1, width=width)
    bound = width / 50
    assert w_in.dtype == np.float32 and w_in.flags.c_contiguous and not w_out.any()
    assert np.abs(w_in).max() <= bound and np.abs(w_in).max() > 0.99 * bound
    assert abs(float(w_in.mean())) < 0.01 * bound and float(w_in.std()) == pytest.approx(bound / 3 ** 0.5, rel=0.01)
    assert np.array_equal(w_in, init_weights(2000, 50, seed=1, width=width)[0])

def small_run(arch="skipgram", **kw):
    from wordvec.train.word2vec import train_word2vec

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
    from wordvec.train.word2vec import train_word2vec

    vocab, corpus = encode(["a b c", "b c"])
    corpus.ids = corpus.ids + 5
    with pytest.raises(CorpusError, match="outside the vocabulary"):
        train_word2vec(corpus, vocab, Word2VecConfig(min_count=1))


# ---------------------------------------------------------------- calibrated sanity check

def brown_with_planted_twins(n_sentences: int) -> list[str]:
    """Brown sentences, lowercased, with every "man" replaced at random by "man_a" or "man_b".

    The two planted words share one context distribution, so a working trainer must make them
    each other's nearest neighbours; a broken one (no learning, wrong gradient sign, mixed-up
    rows) leaves them at a random rank among thousands of words.
    """
    from tests.conftest import brown_lines

    rnd = np.random.default_rng(0)
    lines = []
    for line in brown_lines(n_sentences):
        words = [w.lower() for w in line.split()]
        lines.append(" ".join(("man_a" if rnd.random() < 0.5 else "man_b") if w == "man" else w
                              for w in words))
    return lines


@pytest.fixture(scope="module")
def brown_20k():
    return encode(brown_with_planted_twins(20_000), min_count=5)  # 393k tokens, 7.6k words


def neighbours(kv, word, n):
    return [w for w, _ in kv.most_similar(word, topn=n)]


# Calibration (20k Brown sentences, dim 50, 3 epochs, 2 threads, seeds 1-3, both archs, a few
# seconds on this 2-core machine): the twins ranked each other 1st or 2nd, "three" was 1st for
# "two" and "she" 1st for "he"; the loss fell every epoch. The thresholds below (top 3 / top 5)
# leave room for Hogwild noise; a trainer that does not learn puts them at random ranks of 7.6k.
@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_trained_vectors_find_planted_and_obvious_neighbours(brown_20k, arch):
    from wordvec.train.word2vec import train_word2vec

    vocab, corpus = brown_20k
    res = train_word2vec(corpus, vocab, Word2VecConfig(arch=arch, dim=50, epochs=3, threads=2, seed=1,
                                                       min_count=5))
    losses = [h["loss"] for h in res.history]
    assert losses[0] > losses[1] > losses[2]
    assert "man_b" in neighbours(res.kv, "man_a", 3)
    assert "man_a" in neighbours(res.kv, "man_b", 5)
    assert "three" in neighbours(res.kv, "two", 5)
    if arch == "skipgram":
        assert "she" in neighbours(res.kv, "he", 3)


# ---------------------------------------------------------------- CLI end to end

def test_cli_skipgram_native_is_reproducible(tmp_path, brown_small):
    from wordvec.vectors.formats import load, load_context

    outs = []
    for name in ("a.wv", "b.wv"):
        result = run_wordvec("train", "skipgram", brown_small, "-o", tmp_path / name, "--threads", "1",
                             "--dim", "16", "--epochs", "2", "--seed", "7", "--save-context", "--json")
        assert result.code == 0, result.stderr
        outs.append(load(tmp_path / name))
    summary = json.loads(result.stdout)
    assert summary["vocab_size"] == len(outs[0]) and summary["kept_tokens"] > 50_000
    assert summary["trainer"] == "word2vec-skipgram" and summary["words_per_second"] > 0
    assert outs[0].vectors.shape == (len(outs[0]), 16)
    assert np.array_equal(outs[0].vectors, outs[1].vectors)            # --seed with one thread
    assert outs[0].meta["config"]["seed"] == 7 and outs[0].meta["trainer"] == "word2vec-skipgram"
    assert outs[0].meta["corpus"]["kept_tokens"] == summary["kept_tokens"]
    assert load_context(tmp_path / "a.wv").shape == outs[0].vectors.shape


def test_cli_cbow_refuses_exact_naming_skipgram(tmp_path, brown_small):
    result = run_wordvec("train", "cbow", brown_small, "-o", tmp_path / "c.wv", "--exact")
    assert result.code == 2 and "--exact applies to skip-gram only" in result.errors[0]
    assert not (tmp_path / "c.wv").exists()


def test_cli_cbow_word2vec_text(tmp_path, brown_small):
    out = tmp_path / "cbow.txt"
    result = run_wordvec("train", "cbow", brown_small, "-o", out, "--dim", "8", "--epochs", "1",
                         "--format", "word2vec", "--vectors", "in+out")
    assert result.code == 0, result.stderr
    assert "words/s" in result.stdout and str(out) in result.stdout
    header = out.read_text().splitlines()[0].split()
    assert header[1] == "8" and int(header[0]) == len(out.read_text().splitlines()) - 1


def test_cli_item2vec_whole_line_window(tmp_path):
    """Baskets of item IDs drawn from 4 hidden groups: each item's neighbours are its group."""
    from wordvec.vectors.formats import load

    rnd = np.random.default_rng(5)
    groups = [[f"item{g}_{i}" for i in range(6)] for g in range(4)]
    baskets = [" ".join(rnd.choice(groups[rnd.integers(4)], size=rnd.integers(3, 7), replace=False))
               for _ in range(1500)]
    data = tmp_path / "baskets.txt"
    data.write_text("\n".join(baskets) + "\n")
    out = tmp_path / "items.wv"
    result = run_wordvec("train", "skipgram", data, "-o", out, "--tokens", "raw", "--window", "0",
                         "--min-count", "1", "--sample", "0", "--dim", "16", "--epochs", "5", "--threads", "1")
    assert result.code == 0, result.stderr
    kv = load(out)
    for group in groups:
        for item in group:
            assert {w for w, _ in kv.most_similar(item, topn=5)} == set(group) - {item}


def test_cli_errors_are_one_line(tmp_path, brown_small):
    result = run_wordvec("train", "skipgram", brown_small, "-o", tmp_path / "x.txt", "--format", "glove",
                         "--save-context")
    assert result.code == 1 and "--save-context" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_wordvec("train", "cbow", brown_small, "-o", tmp_path / "missing" / "x.wv")
    assert result.code == 1 and "does not exist" in result.stderr
    result = run_wordvec("train", "skipgram", brown_small, "-o", tmp_path / "y.wv", "--negative", "0")
    assert result.code == 1 and "--negative" in result.stderr
    assert not (tmp_path / "y.wv").exists()
    result = run_wordvec("train", "cbow", brown_small, "-o", tmp_path / "y.wv", "--init-width", "0")
    assert result.code == 1 and "--init-width must be positive" in result.stderr


def test_cli_init_width_sets_the_starting_range(tmp_path, brown_small):
    """--init-width W starts the input vectors in (-W/dim, W/dim): after a tiny learning rate
    they are still inside it, and 0.5 (the C tool's start) is four times narrower than the default."""
    from wordvec.vectors.formats import load

    spans = {}
    for width in (0.5, 2.0):
        out = tmp_path / f"w{width}.wv"
        result = run_wordvec("train", "skipgram", brown_small, "-o", out, "--dim", "10", "--epochs", "1",
                             "--lr", "1e-9", "--threads", "1", "--init-width", width)
        assert result.code == 0, result.stderr
        kv = load(out)
        assert kv.meta["config"]["init_width"] == width
        spans[width] = float(np.abs(kv.vectors).max())
        assert width / 10 * 0.99 < spans[width] <= width / 10 * 1.0001
    assert spans[2.0] / spans[0.5] == pytest.approx(4.0, rel=0.02)



"""Subword and hierarchical-softmax kernels against their numpy twin, random stream replayed."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import subwords as reference
from tests.test_word2vec import FakeCorpus, zipf_sentences
from wordvec.train.huffman import huffman_tree
from wordvec.train.subwords import input_rows, own_rows
from wordvec.train.tables import keep_probabilities, negative_table
from wordvec.vectors.subwords import ngram_table

WORDS = [f"w{i}" + "abcdéf中"[i % 7] * (i % 4) for i in range(40)]   # some n-grams shared between words


def test_input_rows_put_the_word_first_then_its_ngrams():
    offsets, rows, bucket_rows = input_rows(WORDS, 2, 4, 997)
    ngram_offsets, buckets = ngram_table(WORDS, 2, 4, 997)
    used = np.unique(buckets)
    assert bucket_rows[used].tolist() == list(range(len(used)))       # used buckets in order, no gaps
    assert (bucket_rows[np.setdiff1d(np.arange(997), used)] == -1).all()
    for w in range(len(WORDS)):
        own = rows[offsets[w]:offsets[w + 1]]
        mine = buckets[ngram_offsets[w]:ngram_offsets[w + 1]]
        assert own[0] == w and own[1:].tolist() == (bucket_rows[mine] + 40).tolist()
    assert own_rows(3)[0].tolist() == [0, 1, 2, 3] and own_rows(3)[1].tolist() == [0, 1, 2]


MODES = [("skipgram", False, 3), ("skipgram", True, 3), ("cbow", False, 3), ("skipgram", False, 0)]
# every mode with subwords (negative sampling or hs); without subwords the kernels serve hs only
CASES = [(arch, exact, hs, window, True) for arch, exact, window in MODES for hs in (False, True)] \
    + [(arch, exact, True, window, False) for arch, exact, window in MODES]


@pytest.mark.parametrize("arch,exact,hs,window,subwords", CASES)
def test_kernel_matches_reference(arch, exact, hs, window, subwords):
    from wordvec._kernels.rng import thread_seeds
    from wordvec._kernels import subwords as kernels

    corpus = FakeCorpus(zipf_sentences(5))
    counts = np.maximum(np.bincount(corpus.ids, minlength=40), 1)
    keep = keep_probabilities(counts, 0.01)
    cum, guide = negative_table(counts, 0.75)
    offsets, rows = input_rows(WORDS, 2, 4, 31)[:2] if subwords else own_rows(40)
    rng = np.random.default_rng(2)
    w_in = ((rng.random((int(rows.max()) + 1, 12)) - 0.5) / 6).astype(np.float32)
    if hs:
        tree = huffman_tree(counts)
        w_out = ((rng.random((39, 12)) - 0.5) * 0.2).astype(np.float32)
        paths = [tree.code(w) for w in range(40)]
        hs_arrays = (tree.offsets, tree.points, tree.codes)
    else:
        w_out = ((rng.random((40, 12)) - 0.5) * 0.2).astype(np.float32)
        paths = None
        hs_arrays = (np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.uint8))
    state = thread_seeds(13, 2)
    # a whole-sentence window sums up to 24 predictions into one step: a gentler rate keeps it stable
    lr_start, lr_end = (0.2, 0.05) if window else (0.05, 0.01)
    word_rows = [rows[offsets[w]:offsets[w + 1]].tolist() for w in range(40)]
    ref_in, ref_out, ref_loss, ref_preds, ref_words, ref_state = reference.train_slice(
        arch, w_in, w_out, word_rows, corpus.ids, corpus.offsets, 2, 28, keep, cum, guide, hs, paths, window, 4,
        exact, lr_start, lr_end, int(state[1]))
    start_in = w_in.copy()
    stats = np.zeros((2, 3))
    mode = kernels.CBOW if arch == "cbow" else kernels.SKIPGRAM_EXACT if exact else kernels.SKIPGRAM
    kernels.train_slice(mode, w_in, w_out, offsets, rows, corpus.ids, corpus.offsets, 2, 28, keep, cum, guide, hs,
                        *hs_arrays, window, 4, lr_start, lr_end, state, 1, stats)
    assert int(state[1]) == ref_state
    np.testing.assert_allclose(w_in, ref_in, atol=3e-5)
    np.testing.assert_allclose(w_out, ref_out, atol=3e-5)
    assert stats[1].tolist() == [pytest.approx(ref_loss, rel=1e-4), ref_preds, ref_words]
    assert np.all(stats[0] == 0)
    assert np.abs(ref_in - start_in).max() > 1e-2
    if subwords:  # n-gram rows trained too
        assert np.abs(ref_in[40:] - start_in[40:]).max() > 1e-2

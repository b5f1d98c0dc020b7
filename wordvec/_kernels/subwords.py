"""Kernels for composed inputs: fastText's subword skip-gram and CBOW, with negative sampling
or hierarchical softmax.

A word's input vector is the mean of several rows of w_in: its own row and the rows of its
character n-grams (fastText, Bojanowski et al. 2017); the gradient for that vector is added
in full to every one of those rows, as fastText does. Without subwords each word has its own
row alone, so the same kernels train plain word2vec with hierarchical softmax.

Skip-gram here runs in fastText's direction: the center word's composed vector h predicts
each word of its window (word2vec's C tool lets each context word predict the center; the
objective is the same sum over pairs), with fastText's per-pair updates. Composing h costs one
read of each of the center's rows, and its gradient one write: once per center in the default
mode, instead of once per (center, context) pair as in fastText. One exception: default skip-gram with hierarchical
softmax on plain word rows (no subwords) goes the C tool's way (hsoftmax.py), where a
center's window rows and path rows form one block, as negative sampling's targets do.

Shared arguments, beyond those of wordvec/_kernels/word2vec.py (all C-contiguous):
  w_in          float32 [R, D]   word rows, then n-gram rows (R = V + buckets in use; R = V without subwords)
  w_out         float32 [V, D] with negative sampling; [V - 1, D] (inner nodes) with hs
  in_offsets    int64 [V + 1]    word w's input rows are in_rows[in_offsets[w]:in_offsets[w + 1]]
  in_rows       int32 [N]        ... its own row first (train/subwords.py builds them)
  hs            bool             hierarchical softmax instead of negative sampling
  path_offsets  int64 [V + 1]    with hs: word w's Huffman path is (points, codes)[path_offsets[w]:...]
  points, codes int32, uint8     inner nodes root first and the branch taken (train/huffman.py);
                                 with negative sampling these three are empty and neg_cum/neg_guide used

A prediction trains sigmoid(h . w_out[row]) towards a label: 1 for the true word and 0 for a
negative (negative sampling), or 1 - code at each inner node of the word's path (hs, as the
C tool). The order of random draws (per sentence: the subsampling coins; per center: its
window, then, with negative sampling, `negative` draws for each window word in turn in the
skip-gram modes, or `negative` draws for the center in CBOW) is part of the contract:
tests/reference/subwords.py replays it in numpy.

Measured on 10M bench-en tokens (skip-gram, subwords 3-6, 5 epochs): one shared set of
negatives per center, each weighted by the window words it serves, lost 7 analogy points to
fastText; a center's predictions drawn per pair but computed together from the old weights
lost none of that but 0.009 of SimLex; pair by pair with h moved after each pair reaches
fastText's SimLex and runs 1.4x faster than computing together (no merging of output rows).
"""

import numpy as np
from numba import njit

from .hsoftmax import paths_scratch, skipgram_paths_sentence
from .prefetch import prefetch_row
# the same modes, draws, sigmoid table and error as the word2vec kernels
from .word2vec import (CBOW, SKIPGRAM, SKIPGRAM_EXACT, _context, _draw_negative, _error,  # noqa: F401
                       _longest_sentence, _next_sentence, logistic_tables)

_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)


@njit(inline="always", nogil=True, cache=True)
def _longest_path(path_offsets):
    """The most inner nodes on one word's path (1 when there are no paths: negative sampling)."""
    longest = 1
    for w in range(path_offsets.shape[0] - 1):
        longest = max(longest, path_offsets[w + 1] - path_offsets[w])
    return longest


@njit(inline="always", nogil=True, cache=True)
def _compose(w_in, in_offsets, in_rows, word, h):
    """h = mean of the word's input rows."""
    h[:] = _ZERO
    first, last = in_offsets[word], in_offsets[word + 1]
    for r in range(first, last):
        row = w_in[in_rows[r]]
        for d in range(h.shape[0]):
            h[d] += row[d]
    inv = _ONE / np.float32(last - first)
    for d in range(h.shape[0]):
        h[d] *= inv


@njit(inline="always", nogil=True, cache=True)
def _add_to_rows(w_in, in_offsets, in_rows, word, grad):
    """Add grad to every input row of the word (the full gradient to each, as fastText)."""
    for r in range(in_offsets[word], in_offsets[word + 1]):
        row = w_in[in_rows[r]]
        for d in range(grad.shape[0]):
            row[d] += grad[d]


@njit(inline="always", nogil=True, cache=True)
def _prefetch_inputs(w_in, in_offsets, in_rows, word):
    for r in range(in_offsets[word], in_offsets[word + 1]):
        prefetch_row(w_in, in_rows[r])


@njit(inline="always", nogil=True, cache=True)
def _prefetch_outputs(w_out, word, hs, path_offsets, points):
    """Hint the output rows a word will be predicted through: its path's nodes, or its own row."""
    if hs:
        for p in range(path_offsets[word], path_offsets[word + 1]):
            prefetch_row(w_out, points[p])
    else:
        prefetch_row(w_out, word)


@njit(inline="always", nogil=True, cache=True)
def _word_targets(word, hs, path_offsets, points, codes, negative, neg_cum, neg_guide, rng, t, tgt, lab):
    """The predictions for one word, in order: its path (inner node, label 1 - code) with hs;
    else the word (label 1) and `negative` draws (label 0), a draw equal to the word dropped
    (as in the C tool). Returns how many."""
    n = 0
    if hs:
        for p in range(path_offsets[word], path_offsets[word + 1]):
            tgt[n], lab[n] = points[p], _ONE - np.float32(codes[p])
            n += 1
        return n
    tgt[0], lab[0] = word, _ONE
    n = 1
    for _ in range(negative):
        c = _draw_negative(neg_cum, neg_guide, rng, t)
        if c != word:
            tgt[n], lab[n] = c, _ZERO
            n += 1
    return n


@njit(inline="always", nogil=True, cache=True)
def _predict_in_turn(h, tgt, lab, n_t, w_out, lr, grad_h, sig, nls):
    """Predictions one after another (the C tool's order): each error uses w_out as the previous
    ones left it; grad_h gathers the gradient for h from the old rows. Returns the loss."""
    loss = 0.0
    for k in range(n_t):
        out = w_out[tgt[k]]
        g, term_loss = _error(h, out, lab[k] > _ZERO, lr, sig, nls)
        loss += term_loss
        for d in range(h.shape[0]):
            grad_h[d] += g * out[d]
            out[d] += g * h[d]
    return loss


@njit(inline="always", nogil=True, cache=True)
def _skipgram_sentence(sent, n, w_in, w_out, words, neg, window, negative, exact, lr, rng, t, tables, scratch):
    """Skip-gram on one subsampled sentence; returns (loss, predictions).

    fastText's per-pair updates: for every window word in turn, the center's vector h predicts
    it (the word and its own negatives, or its path with hs), each prediction from the weights
    the previous one left, and the pair's gradient moves the center's rows. Default: h is
    composed once per center and moved by each pair's gradient (adding g to every row of a
    mean moves the mean by g: what recomposing would give, exactly when the word's rows are
    distinct), and the rows are written once, with the sum of the pairs' gradients. exact:
    fastText's literal loop: compose the rows, predict, write the rows, for every pair.
    """
    in_offsets, in_rows, hs, path_offsets, points, codes = words
    neg_cum, neg_guide = neg
    sig, nls = tables
    ctx, tgt, lab, h, grad_h, total = scratch
    loss, preds = 0.0, 0
    for i in range(n):
        if i + 1 < n:  # the next center's rows load while this one computes
            _prefetch_inputs(w_in, in_offsets, in_rows, sent[i + 1])
        edge = i + 1 + window  # the word entering the next center's widest window: its output rows
        if window > 0 and edge < n:
            _prefetch_outputs(w_out, sent[edge], hs, path_offsets, points)
        n_ctx = _context(sent, n, i, window, rng, t, ctx)
        if n_ctx == 0:
            continue
        preds += n_ctx
        if exact:
            for a in range(n_ctx):
                _compose(w_in, in_offsets, in_rows, sent[i], h)
                n_t = _word_targets(ctx[a], hs, path_offsets, points, codes, negative, neg_cum, neg_guide, rng,
                                    t, tgt, lab)
                grad_h[:] = _ZERO
                loss += _predict_in_turn(h, tgt, lab, n_t, w_out, lr, grad_h, sig, nls)
                _add_to_rows(w_in, in_offsets, in_rows, sent[i], grad_h)
            continue
        _compose(w_in, in_offsets, in_rows, sent[i], h)
        total[:] = _ZERO
        for a in range(n_ctx):
            n_t = _word_targets(ctx[a], hs, path_offsets, points, codes, negative, neg_cum, neg_guide, rng, t,
                                tgt, lab)
            grad_h[:] = _ZERO
            loss += _predict_in_turn(h, tgt, lab, n_t, w_out, lr, grad_h, sig, nls)
            for d in range(h.shape[0]):
                h[d] += grad_h[d]
                total[d] += grad_h[d]
        _add_to_rows(w_in, in_offsets, in_rows, sent[i], total)
    return loss, preds


@njit(inline="always", nogil=True, cache=True)
def _cbow_sentence(sent, n, w_in, w_out, words, neg, window, negative, lr, rng, t, tables, scratch):
    """CBOW on one subsampled sentence: the mean of every input row of every window word
    (fastText's bag: longer words bring more rows) predicts the center; the gradient is then
    added in full to each of those rows. Returns (loss, predictions)."""
    in_offsets, in_rows, hs, path_offsets, points, codes = words
    neg_cum, neg_guide = neg
    sig, nls = tables
    ctx, tgt, lab, h, grad_h = scratch[:5]
    dim = w_in.shape[1]
    loss, preds = 0.0, 0
    for i in range(n):
        edge = i + 1 + window  # the word entering the next center's widest window
        if window > 0 and edge < n:
            _prefetch_inputs(w_in, in_offsets, in_rows, sent[edge])
        n_ctx = _context(sent, n, i, window, rng, t, ctx)
        if n_ctx == 0:
            continue
        preds += 1
        # hidden layer: the mean over the bag of all input rows of the window words
        h[:] = _ZERO
        rows = 0
        for a in range(n_ctx):
            w = ctx[a]
            for r in range(in_offsets[w], in_offsets[w + 1]):
                row = w_in[in_rows[r]]
                for d in range(dim):
                    h[d] += row[d]
            rows += in_offsets[w + 1] - in_offsets[w]
        inv = _ONE / np.float32(rows)
        for d in range(dim):
            h[d] *= inv
        n_t = _word_targets(sent[i], hs, path_offsets, points, codes, negative, neg_cum, neg_guide, rng, t,
                            tgt, lab)
        grad_h[:] = _ZERO
        loss += _predict_in_turn(h, tgt, lab, n_t, w_out, lr, grad_h, sig, nls)
        for a in range(n_ctx):
            _add_to_rows(w_in, in_offsets, in_rows, ctx[a], grad_h)
    return loss, preds


@njit(cache=True, nogil=True, fastmath=True)
def train_slice(mode, w_in, w_out, in_offsets, in_rows, ids, offsets, s_begin, s_end, keep_prob, neg_cum, neg_guide,
                hs, path_offsets, points, codes, window, negative, lr_start, lr_end, rng, t, stats):
    """Train sentences [s_begin, s_end) in one of word2vec's modes (SKIPGRAM, SKIPGRAM_EXACT,
    CBOW) with composed inputs; adds (loss, predictions, raw words) to stats[t].

    Per sentence: the learning rate interpolated by raw words done, the subsampling coin per
    token, then the mode's per-sentence update. Default skip-gram with hs on plain word rows
    (every word its own row alone: in_rows has V entries) runs in the C tool's direction
    (hsoftmax.py); every other case here in fastText's (_skipgram_sentence, _cbow_sentence).
    """
    dim = w_in.shape[1]
    max_len = _longest_sentence(offsets, s_begin, s_end)
    plain_paths = hs and mode == SKIPGRAM and in_rows.shape[0] == in_offsets.shape[0] - 1
    # predictions of one word: its path, or itself and its negatives
    per_word = _longest_path(path_offsets) if hs else negative + 1
    scratch = (np.empty(max_len, np.int32), np.empty(per_word, np.int32), np.empty(per_word, np.float32),
               np.empty(dim, np.float32), np.empty(dim, np.float32), np.empty(dim, np.float32))
    path_scratch = paths_scratch(max_len, per_word, dim) if plain_paths else paths_scratch(0, 0, 0)
    sent = np.empty(max_len, np.int32)
    words = (in_offsets, in_rows, hs, path_offsets, points, codes)
    neg = (neg_cum, neg_guide)
    tables = logistic_tables()
    total = max(1, offsets[s_end] - offsets[s_begin])
    done, loss, preds = 0, 0.0, 0
    for s in range(s_begin, s_end):
        lr, n = _next_sentence(ids, offsets, s, keep_prob, rng, t, sent, lr_start, lr_end, done, total)
        done += offsets[s + 1] - offsets[s]
        if mode == CBOW:
            sentence = _cbow_sentence(sent, n, w_in, w_out, words, neg, window, negative, lr, rng, t, tables,
                                      scratch)
        elif plain_paths:
            sentence = skipgram_paths_sentence(sent, n, w_in, w_out, path_offsets, points, codes, window, lr, rng,
                                               t, tables[0], tables[1], path_scratch)
        else:
            sentence = _skipgram_sentence(sent, n, w_in, w_out, words, neg, window, negative,
                                          mode == SKIPGRAM_EXACT, lr, rng, t, tables, scratch)
        loss += sentence[0]
        preds += sentence[1]
    stats[t, 0] += loss
    stats[t, 1] += preds
    stats[t, 2] += done

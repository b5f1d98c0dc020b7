"""Slow numpy twin of wordvec/_kernels/subwords.py (composed inputs, negative sampling or
hierarchical softmax), replaying the kernels' random stream.

float64, one center word and one prediction at a time, written for clarity. Random draws
happen in the kernels' order: per sentence the subsampling coins, per center its window and
then (negative sampling) each window word's negatives in turn. Skip-gram trains pair by pair
(fastText's updates); exact mode recomposes the center from its rows for every pair, the
default composes it once and moves it by each pair's gradient.
Default skip-gram with hs on plain word rows (every word its own row alone) goes the C tool's
way, as _kernels/hsoftmax.py: the window words' rows predict the center's path, one block.
"""

from __future__ import annotations

import numpy as np

from tests.reference.word2vec import (SplitMix64, _context, block_update, draw_negative, neg_log_sigmoid, sigmoid,
                                      subsampled_sentences)


def _targets(rng, word, hs, paths, negative, cumulative, guide):
    """[(out row, label)] of one predicted word: its path, or itself and its negatives."""
    if hs:
        return [(point, 1.0 - code) for code, point in zip(*paths[word])]
    drawn = [draw_negative(rng, cumulative, guide) for _ in range(negative)]
    return [(word, 1.0)] + [(c, 0.0) for c in drawn if c != word]


def _in_turn(h, targets, w_out, lr):
    """Sequential predictions; returns (gradient for h, loss); updates w_out."""
    grad_h, loss = np.zeros_like(h), 0.0
    for row, label in targets:
        dot = float(h @ w_out[row])
        g = (label - sigmoid(dot)) * lr
        loss += neg_log_sigmoid(dot) if label else neg_log_sigmoid(-dot)
        grad_h += g * w_out[row]
        w_out[row] += g * h
    return grad_h, loss


def train_slice(arch, w_in, w_out, input_rows, ids, offsets, s_begin, s_end, keep_prob, cumulative, guide,
                hs, paths, window, negative, exact, lr_start, lr_end, state):
    """input_rows[w]: the rows of w_in composing word w; paths[w]: (codes, points) root first.
    Returns (w_in, w_out, loss, predictions, words, new_state), float64."""
    w_in = np.array(w_in, dtype=np.float64)
    w_out = np.array(w_out, dtype=np.float64)
    rng = SplitMix64(state)
    loss, preds = 0.0, 0
    for lr, sent in subsampled_sentences(rng, ids, offsets, s_begin, s_end, keep_prob, lr_start, lr_end):
        for i, center in enumerate(sent):
            ctx = _context(rng, sent, i, window)
            if not ctx:
                continue
            if arch == "cbow":
                preds += 1
                bag = [r for c in ctx for r in input_rows[c]]
                grad_h, term = _in_turn(w_in[bag].mean(axis=0), _targets(rng, center, hs, paths, negative,
                                                                          cumulative, guide), w_out, lr)
                np.add.at(w_in, bag, grad_h)
                loss += term
                continue
            preds += len(ctx)
            rows = input_rows[center]
            if hs and not exact and all(len(r) == 1 for r in input_rows):
                codes, points = paths[center]
                loss += block_update(ctx, points, 1.0 - np.array(codes, dtype=np.float64), w_in, w_out, lr)
                continue
            if exact:
                for c in ctx:
                    targets = _targets(rng, c, hs, paths, negative, cumulative, guide)
                    grad_h, term = _in_turn(w_in[rows].mean(axis=0), targets, w_out, lr)
                    np.add.at(w_in, rows, grad_h)
                    loss += term
                continue
            h, total = w_in[rows].mean(axis=0), 0.0
            for c in ctx:   # the pairs in turn; h moves as recomposing it from the moved rows would
                grad_h, term = _in_turn(h, _targets(rng, c, hs, paths, negative, cumulative, guide), w_out, lr)
                h, total, loss = h + grad_h, total + grad_h, loss + term
            np.add.at(w_in, rows, total)
    return w_in, w_out, loss, preds, int(offsets[s_end] - offsets[s_begin]), rng.state

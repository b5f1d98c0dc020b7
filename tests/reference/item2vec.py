"""Slow numpy twin of wordvec/_kernels/item2vec.py, replaying the kernel's random stream.

float64, one sequence and one center item at a time, with the word2vec twin's pieces. Draws in
the kernel's order: per sequence the subsampling coins; per center its window, or past the cap
`cap` context positions; then per pair (exact) or per group of contexts (shared) the negatives.
"""

from __future__ import annotations

import numpy as np

from tests.reference.word2vec import SplitMix64, _context, _kept, _predict, shared_update


def item_contexts(rng: SplitMix64, sent: list[int], i: int, window: int, cap: int) -> list[int]:
    if window > 0:
        return _context(rng, sent, i, window)
    n = len(sent)
    if n - 1 <= cap:
        return [sent[j] for j in range(n) if j != i]
    picked = []
    for _ in range(cap):
        j = rng.below(n - 1)
        picked.append(sent[j + 1 if j >= i else j])
    return picked


def train_items(exact, w_in, w_out, ids, offsets, s_begin, s_end, keep_prob, cumulative, guide, window, cap,
                group, negative, lr_start, lr_end, state):
    """Returns (w_in, w_out, loss, predictions, items, new_state) after one slice, in float64."""
    w_in = np.array(w_in, dtype=np.float64)
    w_out = np.array(w_out, dtype=np.float64)
    rng = SplitMix64(state)
    total = max(1, int(offsets[s_end] - offsets[s_begin]))
    done, loss, preds = 0, 0.0, 0
    for s in range(s_begin, s_end):
        lr = lr_start + (lr_end - lr_start) * (done / total)
        sent = _kept(rng, ids[offsets[s]:offsets[s + 1]], keep_prob)
        done += int(offsets[s + 1] - offsets[s])
        for i, item in enumerate(sent):
            ctx = item_contexts(rng, sent, i, window, cap)
            preds += len(ctx)
            if exact:
                for c in ctx:
                    grad, pair_loss = _predict(rng, w_in[c].copy(), item, negative, cumulative, guide, w_out, lr)
                    loss += pair_loss
                    w_in[c] += grad
                continue
            for a0 in range(0, len(ctx), group):
                loss += shared_update(rng, ctx[a0:a0 + group], item, negative, cumulative, guide, w_in, w_out, lr)
    return w_in, w_out, loss, preds, done, rng.state

"""Slow numpy twin of wordvec/_kernels/word2vec.py, replaying the kernels' random stream.

Everything is float64 and written for clarity: one sentence, one center word, one matrix
product at a time. Random draws happen in exactly the kernels' order (per sentence: one per
token whose keep probability is below 1; per center word: its window, then its negatives),
so the weights must agree with the kernels up to float32 rounding. The sigmoid is exact
(the kernels interpolate a table, within 1e-5) on dots clamped to [-8, 8], as in the kernels.
"""

from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1
CLAMP = 8.0


class SplitMix64:
    """Python twin of wordvec._kernels.rng for one thread's state."""

    def __init__(self, state: int):
        self.state = int(state) & _MASK

    def u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def uniform(self) -> float:
        return (self.u64() >> 11) * (1.0 / 9007199254740992.0)

    def below(self, n: int) -> int:
        return ((self.u64() >> 32) * n) >> 32


def draw_negative(rng: SplitMix64, cumulative: np.ndarray, guide: np.ndarray) -> int:
    u = rng.uniform()
    i = int(guide[int(u * len(guide))])
    while cumulative[i] <= u:
        i += 1
    return i


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -CLAMP, CLAMP)))


def neg_log_sigmoid(x):
    """-log sigmoid(x) on the clamped dot, as the kernels report it."""
    return np.log1p(np.exp(-np.clip(x, -CLAMP, CLAMP)))


def _kept(rng, ids, keep_prob):
    return [int(w) for w in ids if keep_prob[w] >= 1.0 or rng.uniform() <= keep_prob[w]]


def _context(rng, sent, i, window):
    lo, hi = 0, len(sent)
    if window > 0:
        b = 1 + rng.below(window)
        lo, hi = max(0, i - b), min(len(sent), i + b + 1)
    return [sent[j] for j in range(lo, hi) if j != i]


def _predict(rng, h, word, negative, cumulative, guide, w_out, lr):
    """Classic sequential targets: returns (gradient for h, loss); updates w_out in place."""
    grad_h = np.zeros_like(h)
    loss = 0.0
    for k in range(negative + 1):
        target, label = word, 1.0
        if k > 0:
            target, label = draw_negative(rng, cumulative, guide), 0.0
            if target == word:
                continue
        dot = float(h @ w_out[target])
        g = (label - sigmoid(dot)) * lr
        loss += neg_log_sigmoid(dot) if label else neg_log_sigmoid(-dot)
        grad_h += g * w_out[target]
        w_out[target] += g * h
    return grad_h, loss


def subsampled_sentences(rng, ids, offsets, s_begin, s_end, keep_prob, lr_start, lr_end):
    """(learning rate, kept tokens) of each sentence of the slice, as the kernels see them: the
    rate interpolated by raw words done before the sentence, then its subsampling coins."""
    total = max(1, int(offsets[s_end] - offsets[s_begin]))
    done = 0
    for s in range(s_begin, s_end):
        lr = lr_start + (lr_end - lr_start) * (done / total)
        yield lr, _kept(rng, ids[offsets[s]:offsets[s + 1]], keep_prob)
        done += int(offsets[s + 1] - offsets[s])


def train_slice(arch, w_in, w_out, ids, offsets, s_begin, s_end, keep_prob, cumulative, guide,
                window, negative, exact, lr_start, lr_end, state):
    """Returns (w_in, w_out, loss, predictions, words, new_state) after one slice, in float64."""
    w_in = np.array(w_in, dtype=np.float64)
    w_out = np.array(w_out, dtype=np.float64)
    rng = SplitMix64(state)
    loss, preds = 0.0, 0
    for lr, sent in subsampled_sentences(rng, ids, offsets, s_begin, s_end, keep_prob, lr_start, lr_end):
        for i, word in enumerate(sent):
            ctx = _context(rng, sent, i, window)
            if not ctx:
                continue
            if arch == "cbow":
                preds += 1
                hidden = w_in[ctx].mean(axis=0)
                grad_h, pair_loss = _predict(rng, hidden, word, negative, cumulative, guide, w_out, lr)
                loss += pair_loss
                for c in ctx:
                    w_in[c] += grad_h
            elif exact:
                preds += len(ctx)
                for c in ctx:
                    grad_h, pair_loss = _predict(rng, w_in[c].copy(), word, negative, cumulative, guide,
                                                 w_out, lr)
                    loss += pair_loss
                    w_in[c] += grad_h
            else:
                preds += len(ctx)
                loss += shared_update(rng, ctx, word, negative, cumulative, guide, w_in, w_out, lr)
    return w_in, w_out, loss, preds, int(offsets[s_end] - offsets[s_begin]), rng.state


def shared_update(rng, ctx, word, negative, cumulative, guide, w_in, w_out, lr) -> float:
    """Shared negatives: one [contexts x targets] product from the old weights; returns the loss."""
    targets = [word] + [n for n in (draw_negative(rng, cumulative, guide) for _ in range(negative)) if n != word]
    labels = np.zeros(len(targets))
    labels[0] = 1.0
    return block_update(ctx, targets, labels, w_in, w_out, lr)


def block_update(ctx, targets, labels, w_in, w_out, lr) -> float:
    """Every context row against every target (label 1 or 0), all from the old weights, then
    applied; returns the loss."""
    inputs, outputs = w_in[ctx], w_out[targets]
    dots = inputs @ outputs.T
    errors = (labels[None, :] - sigmoid(dots)) * lr
    np.add.at(w_in, ctx, errors @ outputs)
    np.add.at(w_out, targets, errors.T @ inputs)
    losses = np.where(labels[None, :] > 0, neg_log_sigmoid(dots), neg_log_sigmoid(-dots))
    return float(losses.sum())


def sample_negatives_reference(cumulative: np.ndarray, guide: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Vectorised twin of the kernels' draw: rows for uniforms in [0, 1) (for tests and checks)."""
    return np.searchsorted(cumulative, np.asarray(uniforms, dtype=np.float64), side="right").astype(np.int32)

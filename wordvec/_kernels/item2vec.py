"""item2vec kernel: skip-gram with negative sampling on item sequences (users, sessions, baskets).

The same model as word2vec's skip-gram (each context item's input row predicts the center
item's output row against sampled negatives; the helpers are word2vec's), with what item
data needs:

- the context of an item is its whole sequence (window 0; order inside a basket means
  nothing), or word2vec's dynamic window (window > 0);
- a sequence of n items has n (n - 1) pairs: past `cap` other items, a center gets `cap`
  contexts drawn uniformly (with replacement) from the rest of its sequence instead of all
  n - 1, so a user with 10,000 items costs 10,000 x cap pairs, not 10^8;
- the update rule stays right for any number of contexts: per pair (exact=True, fresh
  negatives for every pair, as the C tool) or with shared negatives over bounded groups of
  at most `group` contexts (exact=False). word2vec's shared mode uses one set of negatives
  for a whole window; over a whole sequence of a thousand items that adds a thousand
  gradients to the same few output rows in one step, a different (and divergent) objective.

Arguments as in _kernels/word2vec.py (w_in, w_out, ids, offsets, keep_prob, neg_cum, neg_guide,
lr_start/lr_end, rng, t, stats), plus cap and group.

Random draws, in order (tests/reference/item2vec.py replays them): per sequence, one per item
whose keep probability is below 1; per center, its window (window > 0: one draw) or, past the
cap, `cap` draws of context positions; then per pair (exact) or per group (shared) `negative`
draws.
"""

import numpy as np
from numba import njit

from .rng import next_below
from .word2vec import (_context, _longest_sentence, _pair_update, _shared_update, _subsample, _targets,
                       logistic_tables)


@njit(inline="always", nogil=True, cache=True)
def _item_contexts(sent, n, i, window, cap, rng, t, ctx):
    """Fill ctx with the contexts of sent[i]; return how many.

    window > 0: word2vec's dynamic window. window 0: every other item of the sequence, or, when
    there are more than `cap`, `cap` of them drawn uniformly with replacement.
    """
    if window > 0:
        return _context(sent, n, i, window, rng, t, ctx)
    if n - 1 <= cap:
        k = 0
        for j in range(n):
            if j != i:
                ctx[k] = sent[j]
                k += 1
        return k
    for k in range(cap):
        j = next_below(rng, t, n - 1)     # a position other than i
        if j >= i:
            j += 1
        ctx[k] = sent[j]
    return cap


@njit(cache=True, nogil=True, fastmath=True)
def train_items(exact, w_in, w_out, ids, offsets, s_begin, s_end, keep_prob, neg_cum, neg_guide, window, cap,
                group, negative, lr_start, lr_end, rng, t, stats):
    """Train sequences [s_begin, s_end); adds (loss, predictions, items) to stats[t]."""
    dim = w_in.shape[1]
    sig, nls = logistic_tables()
    max_len = _longest_sentence(offsets, s_begin, s_end)
    longest_context = min(max_len, cap) if window == 0 else 2 * window
    sent = np.empty(max_len, np.int32)
    ctx = np.empty(max(longest_context, 1), np.int32)
    targets = np.empty(negative + 1, np.int32)
    grad = np.empty(dim, np.float32)
    width = 1 if exact else group
    ctx_delta = np.empty((width, dim), np.float32)
    out_delta = np.empty((negative + 1, dim), np.float32)
    total = max(1, offsets[s_end] - offsets[s_begin])
    done, loss, preds = 0, 0.0, 0
    for s in range(s_begin, s_end):
        lr = np.float32(lr_start + (lr_end - lr_start) * (done / total))
        n = _subsample(ids, offsets[s], offsets[s + 1], keep_prob, rng, t, sent)
        done += offsets[s + 1] - offsets[s]
        for i in range(n):
            n_ctx = _item_contexts(sent, n, i, window, cap, rng, t, ctx)
            preds += n_ctx
            if exact:
                # per pair: fresh negatives, each context row moves right after its prediction
                for a in range(n_ctx):
                    loss += _pair_update(w_in[ctx[a]], sent[i], negative, neg_cum, neg_guide, rng, t, targets,
                                         w_out, lr, grad, sig, nls)
                continue
            # shared negatives per group of at most `group` contexts, gradients from the old weights
            for a0 in range(0, n_ctx, group):
                a1 = min(n_ctx, a0 + group)
                n_t = _targets(sent[i], negative, neg_cum, neg_guide, rng, t, targets)
                loss += _shared_update(ctx[a0:a1], a1 - a0, targets, n_t, w_in, w_out, lr, sig, nls, ctx_delta,
                                       out_delta, None)
    stats[t, 0] += loss
    stats[t, 1] += preds
    stats[t, 2] += done

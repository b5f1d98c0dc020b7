"""word2vec kernels: skip-gram and CBOW with negative sampling over a slice of sentences.

One call of train_slice trains one thread's contiguous slice of sentences [s_begin, s_end) of a chunk. Python
threads call these kernels concurrently (nogil) on disjoint slices and share only the weight
matrices, Hogwild, as the C tool does. Names: w_in is word2vec's syn0 (input/word vectors),
w_out its syn1neg (output/context vectors).

Shared arguments (all C-contiguous):
  w_in, w_out   float32 [V, D]      updated in place
  ids           int32 [N]           encoded corpus; offsets int64 [S+1] sentence bounds
  keep_prob     float64 [V]         subsampling keep probability (tables.keep_probabilities)
  neg_cum       float64 [V]         cumulative count**ns_exponent; neg_guide int32 [M] (tables.negative_table)
  window        int                 max distance; the effective one is drawn in 1..window per word;
                                    0 = the whole (subsampled) sentence is the context (item2vec)
  lr_start/end  float               learning rate at the start and end of the slice, interpolated
                                    per sentence by raw words processed
  rng           uint64 [T]          per-thread splitmix64 states; this thread uses rng[t]
  stats         float64 [T, 3]      this thread adds (loss sum, predictions, raw words) to stats[t]

Kernels use fastmath=True: float32 sums may be reassociated (vectorised), so results differ from
a strict left-to-right sum in the last bits; one thread with one seed still repeats exactly.
The sigmoid and -log sigmoid come from a 1026-entry table over [-8, 8] with linear interpolation
(error below 1e-5), as the C tool's table does without interpolation over [-6, 6].

The order of random draws (per sentence: one per token whose keep_prob < 1; per center word: one
for its window, then the negatives) is part of the contract: tests/reference/word2vec.py
replays the same stream in numpy.
"""

import numpy as np
from numba import njit, types
from numba.extending import overload

from .prefetch import prefetch_row
from .rng import next_below, next_float

_LIMIT = 8.0               # sigmoid(8) = 0.99966: dots are clamped to [-LIMIT, LIMIT]
_CLAMP = np.float32(_LIMIT)
_TABLE_SIZE = 1024         # table steps over [-8, 8]; linear interpolation keeps the error below 1e-5
_STEPS_PER_UNIT = _TABLE_SIZE / (2 * _LIMIT)
_SCALE = np.float32(_STEPS_PER_UNIT)
_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)
_SLOTS = 2                 # centers whose draws are held at once: the one training and the next one


@njit(nogil=True, cache=True)
def logistic_tables():
    """sigmoid(x) and -log sigmoid(x) at TABLE_SIZE + 2 points from -8 (one spare for interpolation)."""
    sig = np.empty(_TABLE_SIZE + 2, np.float32)
    nls = np.empty(_TABLE_SIZE + 2, np.float32)
    for i in range(_TABLE_SIZE + 2):
        x = -_LIMIT + i / _STEPS_PER_UNIT
        sig[i] = 1.0 / (1.0 + np.exp(-x))
        nls[i] = np.log1p(np.exp(-x))
    return sig, nls


@njit(inline="always", nogil=True, cache=True)
def _draw_negative(neg_cum, neg_guide, rng, t):
    """A row with probability proportional to count**ns_exponent (guide table + short walk)."""
    u = next_float(rng, t)
    i = neg_guide[np.int64(u * neg_guide.shape[0])]
    while neg_cum[i] <= u:
        i += 1
    return i


@njit(inline="always", nogil=True, cache=True)
def _logistic(dot, sig, nls):
    """(sigmoid(x), -log sigmoid(x), x) for x = dot clamped to [-8, 8], interpolated from the tables.

    exp and log per dot product cost as much as the dot products themselves; the tables do not.
    -log sigmoid(-x) = -log sigmoid(x) + x gives the negatives' loss from the same entry.
    """
    x = min(max(dot, -_CLAMP), _CLAMP)
    pos = (x + _CLAMP) * _SCALE
    i = np.int64(pos)
    frac = pos - np.float32(i)
    return (sig[i] + frac * (sig[i + 1] - sig[i]), nls[i] + frac * (nls[i + 1] - nls[i]), x)


@njit(inline="always", nogil=True, cache=True)
def _longest_sentence(offsets, s_begin, s_end):
    """Length of the longest sentence in [s_begin, s_end): the size of the per-thread scratch."""
    longest = 1
    for s in range(s_begin, s_end):
        longest = max(longest, offsets[s + 1] - offsets[s])
    return longest


@njit(inline="always", nogil=True, cache=True)
def _subsample(ids, begin, end, keep_prob, rng, t, sent):
    """Copy the kept tokens of ids[begin:end] into sent; word2vec's per-token, per-epoch coin."""
    n = 0
    for p in range(begin, end):
        w = ids[p]
        if keep_prob[w] >= 1.0 or next_float(rng, t) <= keep_prob[w]:
            sent[n] = w
            n += 1
    return n


@njit(inline="always", nogil=True, cache=True)
def _next_sentence(ids, offsets, s, keep_prob, rng, t, sent, lr_start, lr_end, done, total):
    """(learning rate, kept tokens) for sentence s: the rate interpolated by the raw words done
    before it, then its subsampling coins into sent."""
    lr = np.float32(lr_start + (lr_end - lr_start) * (done / total))
    return lr, _subsample(ids, offsets[s], offsets[s + 1], keep_prob, rng, t, sent)


@njit(inline="always", nogil=True, cache=True)
def _context(sent, n, i, window, rng, t, ctx):
    """Fill ctx with the words around sent[i] (dynamic window); return how many."""
    lo, hi = 0, n
    if window > 0:
        b = 1 + next_below(rng, t, window)
        lo, hi = max(0, i - b), min(n, i + b + 1)
    k = 0
    for j in range(lo, hi):
        if j != i:
            ctx[k] = sent[j]
            k += 1
    return k


@njit(inline="always", nogil=True, cache=True)
def _targets(word, negative, neg_cum, neg_guide, rng, t, targets):
    """targets[0] = the true word, then negatives; a negative equal to it is dropped (as in C)."""
    targets[0] = word
    n = 1
    for _ in range(negative):
        c = _draw_negative(neg_cum, neg_guide, rng, t)
        if c != word:
            targets[n] = c
            n += 1
    return n


@njit(inline="always", nogil=True, cache=True)
def _pair_error(dot, is_word, lr, sig, nls):
    """(lr * (label - sigmoid(dot)), loss) for one target: label 1 for the word, 0 for a negative."""
    f, softplus, x = _logistic(dot, sig, nls)
    if is_word:
        return (_ONE - f) * lr, softplus    # push sigmoid(dot) towards 1
    return -f * lr, softplus + x            # push it towards 0: -log sigmoid(-x)


def _label_is_one(codes, k, first):
    """Whether target k is trained towards 1 (`first`: k may be 0); compiled per type of codes."""
    raise NotImplementedError("only callable from kernels")


@overload(_label_is_one, inline="always")
def _label_is_one_kernel(codes, k, first):
    """codes None (negative sampling): target 0 is the word, the rest negatives, so a target
    known not to be the first is a constant False (the test compiles away). codes an array
    (hierarchical softmax, the Huffman codes of a path): label 1 - code, as in the C tool."""
    if isinstance(codes, types.NoneType):
        return lambda codes, k, first: first & (k == 0)
    return lambda codes, k, first: codes[k] == 0


@njit(inline="always", nogil=True, cache=True)
def _error(h, out, is_word, lr, sig, nls):
    """_pair_error of the dot product h . out."""
    dot = _ZERO
    for d in range(h.shape[0]):
        dot += h[d] * out[d]
    return _pair_error(dot, is_word, lr, sig, nls)


@njit(inline="always", nogil=True, cache=True)
def _predict_and_update_outputs(h, targets, n_t, w_out, lr, grad_h, sig, nls):
    """One prediction from hidden vector h against targets[:n_t] (targets[0] is the true word):
    updates those w_out rows in place and adds the gradient for h to grad_h (the caller applies it).

    Classic word2vec order: each target's error uses w_out before its own update. Returns loss.
    """
    loss = 0.0
    for k in range(n_t):
        out = w_out[targets[k]]
        g, target_loss = _error(h, out, k == 0, lr, sig, nls)
        loss += target_loss
        for d in range(h.shape[0]):
            grad_h[d] += g * out[d]      # gradient for h, from the old output row
            out[d] += g * h[d]           # apply the output gradient
    return loss


@njit(inline="always", nogil=True, cache=True)
def _draw_into(sent, n, i, window, negative, neg_cum, neg_guide, rng, t, ctx, targets, sizes, w_in, w_out):
    """Draw center i's window and negatives into (ctx, targets, sizes) and prefetch their rows.

    No negatives are drawn for an empty window.
    """
    n_ctx = _context(sent, n, i, window, rng, t, ctx)
    n_t = 0
    if n_ctx > 0:
        n_t = _targets(sent[i], negative, neg_cum, neg_guide, rng, t, targets)
        for k in range(n_t):
            prefetch_row(w_out, targets[k])
        for a in range(n_ctx):
            prefetch_row(w_in, ctx[a])
    sizes[0] = n_ctx
    sizes[1] = n_t


@njit(inline="always", nogil=True, cache=True)
def _center_draws(sent, n, i, window, negative, neg_cum, neg_guide, rng, t, ctx_slots, target_slots, sizes,
                  w_in, w_out):
    """(contexts, n_ctx, targets, n_t) of center i, whose draws sit in slot i % 2.

    Center i+1's draws are made now, into the other slot, so the rows they name are fetched
    while center i computes. The random stream keeps its order (window, negatives, next
    center...), so results equal drawing each center's values when it is trained.
    """
    if i == 0:
        _draw_into(sent, n, 0, window, negative, neg_cum, neg_guide, rng, t, ctx_slots[0], target_slots[0],
                   sizes[0], w_in, w_out)
    if i + 1 < n:
        nxt = (i + 1) % _SLOTS
        _draw_into(sent, n, i + 1, window, negative, neg_cum, neg_guide, rng, t, ctx_slots[nxt],
                   target_slots[nxt], sizes[nxt], w_in, w_out)
    cur = i % _SLOTS
    return ctx_slots[cur], sizes[cur, 0], target_slots[cur], sizes[cur, 1]


@njit(inline="always", nogil=True, cache=True)
def _pair_update(row, word, negative, neg_cum, neg_guide, rng, t, targets, w_out, lr, grad_in, sig, nls):
    """One (context, word) pair as its own prediction: the context's input row `row` against the
    word and fresh negatives; the output rows move at once, the input row right after. Returns loss."""
    grad_in[:] = _ZERO
    n_t = _targets(word, negative, neg_cum, neg_guide, rng, t, targets)
    loss = _predict_and_update_outputs(row, targets, n_t, w_out, lr, grad_in, sig, nls)
    for d in range(row.shape[0]):
        row[d] += grad_in[d]
    return loss


@njit(inline="always", nogil=True, cache=True)
def _skipgram_exact_sentence(sent, n, w_in, w_out, neg_cum, neg_guide, window, negative, lr, rng, t, sig, nls,
                             ctx, targets, grad_in):
    """The C tool's skip-gram on one subsampled sentence: every (context, center) pair is its own
    prediction with fresh negatives, and the context row moves right after it. Returns (loss, predictions)."""
    loss, preds = 0.0, 0
    for i in range(n):
        n_ctx = _context(sent, n, i, window, rng, t, ctx)
        preds += n_ctx
        for a in range(n_ctx):
            loss += _pair_update(w_in[ctx[a]], sent[i], negative, neg_cum, neg_guide, rng, t, targets, w_out, lr,
                                 grad_in, sig, nls)
    return loss, preds


@njit(inline="always", nogil=True, cache=True)
def _window_deltas(w_in, w_out, ctx, n_ctx, targets, n_t, lr, sig, nls, ctx_delta, out_delta, codes):
    """Errors and both gradients of one window, all from the old weights; returns the loss.

    For every pair, g = lr * (label - sigmoid(w_in[ctx[a]] . w_out[targets[k]])), the label from
    _label_is_one(codes, k, ...) (codes None: targets[0] is the word; else a Huffman path's codes); then
    ctx_delta = G @ W_out[targets] and out_delta = G^T @ W_in[ctx]. Pairs go in 2 x 2 blocks
    (two contexts by two targets): one pass over the dimensions loads four rows and feeds four
    dot products, a second updates four deltas with two products each, twice the arithmetic
    per load of one pair at a time. At an odd edge the last row stands in twice, with a zero
    error and its duplicate loss not counted.
    """
    dim = w_in.shape[1]
    ctx_delta[:n_ctx, :] = _ZERO
    out_delta[:n_t, :] = _ZERO
    loss = 0.0
    for a in range(0, n_ctx, 2):
        a1 = min(a + 1, n_ctx - 1)
        c0, c1 = ctx[a], ctx[a1]
        for k in range(0, n_t, 2):
            k1 = min(k + 1, n_t - 1)
            t0, t1 = targets[k], targets[k1]
            d00, d01, d10, d11 = _ZERO, _ZERO, _ZERO, _ZERO
            for d in range(dim):
                r0, r1, o0, o1 = w_in[c0, d], w_in[c1, d], w_out[t0, d], w_out[t1, d]
                d00 += r0 * o0
                d01 += r0 * o1
                d10 += r1 * o0
                d11 += r1 * o1
            one0, one1 = _label_is_one(codes, k, True), _label_is_one(codes, k1, False)
            g00, pair_loss = _pair_error(d00, one0, lr, sig, nls)
            loss += pair_loss
            g01, g10, g11 = _ZERO, _ZERO, _ZERO
            if k1 != k:
                g01, pair_loss = _pair_error(d01, one1, lr, sig, nls)
                loss += pair_loss
            if a1 != a:
                g10, pair_loss = _pair_error(d10, one0, lr, sig, nls)
                loss += pair_loss
                if k1 != k:
                    g11, pair_loss = _pair_error(d11, one1, lr, sig, nls)
                    loss += pair_loss
            for d in range(dim):
                r0, r1, o0, o1 = w_in[c0, d], w_in[c1, d], w_out[t0, d], w_out[t1, d]
                ctx_delta[a, d] += g00 * o0 + g01 * o1
                ctx_delta[a1, d] += g10 * o0 + g11 * o1
                out_delta[k, d] += g00 * r0 + g10 * r1
                out_delta[k1, d] += g01 * r0 + g11 * r1
    return loss


@njit(inline="always", nogil=True, cache=True)
def _shared_update(ctx, n_ctx, targets, n_t, w_in, w_out, lr, sig, nls, ctx_delta, out_delta, codes):
    """Contexts ctx[:n_ctx] against one shared set of targets: targets[0] the true word and
    negatives (codes None), or the inner nodes of the center's Huffman path with their codes.

    The [contexts x targets] errors and both gradients are computed from the old weights
    (_window_deltas), then applied, so each output row is read and written once for all these
    contexts (Ji et al. 2016). ctx_delta [>= n_ctx, D] and out_delta [>= n_t, D] are scratch.
    Returns the loss.
    """
    dim = w_in.shape[1]
    loss = _window_deltas(w_in, w_out, ctx, n_ctx, targets, n_t, lr, sig, nls, ctx_delta, out_delta, codes)
    for k in range(n_t):
        row = targets[k]
        for d in range(dim):
            w_out[row, d] += out_delta[k, d]
    for a in range(n_ctx):
        row = ctx[a]
        for d in range(dim):
            w_in[row, d] += ctx_delta[a, d]
    return loss


@njit(inline="always", nogil=True, cache=True)
def _skipgram_shared_sentence(sent, n, w_in, w_out, neg_cum, neg_guide, window, negative, lr, rng, t, sig, nls,
                              scratch):
    """Skip-gram with one shared set of negatives per center word on one subsampled sentence
    (_shared_update over the center's whole window, its pairs in 2 x 2 blocks). The next
    center's window and negatives are drawn one step ahead and their rows prefetched.
    Returns (loss, predictions).
    """
    ctx_slots, target_slots, sizes, ctx_delta, out_delta = scratch
    loss, preds = 0.0, 0
    for i in range(n):
        ctx, n_ctx, targets, n_t = _center_draws(sent, n, i, window, negative, neg_cum, neg_guide, rng, t,
                                                 ctx_slots, target_slots, sizes, w_in, w_out)
        if n_ctx == 0:
            continue
        preds += n_ctx
        loss += _shared_update(ctx, n_ctx, targets, n_t, w_in, w_out, lr, sig, nls, ctx_delta, out_delta, None)
    return loss, preds


@njit(inline="always", nogil=True, cache=True)
def _cbow_sentence(sent, n, w_in, w_out, neg_cum, neg_guide, window, negative, lr, rng, t, sig, nls, scratch):
    """CBOW on one subsampled sentence: the mean of the context vectors predicts the center.

    As in the C tool (and gensim's cbow_mean), the full gradient of the mean is added to every
    context row. The next center's window and negatives are drawn one step ahead (the random
    stream keeps its order) so their rows are already on their way while this one computes.
    Returns (loss, predictions).
    """
    ctx_slots, target_slots, sizes, hidden, grad_h = scratch
    dim = w_in.shape[1]
    loss, preds = 0.0, 0
    for i in range(n):
        ctx, n_ctx, targets, n_t = _center_draws(sent, n, i, window, negative, neg_cum, neg_guide, rng, t,
                                                 ctx_slots, target_slots, sizes, w_in, w_out)
        if n_ctx == 0:
            continue
        preds += 1
        # hidden layer: mean of the context input vectors
        hidden[:] = _ZERO
        for a in range(n_ctx):
            row = w_in[ctx[a]]
            for d in range(dim):
                hidden[d] += row[d]
        inv = _ONE / np.float32(n_ctx)
        for d in range(dim):
            hidden[d] *= inv
        grad_h[:] = _ZERO
        loss += _predict_and_update_outputs(hidden, targets, n_t, w_out, lr, grad_h, sig, nls)
        # apply the hidden gradient to every context row
        for a in range(n_ctx):
            row = w_in[ctx[a]]
            for d in range(dim):
                row[d] += grad_h[d]
    return loss, preds


# What train_slice trains (Word2VecConfig: arch and exact).
SKIPGRAM = 0        # skip-gram, shared negatives per center word
SKIPGRAM_EXACT = 1  # skip-gram, the C tool's per-pair updates
CBOW = 2


@njit(cache=True, nogil=True, fastmath=True)
def train_slice(mode, w_in, w_out, ids, offsets, s_begin, s_end, keep_prob, neg_cum, neg_guide,
                window, negative, lr_start, lr_end, rng, t, stats):
    """Train sentences [s_begin, s_end) in one of the modes above; adds (loss, predictions,
    raw words) to stats[t].

    Per sentence: the learning rate interpolated by raw words done, the subsampling coin per
    token, then the mode's per-sentence update (_skipgram_shared_sentence,
    _skipgram_exact_sentence or _cbow_sentence).
    """
    dim = w_in.shape[1]
    sig, nls = logistic_tables()
    max_len = _longest_sentence(offsets, s_begin, s_end)
    sent = np.empty(max_len, np.int32)
    # two centers' draws (see _center_draws): contexts, targets, sizes
    ctx_slots = np.empty((_SLOTS, max_len), np.int32)
    target_slots = np.empty((_SLOTS, negative + 1), np.int32)
    sizes = np.zeros((_SLOTS, 2), np.int64)
    grad = np.empty(dim, np.float32)
    if mode == SKIPGRAM:  # per center: context and output row deltas
        shared_scratch = (ctx_slots, target_slots, sizes, np.empty((max_len, dim), np.float32),
                          np.empty((negative + 1, dim), np.float32))
    else:
        shared_scratch = (ctx_slots, target_slots, sizes, np.empty((0, 0), np.float32), np.empty((0, 0), np.float32))
    cbow_scratch = (ctx_slots, target_slots, sizes, np.empty(dim, np.float32), grad)
    total = max(1, offsets[s_end] - offsets[s_begin])
    done, loss, preds = 0, 0.0, 0
    for s in range(s_begin, s_end):
        lr, n = _next_sentence(ids, offsets, s, keep_prob, rng, t, sent, lr_start, lr_end, done, total)
        done += offsets[s + 1] - offsets[s]
        if mode == SKIPGRAM:
            sentence = _skipgram_shared_sentence(sent, n, w_in, w_out, neg_cum, neg_guide, window, negative, lr,
                                                 rng, t, sig, nls, shared_scratch)
        elif mode == SKIPGRAM_EXACT:
            sentence = _skipgram_exact_sentence(sent, n, w_in, w_out, neg_cum, neg_guide, window, negative, lr,
                                                rng, t, sig, nls, ctx_slots[0], target_slots[0], grad)
        else:
            sentence = _cbow_sentence(sent, n, w_in, w_out, neg_cum, neg_guide, window, negative, lr, rng, t,
                                      sig, nls, cbow_scratch)
        loss += sentence[0]
        preds += sentence[1]
    stats[t, 0] += loss
    stats[t, 1] += preds
    stats[t, 2] += done


@njit(cache=True, nogil=True)
def sample_negatives(neg_cum, neg_guide, rng, t, count):
    """`count` draws of the kernels' negative sampler (for tests and diagnostics)."""
    out = np.empty(count, np.int32)
    for i in range(count):
        out[i] = _draw_negative(neg_cum, neg_guide, rng, t)
    return out

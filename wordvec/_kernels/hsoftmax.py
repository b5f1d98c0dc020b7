"""Skip-gram with hierarchical softmax on plain word rows (no subwords), in the C tool's
direction: each window word's own input row predicts the center's Huffman path.

For a center c with path (points, codes) and window words x_1..x_m, the C tool (and gensim)
trains, pair by pair, sigmoid(w_in[x_a] . w_out[point_k]) towards 1 - code_k. Here a center's
whole [window words x path nodes] block is one step, as negative sampling's default skip-gram
takes its [window words x targets] block (word2vec.py, _shared_update): every error comes from
the old weights, in 2 x 2 blocks of (window word, node) pairs, then each input and each node
row is written once. The path plays the part of the shared targets, with per-node labels.

fastText's direction (the center predicts each window word's path, subwords.py) costs one
dot product per (window word, node) too, but its paths differ per window word, so its rows
cannot be shared in blocks; and it merges the root, on every path, into one prediction.

Random draws: per sentence the subsampling coins, per center one draw for its window, and
nothing else (hs draws no negatives): the same stream as every hs mode of subwords.py. The
next center's window is drawn one step early so its path and window rows load while this
center computes; tests/reference/subwords.py replays the stream and the update in numpy.
"""

import numpy as np
from numba import njit

from .prefetch import prefetch_row
from .word2vec import _context, _shared_update

SLOTS = 2   # centers whose windows are held at once: the one training and the next one


@njit(inline="always", nogil=True, cache=True)
def _draw_window(sent, n, i, window, rng, t, ctx, sizes, slot, w_in, w_out, path_offsets, points):
    """Center i's window into ctx; hint its path's node rows and its window's rows."""
    n_ctx = _context(sent, n, i, window, rng, t, ctx)
    if n_ctx > 0:
        word = sent[i]
        for p in range(path_offsets[word], path_offsets[word + 1]):
            prefetch_row(w_out, points[p])
        for a in range(n_ctx):
            prefetch_row(w_in, ctx[a])
    sizes[slot] = n_ctx


@njit(inline="always", nogil=True, cache=True)
def skipgram_paths_sentence(sent, n, w_in, w_out, path_offsets, points, codes, window, lr, rng, t, sig, nls,
                            scratch):
    """Skip-gram with hierarchical softmax on one subsampled sentence; returns (loss, predictions).

    scratch: ctx_slots int32 [SLOTS, >= n], sizes int64 [SLOTS], ctx_delta float32 [>= n, D],
    node_delta float32 [>= longest path, D].
    """
    ctx_slots, sizes, ctx_delta, node_delta = scratch
    loss, preds = 0.0, 0
    for i in range(n):
        if i == 0:
            _draw_window(sent, n, 0, window, rng, t, ctx_slots[0], sizes, 0, w_in, w_out, path_offsets, points)
        if i + 1 < n:
            nxt = (i + 1) % SLOTS
            _draw_window(sent, n, i + 1, window, rng, t, ctx_slots[nxt], sizes, nxt, w_in, w_out, path_offsets,
                         points)
        cur = i % SLOTS
        n_ctx = sizes[cur]
        if n_ctx == 0:
            continue
        preds += n_ctx
        first, last = path_offsets[sent[i]], path_offsets[sent[i] + 1]
        loss += _shared_update(ctx_slots[cur], n_ctx, points[first:last], last - first, w_in, w_out, lr, sig, nls,
                               ctx_delta, node_delta, codes[first:last])
    return loss, preds


@njit(inline="always", nogil=True, cache=True)
def paths_scratch(max_len, longest_path, dim):
    """The scratch of skipgram_paths_sentence for sentences of up to max_len kept tokens."""
    return (np.empty((SLOTS, max_len), np.int32), np.zeros(SLOTS, np.int64), np.empty((max_len, dim), np.float32),
            np.empty((longest_path, dim), np.float32))

"""GloVe's AdaGrad epoch over the non-zero co-occurrences, one thread's share at a time.

For an entry (i, j, x) the model predicts log x by w_i . c_j + b_i + b~_j; the cost is
0.5 * f(x) * diff^2 with f(x) = min(1, (x / x_max)^alpha). An entry is stored as 12 bytes
(i, j, log x): f(x) is recomputed at each visit as exp(alpha * (log x - log x_max)). The update follows Stanford
GloVe's glove.c: per component, g = clip(f * diff * other, +-clip) * lr; the step is
g / sqrt(G) with G (initialised to 1) accumulating g^2 *after* the step; word and context
vectors both step from their old values; the biases step by f * diff / sqrt(G_b) (glove.c
applies no learning rate to the bias step) and accumulate (f * diff)^2.

Entries are visited in a fresh pseudo-random order each epoch: position p of the epoch maps
to entry permuted_index(p) of a keyed bijection, so no permutation array is materialised.
"""

import numpy as np
from numba import njit

from .rng import MIX1, MIX2

# fastmath without nnan/ninf, so the divergence check still sees NaN and inf
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}



@njit(inline="always", nogil=True, cache=True)
def permuted_index(p, n, bits, key1, key2):
    """A bijection of [0, n) onto itself, keyed by (key1, key2).

    Every step is invertible modulo 2**bits (add a key, xor with a right shift, multiply by
    an odd constant), so it permutes [0, 2**bits); values landing at or beyond n are mapped
    again ("cycle walking"), which keeps it a bijection of [0, n). 2**bits < 2n, so fewer
    than two rounds on average.
    """
    mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    shift = np.uint64((bits + 1) // 2)
    k1 = np.uint64(key1)
    k2 = np.uint64(key2)
    x = np.uint64(p)
    while True:
        x = (x + k1) & mask
        x ^= x >> shift
        x = (x * MIX1) & mask
        x ^= x >> shift
        x = (x * MIX2) & mask
        x ^= x >> shift
        x = (x + k2) & mask
        if x < np.uint64(n):
            return np.int64(x)


@njit(cache=True, nogil=True, fastmath=_FASTMATH, error_model="numpy")
def glove_slice(rows, cols, log_x, first, last, bits, key1, key2,
                w, c, bw, bc, gw, gc, gbw, gbc, lr, clip, log_x_max, alpha):
    """Train on epoch positions [first, last); returns the summed cost (float64).

    rows, cols: int32 [N] word and context ids; log_x: float32 [N] log X_ij. w, c: float32
    [V, D] word and context vectors; bw, bc: float32 [V] biases; gw, gc, gbw, gbc: their
    AdaGrad sums of squared steps (same shapes), updated in place. log_x_max, alpha: the
    weighting f. Returns NaN as soon as an entry's error is not finite (the caller stops).
    """
    n = rows.shape[0]
    dim = w.shape[1]
    lr32 = np.float32(lr)
    clip32 = np.float32(clip)
    log_x_max32 = np.float32(log_x_max)
    alpha32 = np.float32(alpha)
    cost = 0.0
    for p in range(first, last):
        e = permuted_index(p, n, bits, key1, key2)
        i = rows[e]
        j = cols[e]
        target = log_x[e]
        # f(X_ij) = min(1, (X_ij / x_max)^alpha), from the logarithm
        weight = np.float32(1.0) if target >= log_x_max32 else np.exp(alpha32 * (target - log_x_max32))
        # prediction error of log X_ij
        dot = np.float32(0.0)
        for d in range(dim):
            dot += w[i, d] * c[j, d]
        diff = dot + bw[i] + bc[j] - target
        fdiff = weight * diff
        if not (np.isfinite(diff) and np.isfinite(fdiff)):
            return np.nan
        cost += 0.5 * np.float64(fdiff) * np.float64(diff)
        # AdaGrad on both vectors from their old values, clipped like glove.c
        for d in range(dim):
            wi = w[i, d]
            cj = c[j, d]
            step_w = min(max(fdiff * cj, -clip32), clip32) * lr32
            step_c = min(max(fdiff * wi, -clip32), clip32) * lr32
            w[i, d] = wi - step_w / np.sqrt(gw[i, d])
            c[j, d] = cj - step_c / np.sqrt(gc[j, d])
            gw[i, d] += step_w * step_w
            gc[j, d] += step_c * step_c
        # biases: unscaled step, as glove.c
        bw[i] -= fdiff / np.sqrt(gbw[i])
        bc[j] -= fdiff / np.sqrt(gbc[j])
        gbw[i] += fdiff * fdiff
        gbc[j] += fdiff * fdiff
    return cost


@njit(cache=True, nogil=True, fastmath=_FASTMATH, error_model="numpy")
def log_values(vals):
    """In place, once per training: X_ij becomes log X_ij, the target (float32 [N])."""
    for e in range(vals.shape[0]):
        vals[e] = np.float32(np.log(np.float64(vals[e])))

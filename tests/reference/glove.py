"""Slow numpy twin of wordvec._kernels.glove: one GloVe AdaGrad epoch, entry by entry.

Follows Stanford GloVe's glove.c update; see the kernel's docstring for the rule.
"""

from __future__ import annotations

import numpy as np

_MASK64 = (1 << 64) - 1
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


def permuted_index(p: int, n: int, bits: int, key1: int, key2: int) -> int:
    """Pure-Python twin of the kernel's keyed bijection of [0, n)."""
    mask = (1 << bits) - 1
    shift = (bits + 1) // 2
    x = p
    while True:
        x = (x + key1) & mask
        x ^= x >> shift
        x = (x * _M1) & _MASK64 & mask
        x ^= x >> shift
        x = (x * _M2) & _MASK64 & mask
        x ^= x >> shift
        x = (x + key2) & mask
        if x < n:
            return x


def glove_epoch(rows, cols, vals, order, w, c, bw, bc, gw, gc, gbw, gbc, lr, x_max, alpha, clip=100.0):
    """Apply the updates for entries in `order` to the arrays in place; return the summed cost."""
    cost = 0.0
    for e in order:
        i, j, x = int(rows[e]), int(cols[e]), float(vals[e])
        diff = float(w[i] @ c[j]) + bw[i] + bc[j] - np.log(x)
        f = 1.0 if x > x_max else (x / x_max) ** alpha
        fdiff = f * diff
        cost += 0.5 * fdiff * diff
        step_w = np.clip(fdiff * c[j], -clip, clip) * lr
        step_c = np.clip(fdiff * w[i], -clip, clip) * lr
        w[i] -= step_w / np.sqrt(gw[i])
        c[j] -= step_c / np.sqrt(gc[j])
        gw[i] += step_w ** 2
        gc[j] += step_c ** 2
        bw[i] -= fdiff / np.sqrt(gbw[i])
        bc[j] -= fdiff / np.sqrt(gbc[j])
        gbw[i] += fdiff ** 2
        gbc[j] += fdiff ** 2
    return cost

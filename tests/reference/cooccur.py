"""Brute-force co-occurrence counting in plain Python: the oracle for wordvec._kernels.cooccur."""

from __future__ import annotations

import numpy as np


def count_pairs(sentences: list[list[int]], window: int, symmetric: bool = True,
                distance_weighting: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, vals) sorted by (row, col): for every word, each of the `window` words to its
    left in the same sentence adds 1/distance (or 1) to (left, right), and with `symmetric`
    also to (right, left)."""
    counts: dict[tuple[int, int], float] = {}
    for sentence in sentences:
        for j, right in enumerate(sentence):
            for k in range(max(0, j - window), j):
                left = sentence[k]
                weight = 1.0 / (j - k) if distance_weighting else 1.0
                counts[(left, right)] = counts.get((left, right), 0.0) + weight
                if symmetric:
                    counts[(right, left)] = counts.get((right, left), 0.0) + weight
    keys = sorted(counts)
    rows = np.array([r for r, _ in keys], dtype=np.int32)
    cols = np.array([c for _, c in keys], dtype=np.int32)
    vals = np.array([counts[k] for k in keys], dtype=np.float64)
    return rows, cols, vals

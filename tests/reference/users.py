"""Slow, obvious twins of user vectors and recommendations: one user, one item at a time, float64."""

from __future__ import annotations

import numpy as np


def user_vector(matrix: np.ndarray, history: list[int], recency: float = 0.0) -> np.ndarray:
    """Weighted mean of the unit vectors of the history's rows (the last item weighs 1)."""
    n = len(history)
    if n == 0:
        return np.zeros(matrix.shape[1])
    total = np.zeros(matrix.shape[1])
    weights = 0.0
    for j, row in enumerate(history):
        weight = 2.0 ** (-(n - 1 - j) / recency) if recency > 0 else 1.0
        v = np.asarray(matrix[row], dtype=np.float64)
        total += weight * v / np.linalg.norm(v)
        weights += weight
    return total / weights


def recommend(matrix: np.ndarray, history: list[int], topn: int, recency: float = 0.0,
              context: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Score every row not in the history (cosine, or the dot with ``context`` rows), best first,
    ties to the lower row."""
    query = user_vector(matrix, history, recency)
    if not query.any():
        return []
    query = query / np.linalg.norm(query)
    scored = []
    for row in range(len(matrix)):
        if row in history:
            continue
        if context is None:
            v = np.asarray(matrix[row], dtype=np.float64)
            score = float(query @ v / np.linalg.norm(v))
        else:
            score = float(query @ np.asarray(context[row], dtype=np.float64))
        scored.append((row, score))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:topn]


def next_item_ranks(scores_of, histories: list[list[int]], targets: list[int]) -> list[float]:
    """1-based rank of each target among the rows not in its history (inf if it cannot be
    recommended), from a function giving a history's score per row."""
    ranks = []
    for history, target in zip(histories, targets):
        scores = scores_of(history)
        if target < 0 or target in history or scores is None:
            ranks.append(float("inf"))
            continue
        better = sum(1 for row, s in enumerate(scores) if row not in history
                     and (s > scores[target] or (s == scores[target] and row < target)))
        ranks.append(1.0 + better)
    return ranks

"""Words of the vocabulary within a small edit distance of a misspelt query ("dgo" -> "dog").

The distance is optimal string alignment (Levenshtein plus the swap of two neighbouring
characters, the commonest typo), computed for every candidate at once: the candidates are the
words whose length is within the allowed distance of the query, laid out as a matrix of code
points, and the dynamic programme runs over the query's characters with one numpy operation
per cell column. A bound from the characters alone first sets aside the candidates that cannot
be close, so a vocabulary of millions answers in about a second. numpy only.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def allowed_distance(word: str) -> int:
    """1 edit for words of up to 4 characters, 2 beyond (a 3-letter word 2 edits away is anything)."""
    return 1 if len(word) <= 4 else 2


def _codes(words: Sequence[str], width: int) -> np.ndarray:
    """Code points [n, width], zero-padded (0 never occurs in a query word)."""
    if not words:
        return np.zeros((0, width), np.uint32)
    return np.array(words, dtype=f"<U{width}").view(np.uint32).reshape(len(words), width)


def distances(word: str, candidates: Sequence[str]) -> np.ndarray:
    """Optimal-string-alignment distance from ``word`` to each candidate (int32 [n])."""
    width = max((len(c) for c in candidates), default=0)
    lengths = np.array([len(c) for c in candidates], dtype=np.int64)
    return _distances(_query(word), _codes(candidates, max(width, 1)), lengths)


def _query(word: str) -> np.ndarray:
    return np.array([ord(c) for c in word], dtype=np.uint32)


def _distances(q: np.ndarray, cand: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The distances from code points q to each row of cand (zero-padded beyond its length)."""
    n, (m, width) = len(q), cand.shape
    # rows of the table: d[i][j] = distance from word[:i] to candidate[:j], for all candidates at once
    before = np.zeros((m, width + 1), np.int32)                   # row i - 2 (for swaps)
    prev = np.tile(np.arange(width + 1, dtype=np.int32), (m, 1))  # row 0: j insertions
    for i in range(1, n + 1):
        cur = np.empty_like(prev)
        cur[:, 0] = i
        for j in range(1, width + 1):
            substitute = prev[:, j - 1] + (cand[:, j - 1] != q[i - 1])
            best = np.minimum(np.minimum(prev[:, j] + 1, cur[:, j - 1] + 1), substitute)
            if i > 1 and j > 1:  # swap of two neighbours: word[i-2:i] == candidate[j-1:j-3:-1]
                swap = (cand[:, j - 1] == q[i - 2]) & (cand[:, j - 2] == q[i - 1])
                best = np.where(swap, np.minimum(best, before[:, j - 2] + 1), best)
            cur[:, j] = best
        before, prev = prev, cur
    return prev[np.arange(m), lengths] if m else np.zeros(0, np.int32)


def _bag_bound(q: np.ndarray, cand: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A lower bound of the distance from the characters alone: every query character the
    candidate lacks, and every candidate character beyond the query's, costs at least one edit
    (a swap moves none, a substitution fixes one of each). Cheap, so the table runs on few rows."""
    shared = np.zeros(len(cand), np.int64)
    for char, count in zip(*np.unique(q, return_counts=True)):
        shared += np.minimum((cand == char).sum(axis=1), count)
    return np.maximum(len(q) - shared, lengths - shared)


def close_words(word: str, words: Sequence[str], n: int = 3, lengths: np.ndarray | None = None) -> list[str]:
    """Up to ``n`` words of ``words`` within the allowed edit distance of ``word``, nearest first
    and, at equal distance, in row order (the more frequent first in a trained vocabulary).

    lengths: len() of every word, when the caller keeps them (saves a pass over the words).
    """
    if not word:
        return []
    limit, q = allowed_distance(word), _query(word)
    if lengths is None:
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    rows = np.nonzero(np.abs(lengths - len(word)) <= limit)[0]
    found: list[tuple[int, int]] = []
    for start in range(0, len(rows), 1 << 16):  # blocks bound the temporary matrices
        block = rows[start:start + (1 << 16)]
        cand = _codes([words[int(r)] for r in block], len(word) + limit)
        near = np.nonzero(_bag_bound(q, cand, lengths[block]) <= limit)[0]
        dist = _distances(q, cand[near], lengths[block][near])
        keep = np.nonzero((dist <= limit) & (dist > 0))[0]
        found.extend((int(dist[k]), int(block[near[k]])) for k in keep)
    found.sort()
    return [words[r] for _, r in found[:n]]

"""Numpy-only tables the word2vec kernels read: subsampling, negative sampling, learning rate.

They are built once per training run in Python, passed to the kernels as flat arrays, and
kept apart from numba so they can be tested (and reasoned about) on their own.
"""

from __future__ import annotations

import numpy as np


def keep_probabilities(counts: np.ndarray, sample: float, total: int | None = None) -> np.ndarray:
    """Probability of keeping each occurrence of a word: word2vec's subsampling formula.

    With t = sample * total and f = count, the C tool keeps a token when
    (sqrt(f / t) + 1) * t / f >= u for u uniform in [0, 1); so frequent words are thinned
    and words with f <= t (roughly) are always kept. `sample = 0` disables subsampling.
    Returns float64 [V], clipped to at most 1 (1 means "keep without drawing").
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0 or counts.size == 0:
        return np.ones(counts.size, dtype=np.float64)
    threshold = sample * (counts.sum() if total is None else max(float(total), 1.0))
    keep = (np.sqrt(counts / threshold) + 1.0) * threshold / np.maximum(counts, 1.0)
    return np.minimum(keep, 1.0)


def subsampling_total(info: dict, kept_tokens: int) -> int:
    """fastText's subsampling denominator: every token read, words under --min-count included,
    plus the end-of-line token it adds per line (one per sentence here). word2vec.c divides by
    the kept tokens instead; on 10M tokens of bench-en the two differ by 5 %, and fastText's
    thins frequent words a little less. The subword trainer uses it to train the model it
    copies as fastText does (the scores moved by less than the seed noise: docs/BENCHMARKS.md).
    Never below the kept tokens: counts merged by --init, or a tokenizer that splits raw
    tokens, can make more kept tokens than raw ones."""
    read = int(info.get("raw_tokens") or 0) + int(info.get("sentences") or 0)
    return max(read, int(kept_tokens))


def negative_table(counts: np.ndarray, ns_exponent: float = 0.75,
                   guide_size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative distribution of count ** ns_exponent plus a guide table for O(1) sampling.

    Returns (cumulative float64 [V], guide int32 [M]). To draw, take u uniform in [0, 1),
    start at i = guide[int(u * M)] and step while cumulative[i] <= u: guide[j] is the first
    row whose cumulative mass exceeds j / M, so the walk is about one step on average
    (the "cutpoint" method). O(V) memory instead of the C tool's 400 MB table, and exact.
    """
    weights = np.asarray(counts, dtype=np.float64) ** float(ns_exponent)
    if weights.size == 0 or not np.isfinite(weights).all() or weights.sum() <= 0:
        raise ValueError("negative sampling needs a non-empty vocabulary with positive counts")
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    cumulative[-1] = 1.0  # exact, so the walk always stops inside the table
    size = int(guide_size or max(1, weights.size))
    guide = np.searchsorted(cumulative, np.arange(size, dtype=np.float64) / size, side="right")
    return cumulative, np.minimum(guide, weights.size - 1).astype(np.int32)


def linear_lr(lr: float, min_lr_ratio: float, progress: float) -> float:
    """Learning rate after `progress` (0..1) of all words of all epochs: linear from lr to lr * min_lr_ratio."""
    progress = min(max(float(progress), 0.0), 1.0)
    return lr + (lr * min_lr_ratio - lr) * progress

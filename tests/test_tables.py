"""Subsampling, negative-sampling and learning-rate tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.reference.word2vec import sample_negatives_reference
from wordvec.train.tables import keep_probabilities, linear_lr, negative_table, subsampling_total


def test_keep_probabilities_follow_word2vec_formula():
    counts = np.array([10_000, 1_000, 100, 10, 1], dtype=np.int64)
    sample = 1e-3
    keep = keep_probabilities(counts, sample)
    threshold = sample * counts.sum()  # 11.111
    # hand-computed: (sqrt(f / t) + 1) * t / f for the frequent word
    assert keep[0] == pytest.approx((math.sqrt(10_000 / threshold) + 1) * threshold / 10_000)
    assert keep[0] == pytest.approx(31 * 11.111 / 10_000, abs=1e-4)  # sqrt(900) = 30
    assert keep[1] == pytest.approx((math.sqrt(1_000 / threshold) + 1) * threshold / 1_000)
    # words at or below the threshold are always kept; the result is a probability
    assert keep[3] == 1.0 and keep[4] == 1.0
    assert np.all(np.diff(keep) >= 0) and keep.dtype == np.float64


def test_sample_zero_disables_subsampling():
    assert np.array_equal(keep_probabilities(np.array([5, 500, 50_000]), 0.0), np.ones(3))


def test_a_larger_denominator_thins_frequent_words_less():
    """fastText divides by every token read: t = sample * total grows, so keep rises."""
    counts = np.array([10_000, 1_000, 100], dtype=np.int64)
    keep = keep_probabilities(counts, 1e-3, total=20_000)
    assert keep[0] == pytest.approx((math.sqrt(10_000 / 20.0) + 1) * 20.0 / 10_000)
    assert np.all(keep >= keep_probabilities(counts, 1e-3)) and keep[0] > keep_probabilities(counts, 1e-3)[0]


def test_subsampling_total_counts_every_token_read_and_each_line_end():
    info = {"raw_tokens": 1_000, "sentences": 40, "kept_tokens": 900}
    assert subsampling_total(info, 900) == 1_040
    # never below the kept tokens (counts merged by --init), and without the figures, the kept tokens
    assert subsampling_total(info, 5_000) == 5_000
    assert subsampling_total({}, 900) == 900


def test_guide_table_matches_binary_search():
    counts = np.array([900, 300, 300, 20, 7, 7, 1], dtype=np.int64)
    cumulative, guide = negative_table(counts, 0.75)
    assert cumulative[-1] == 1.0 and np.all(np.diff(cumulative) > 0)
    weights = counts ** 0.75
    assert np.allclose(np.diff(cumulative, prepend=0.0), weights / weights.sum())
    uniforms = np.random.default_rng(0).random(5000)
    # the guide-table walk (as the kernels do it, in plain Python) equals a binary search
    walked = []
    for u in uniforms:
        i = guide[int(u * len(guide))]
        while cumulative[i] <= u:
            i += 1
        walked.append(i)
    assert np.array_equal(walked, sample_negatives_reference(cumulative, guide, uniforms))


# chi-square critical value for 11 degrees of freedom at p = 0.001
CHI2_DF11_P001 = 31.26


@pytest.mark.parametrize("exponent", [0.75, 0.0, 1.0, -0.5])
def test_kernel_negative_draws_follow_count_power(exponent):
    from wordvec._kernels.rng import thread_seeds
    from wordvec._kernels.word2vec import sample_negatives

    counts = np.array([5000, 2000, 900, 400, 400, 150, 60, 30, 12, 8, 5, 5], dtype=np.int64)
    cumulative, guide = negative_table(counts, exponent)
    draws = sample_negatives(cumulative, guide, thread_seeds(7, 1), 0, 200_000)
    observed = np.bincount(draws, minlength=len(counts))
    expected = counts.astype(np.float64) ** exponent
    expected *= len(draws) / expected.sum()
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    assert chi2 < CHI2_DF11_P001, (chi2, observed, expected.round())


def test_learning_rate_endpoints_and_midpoint():
    assert linear_lr(0.025, 1e-4, 0.0) == 0.025
    assert linear_lr(0.025, 1e-4, 1.0) == pytest.approx(0.025 * 1e-4)
    assert linear_lr(0.025, 1e-4, 0.5) == pytest.approx((0.025 + 0.025e-4) / 2)
    # clipped outside 0..1: never above the start, never below the floor
    assert linear_lr(0.05, 1e-4, -1.0) == 0.05
    assert linear_lr(0.05, 1e-4, 2.0) == pytest.approx(0.05e-4)

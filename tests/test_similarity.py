"""wordvec.vectors.similarity: the batched numpy functions against slow per-row references."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.vectors import similarity as sim
from tests.reference import vectors as ref


@pytest.fixture
def matrix():
    rng = np.random.default_rng(7)
    m = rng.standard_normal((300, 16)).astype(np.float32)
    m[5] = 0  # a zero row must not produce NaN
    return m


def test_inverse_norms_and_unit_rows_leave_input_alone(matrix):
    before = matrix.copy()
    inv = sim.inverse_norms(matrix, chunk_rows=64)
    unit = sim.unit_rows(matrix, inv)
    assert inv[5] == 0 and np.all(unit[5] == 0)
    norms = np.linalg.norm(unit, axis=1)
    np.testing.assert_allclose(np.delete(norms, 5), 1, rtol=1e-5)
    np.testing.assert_array_equal(matrix, before)
    assert unit.dtype == np.float32 and inv.dtype == np.float32


def test_top_k_matches_full_sort_with_exclusions():
    rng = np.random.default_rng(1)
    scores = rng.standard_normal((4, 50)).astype(np.float32)
    exclude = [[0, 1], [], [49], [int(np.argmax(scores[3]))]]
    best, values = sim.top_k(scores, 5, exclude)
    for row in range(4):
        expected = [i for i in np.argsort(-scores[row], kind="stable") if i not in exclude[row]][:5]
        assert best[row].tolist() == expected
        np.testing.assert_array_equal(values[row], scores[row, expected])


def test_top_k_ties_break_by_index_and_k_larger_than_n():
    scores = np.array([[1.0, 2.0, 2.0, 0.5]], dtype=np.float32)
    best, values = sim.top_k(scores, 10)
    assert best[0].tolist() == [1, 2, 0, 3]
    assert values.shape == (1, 4)
    assert sim.top_k(scores, 0)[0].shape == (1, 0)


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_batched_scores_match_reference(matrix, method):
    inv = sim.inverse_norms(matrix)
    queries = [([3, 9], [4]), ([10, 11], [12]), ([7], [])]
    for positive, negative in queries:
        pos = sim.gather_unit(matrix, inv, np.array([positive]))
        neg = sim.gather_unit(matrix, inv, np.array([negative], dtype=np.int64).reshape(1, -1))
        fn = sim.cos_add_scores if method == "3cosadd" else sim.cos_mul_scores
        scores = fn(matrix, inv, pos, neg)[0]
        best, values = sim.top_k(scores[None], 8, [positive + negative])
        expected = ref.most_similar(matrix, positive, negative, topn=8, method=method)
        assert best[0].tolist() == [r for r, _ in expected]
        np.testing.assert_allclose(values[0], [s for _, s in expected], rtol=1e-4, atol=1e-5)


def test_one_product_for_many_queries_equals_one_at_a_time(matrix):
    inv = sim.inverse_norms(matrix)
    rows = np.array([1, 2, 3, 40])
    together = sim.cosine_scores(matrix, inv, sim.gather_unit(matrix, inv, rows))
    for i, r in enumerate(rows):
        alone = sim.cosine_scores(matrix, inv, sim.gather_unit(matrix, inv, np.array([r])))[0]
        np.testing.assert_allclose(together[i], alone, rtol=1e-5, atol=1e-6)


def test_normalize_keeps_zero_rows_zero():
    out = sim.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0, 0]])

"""Recommendations: against the slow twin, history left out, batch = single, unknown items."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from tests.reference import users as ref
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.recommend import Recommender, popular_rows
from wordvec.vectors.similarity import top_k_wide
from wordvec.vectors.users import build_user_vectors


def catalogue(n=300, dim=6, seed=0):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return KeyedVectors(vectors, [f"item{k}" for k in range(n)], counts=np.arange(n, 0, -1))


def random_histories(kv, count, seed=1):
    rng = np.random.default_rng(seed)
    return [[kv.words[r] for r in rng.integers(0, len(kv), size=rng.integers(1, 15))] for _ in range(count)]


@pytest.mark.parametrize("use_context", [False, True])
@pytest.mark.parametrize("recency", [0.0, 2.0])
def test_matches_the_twin_and_leaves_the_history_out(use_context, recency):
    kv = catalogue()
    context = np.random.default_rng(5).standard_normal(kv.vectors.shape).astype(np.float32) if use_context else None
    recommender = Recommender(kv, recency=recency, context=context, batch=7)
    histories = random_histories(kv, 20)
    answers = list(recommender.for_histories(histories, topn=12))
    for history, answer in zip(histories, answers):
        rows = [kv.index[i] for i in history]
        want = ref.recommend(kv.vectors, rows, 12, recency, context)
        assert [kv.index[item] for item, _ in answer.results] == [r for r, _ in want]
        np.testing.assert_allclose([s for _, s in answer.results], [s for _, s in want], rtol=1e-4, atol=1e-5)
        assert not set(item for item, _ in answer.results) & set(history)
        assert answer.known == len(history) and answer.unknown == []


def test_batch_single_and_stored_user_agree():
    kv = catalogue()
    histories = random_histories(kv, 9)
    recommender = Recommender(kv, batch=4)
    batch = list(recommender.for_histories(histories, topn=10))
    single = [recommender.for_items(h, topn=10) for h in histories]
    for one, many in zip(single, batch):            # BLAS may round a batch's products differently
        assert [i for i, _ in one.results] == [i for i, _ in many.results]
        np.testing.assert_allclose([s for _, s in one.results], [s for _, s in many.results], rtol=1e-5)
    # a stored user (mean of unit vectors) gets what its history gets, and never another user
    rows = [[kv.index[i] for i in h] for h in histories]
    ids = np.array([r for h in rows for r in h], dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(h) for h in rows])))
    kv.users = build_user_vectors(kv, [f"u{k}" for k in range(9)], ids, offsets)
    for k, answer in enumerate(recommender.for_users([f"u{k}" for k in range(9)], topn=10)):
        assert [i for i, _ in answer.results] == [i for i, _ in batch[k].results]
        np.testing.assert_allclose([s for _, s in answer.results], [s for _, s in batch[k].results], rtol=1e-5)
        assert all(item.startswith("item") for item, _ in answer.results)
    assert recommender.for_user("u2").query == "u2"


def test_unknown_items_are_skipped_and_counted_and_none_known_warns(caplog):
    kv = catalogue()
    recommender = Recommender(kv)
    answer = recommender.for_items(["item3", "nope", "item4", "nada"], topn=5)
    assert answer.unknown == ["nope", "nada"] and answer.known == 2
    assert answer.results == recommender.for_items(["item3", "item4"], topn=5).results
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        empty = list(recommender.for_histories([["x", "y"], [], ["item1"]], topn=5))
    assert empty[0].results == [] and empty[1].results == [] and len(empty[2].results) == 5
    assert "no recommendation for 'x y': none of its 2 items is in the vectors" in caplog.text
    assert empty[0].query == "x y" and empty[0].known == 0 and empty[1].unknown == []


def test_history_covering_almost_everything():
    kv = catalogue(n=5)
    answer = Recommender(kv).for_items(["item0", "item1", "item2", "item3"], topn=3)
    assert [item for item, _ in answer.results] == ["item4"]


def test_top_k_wide_equals_a_full_sort_with_ties_and_exclusions():
    rng = np.random.default_rng(0)
    for width in (30, 1500, 20001):
        scores = np.round(rng.standard_normal((17, width)), 1).astype(np.float32)   # many ties
        scores[:, ::5] = -np.inf
        best, values = top_k_wide(scores, 25)
        for row in range(len(scores)):
            order = np.lexsort((np.arange(width), -scores[row]))[:25]
            order = order[scores[row, order] > -np.inf]     # excluded slots come back as -1
            assert best[row].tolist() == order.tolist() + [-1] * (25 - len(order))
            np.testing.assert_array_equal(values[row, :len(order)], scores[row, order])


def test_popular_rows_leave_the_history_out():
    counts = np.array([5, 9, 9, 1, 7])
    ids = np.array([1, 4, 2], dtype=np.int32)
    offsets = np.array([0, 2, 2, 3])
    assert popular_rows(counts, ids, offsets, 3).tolist() == [[2, 0, 3], [1, 2, 4], [1, 4, 0]]


def test_recommending_never_imports_numba(tmp_path):
    import subprocess
    import sys

    from wordvec.vectors.formats import save

    kv = catalogue(n=50)
    kv.users = build_user_vectors(kv, ["u"], np.array([1, 2], dtype=np.int32), np.array([0, 2]))
    save(kv, tmp_path / "v.wv")
    code = ("import sys, wordvec\n"
            "from wordvec.vectors.recommend import Recommender\n"
            "from wordvec.vectors.nextitem import evaluate_rows\n"
            f"kv = wordvec.load({str(tmp_path / 'v.wv')!r})\n"
            "r = Recommender(kv); r.for_user('u'); r.for_items(['item3'])\n"
            "assert 'numba' not in sys.modules, 'numba was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)

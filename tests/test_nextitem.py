"""Next-item evaluation: metrics against a hand-computed example, ranks against the twin."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.reference import users as ref
from wordvec.errors import FormatError
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.nextitem import evaluate_next_item, evaluate_rows, read_next_item_file


def line_items():
    """Five items on a circle: cosine falls with the angle between them."""
    angles = np.radians([0, 30, 60, 120, 180])
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    return KeyedVectors(vectors, ["a", "b", "c", "d", "e"], counts=np.array([1, 2, 3, 5, 4]))


def test_metrics_by_hand(tmp_path):
    kv = line_items()
    path = tmp_path / "test.tsv"
    path.write_text("a\tb\n"          # from a: b (30°), c, d, e      -> b rank 1;  popularity d e c b -> rank 4
                    "a\tc\n"          # c rank 2;                                   popularity c rank 3
                    "b c\te\n"        # query at 45°: a (45°), d (75°), e (135°) -> e rank 3; popularity d e a -> 2
                    "a b\tb\n"        # held out item already in the history: a miss for both
                    "a\tzzz\n"        # unknown held-out item: a miss for both
                    "zz\ta\n"         # no known history item: a miss for vectors; popularity d e c b a -> 5
                    "junk line\n")
    report = evaluate_next_item(kv, path, ks=(1, 2))
    assert report["cases"] == 6 and report["lines_skipped"] == 1
    assert report["unknown_targets"] == 1 and report["targets_in_history"] == 1
    assert report["histories_without_known_items"] == 1 and report["unknown_history_items"] == 1
    v, p = report["vectors"], report["popularity"]
    # vectors: ranks 1, 2, 3, inf, inf, inf
    assert v["hit@1"] == pytest.approx(1 / 6) and v["hit@2"] == pytest.approx(2 / 6)
    assert v["ndcg@2"] == pytest.approx((1 + 1 / math.log2(3)) / 6)
    assert v["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 6)
    # popularity: ranks 4, 3, 2, inf, inf, 5
    assert p["hit@1"] == 0 and p["hit@2"] == pytest.approx(1 / 6)
    assert p["ndcg@2"] == pytest.approx((1 / math.log2(3)) / 6)
    assert p["mrr"] == pytest.approx((1 / 4 + 1 / 3 + 1 / 2 + 1 / 5) / 6)
    # coverage@1: vectors' top-1 lists are b, b, a, c, b (and nothing) -> 3 of 5 items;
    # popularity's: d, d, d, d(a b), d, d -> 1 item
    assert v["coverage@1"] == pytest.approx(3 / 5) and p["coverage@1"] == pytest.approx(1 / 5)


def test_ranks_match_the_twin_on_random_data():
    rng = np.random.default_rng(3)
    n = 2500                                                   # wide enough for grouped top-k
    kv = KeyedVectors(rng.standard_normal((n, 5)).astype(np.float32), [f"i{k}" for k in range(n)],
                      counts=rng.integers(1, 50, size=n))
    histories = [rng.integers(0, n, size=rng.integers(0, 6)).tolist() for _ in range(40)]
    targets = rng.integers(-1, n, size=40)
    targets[:3] = [histories[k][0] if histories[k] else 7 for k in range(3)]
    ids = np.array([r for h in histories for r in h], dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(h) for h in histories])))
    report = evaluate_rows(kv, ids, offsets, targets, ks=(10, 20))

    def cosine_scores(history):
        if not history:
            return None
        q = ref.user_vector(kv.vectors, history)
        return [float(q @ v / np.linalg.norm(v)) for v in kv.vectors.astype(np.float64)]

    def popularity_scores(history):
        return [float(c) - 1e-9 * r for r, c in enumerate(kv.counts)]   # ties to the lower row

    for name, scores_of in (("vectors", cosine_scores), ("popularity", popularity_scores)):
        ranks = np.array(ref.next_item_ranks(scores_of, histories, targets.tolist()))
        assert report[name]["hit@10"] == pytest.approx(np.mean(ranks <= 10))
        assert report[name]["mrr"] == pytest.approx(np.sum(1 / ranks[np.isfinite(ranks)]) / len(ranks))


def test_bad_test_files_are_refused(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("no tabs here\n")
    with pytest.raises(FormatError, match="no 'history<TAB>held-out item' lines"):
        read_next_item_file(path)
    path.write_bytes(b"a\x00b\tc\n")
    with pytest.raises(FormatError, match="binary"):
        read_next_item_file(path)

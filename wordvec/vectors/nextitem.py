"""Offline evaluation of recommendations: predict each test user's held-out next item.

Each test case is a history and the item that came next (``history<TAB>held-out`` lines, as
``wordvec split`` writes them). Both the vectors and the popularity baseline (the most frequent
items of the training data not in the history) rank the whole catalogue minus the history,
and the rank of the held-out item gives the usual figures of the recommender literature:

- hit rate@k: share of cases whose item is in the top k;
- NDCG@k: mean of 1 / log2(rank + 1) when rank <= k, else 0 (one relevant item, so the ideal
  DCG is 1);
- MRR: mean of 1 / rank over the full ranking (0 when the item cannot be recommended);
- coverage@k: share of the catalogue that appears in at least one top-k list.

A held-out item that is not in the vectors, or that is already in the history (recommendations
leave the history out), counts as a miss for both; so does, for the vectors only, a history
with no known item. Each of these is counted in the report. Ties rank the lower row first, as
the recommendations do. numpy only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import FormatError, WordvecError
from ..util.progress import log
from .keyedvectors import KeyedVectors
from .recommend import Recommender, exclude_histories, history_rows, popular_rows

DEFAULT_KS = (10, 20)


def read_next_item_file(path: str | Path) -> tuple[list[list[str]], list[str], int]:
    """(histories, held-out items, lines skipped) from ``item item ...<TAB>held-out`` lines."""
    histories, targets, bad = [], [], 0
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise WordvecError(f"{path}: cannot read it ({exc.strerror})") from None
    if b"\x00" in data[:8000]:
        raise FormatError(f"{path}: looks like a binary file (NUL bytes), not history<TAB>item lines")
    for line in data.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        history, tab, target = line.rpartition("\t")
        if not tab or not target.strip() or len(target.split()) != 1:
            bad += 1
            continue
        histories.append(history.split())
        targets.append(target.strip())
    if not targets:
        raise FormatError(f"{path}: no 'history<TAB>held-out item' lines found")
    if bad:
        log.warning(f"{path}: skipped {bad:,} lines without 'history<TAB>one held-out item'")
    return histories, targets, bad


def _metrics(ranks: np.ndarray, lists: np.ndarray, ks: tuple[int, ...], catalogue: int) -> dict:
    """Hit rate, NDCG and coverage at each k, and MRR, from 1-based ranks (inf = never) and top lists."""
    result = {}
    n = max(len(ranks), 1)
    for k in ks:
        inside = ranks <= k
        result[f"hit@{k}"] = float(inside.sum() / n)
        result[f"ndcg@{k}"] = float(np.sum(1.0 / np.log2(ranks[inside] + 1.0)) / n)
        top = lists[:, :k]
        result[f"coverage@{k}"] = float(len(np.unique(top[top >= 0])) / max(catalogue, 1))
    result["mrr"] = float(np.sum(1.0 / ranks[np.isfinite(ranks)]) / n)
    return result


def vector_ranks(recommender: Recommender, ids: np.ndarray, offsets: np.ndarray, targets: np.ndarray,
                 topn: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1-based; inf = cannot be recommended) of each target row among the items not in
    its history, by the vectors, and the top-``topn`` rows of each history."""
    queries = recommender.queries(ids, offsets)
    ranks = np.full(len(targets), np.inf)
    lists = np.full((len(targets), topn), -1, dtype=np.int64)
    columns = np.arange(len(recommender.kv))
    for start in range(0, len(targets), recommender.batch):
        stop = min(start + recommender.batch, len(targets))
        a, b = offsets[start], offsets[stop]
        scores = recommender.score(queries[start:stop])
        exclude_histories(scores, ids[a:b], offsets[start:stop + 1] - a)
        best, _ = recommender.top(scores, topn)
        known = queries[start:stop].any(axis=1)
        best[~known] = -1
        lists[start:stop] = best
        t = targets[start:stop]
        ok = known & (t >= 0)
        rows = np.flatnonzero(ok)
        if len(rows):
            own = scores[rows, t[rows]]
            ok_rows = rows[own > -np.inf]               # a target in its history cannot be recommended
            own = scores[ok_rows, t[ok_rows]][:, None]
            block = scores[ok_rows]
            above = (block > own).sum(axis=1) + ((block == own) & (columns < t[ok_rows][:, None])).sum(axis=1)
            ranks[start + ok_rows] = 1 + above
    return ranks, lists


def popularity_ranks(counts: np.ndarray, ids: np.ndarray, offsets: np.ndarray, targets: np.ndarray,
                     topn: int) -> tuple[np.ndarray, np.ndarray]:
    """The same for the popularity baseline (most frequent first, ties to the lower row)."""
    order = np.argsort(-np.asarray(counts), kind="stable")
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))
    ranks = np.full(len(targets), np.inf)
    for b, t in enumerate(targets.tolist()):
        if t < 0:
            continue
        history = np.unique(np.asarray(ids[offsets[b]:offsets[b + 1]], dtype=np.int64))
        if np.isin(t, history):
            continue
        ranks[b] = 1 + place[t] - np.count_nonzero(place[history] < place[t])
    return ranks, popular_rows(counts, ids, offsets, topn)


def case_counts(ids: np.ndarray, offsets: np.ndarray, targets: np.ndarray) -> dict:
    """How many test cases there are, and how many of them no recommender can get right (their
    item is unknown or already in the history) or the vectors cannot answer (no known item)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    in_history = np.array([t >= 0 and bool(np.isin(t, ids[offsets[b]:offsets[b + 1]]))
                           for b, t in enumerate(targets.tolist())], dtype=bool)
    return {"cases": int(len(targets)), "unknown_targets": int(np.sum(targets < 0)),
            "targets_in_history": int(in_history.sum()),
            "histories_without_known_items": int(np.sum(np.diff(offsets) == 0))}


def popularity_metrics(counts: np.ndarray, ids: np.ndarray, offsets: np.ndarray, targets: np.ndarray,
                       ks: tuple[int, ...] = DEFAULT_KS) -> dict:
    """The popularity baseline's figures (as _metrics gives them) for histories as item rows:
    it needs only the items' training counts, so a caller comparing many models computes it once."""
    ks = _checked_ks(ks)
    ranks, lists = popularity_ranks(counts, ids, np.asarray(offsets, dtype=np.int64), np.asarray(targets, np.int64),
                                    ks[-1])
    return _metrics(ranks, lists, ks, len(counts))


def _checked_ks(ks) -> tuple[int, ...]:
    ks = tuple(sorted(set(int(k) for k in ks)))
    if not ks or ks[0] < 1:
        raise WordvecError("k must be at least 1")
    return ks


def evaluate_rows(kv: KeyedVectors, ids: np.ndarray, offsets: np.ndarray, targets: np.ndarray,
                  ks: tuple[int, ...] = DEFAULT_KS, recency: float = 0.0, popularity: bool = True,
                  context: np.ndarray | None = None) -> dict:
    """Metrics of the vectors (and the popularity baseline) for histories given as item rows
    (ids, offsets) and target rows (-1: not in the vectors); ``context``: score as
    recommend.Recommender does with context vectors."""
    ks = _checked_ks(ks)
    offsets = np.asarray(offsets, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int32)
    topn = ks[-1]
    recommender = Recommender(kv, recency=recency, context=context)
    ranks, lists = vector_ranks(recommender, ids, offsets, targets, topn)
    counts = case_counts(ids, offsets, targets)
    report = {"cases": counts.pop("cases"), "ks": list(ks), "catalogue": len(kv), "scoring": recommender.scoring,
              **counts, "vectors": _metrics(ranks, lists, ks, len(kv))}
    if popularity:
        if kv.counts is None or not kv.counts.any():
            report["popularity"] = None
        else:
            report["popularity"] = popularity_metrics(kv.counts, ids, offsets, targets, ks)
    return report


def evaluate_next_item(kv: KeyedVectors, path: str | Path, ks: tuple[int, ...] = DEFAULT_KS,
                       recency: float = 0.0, context: np.ndarray | None = None) -> dict:
    """Read a ``history<TAB>held-out`` file and score the vectors and the popularity baseline on it."""
    histories, held_out, bad = read_next_item_file(path)
    ids, offsets, unknown = history_rows(kv, histories)
    index = kv.index
    targets = np.array([index.get(t, -1) for t in held_out], dtype=np.int64)
    report = evaluate_rows(kv, ids, offsets, targets, ks, recency, context=context)
    report.update(file=str(path), lines_skipped=bad, unknown_history_items=sum(len(u) for u in unknown),
                  recency=recency)
    if report["popularity"] is None:
        log.warning(f"{kv.source['path'] if kv.source else 'the vectors'} carry no item counts: "
                    "no popularity baseline")
    return report

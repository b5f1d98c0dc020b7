"""Recommendations: the items closest to a user's history that are not already in it.

A history (item IDs, oldest first) becomes one query vector, the (recency-weighted) mean of
its items' unit vectors, the same rule as the stored user vectors. Every item is scored
against that query, the history's own items are left out, and the best ``topn`` come back.
The score is the cosine of the query with the item's vector or, given the context (output)
vectors skip-gram trained beside them, the dot product of the unit query with the item's
context vector: skip-gram fits in . out to log P(item | context item) minus the log of the
item's negative-sampling weight, so this scores how likely the item is to come with the
history, where the cosine scores only how alike the items are (and ignores how popular). Items missing from the vectors are skipped and counted; a history with no known item
gets an empty answer and a warning.

Batches of histories cost one float32 matrix product per block of ``batch`` histories and a
top-k selection that touches each score a few times (similarity.top_k_wide), so thousands of
histories a second are answered against a catalogue of 100,000 items. numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

import numpy as np

from ..errors import WordvecError
from ..util.progress import log
from . import similarity as sim
from .keyedvectors import KeyedVectors
from .users import mean_unit_vectors

WARN_EACH = 3          # histories with no known item named one by one; the rest are counted


@dataclass
class Recommendation:
    """The answer for one history: (item, score) best first, and what was skipped."""

    query: str                                     # the user ID, or the history as given
    results: list[tuple[str, float]]
    unknown: list[str] = field(default_factory=list)   # history items not in the vectors
    known: int = 0                                 # history items used


def history_rows(kv: KeyedVectors, histories: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """Item rows of each history (unknown items dropped) as (ids int32, offsets int64), and the
    unknown items of each."""
    index = kv.index
    ids: list[int] = []
    offsets = [0]
    unknown: list[list[str]] = []
    for history in histories:
        missing = []
        for item in history:
            row = index.get(item)
            if row is None:
                missing.append(item)
            else:
                ids.append(row)
        offsets.append(len(ids))
        unknown.append(missing)
    return np.array(ids, dtype=np.int32), np.array(offsets, dtype=np.int64), unknown


def exclude_histories(scores: np.ndarray, ids: np.ndarray, offsets: np.ndarray) -> None:
    """Set scores[b, item] = -inf for every item of history b (in place)."""
    lengths = np.diff(offsets)
    scores[np.repeat(np.arange(len(lengths)), lengths), np.asarray(ids, dtype=np.int64)] = -np.inf


class Recommender:
    """Top-n items for histories, users or item lists, from one set of item vectors.

    recency: half-life in items for weighting recent history items more (0: plain mean; see
    wordvec.vectors.users). context: float32 [V, D] context vectors to score against (None:
    cosine with the item vectors). batch: histories scored per matrix product.
    """

    def __init__(self, kv: KeyedVectors, recency: float = 0.0, context: np.ndarray | None = None,
                 batch: int = 256):
        if recency < 0:
            raise WordvecError(f"--recency must be 0 (off) or a positive half-life in items, not {recency}")
        if context is not None and np.shape(context) != kv.vectors.shape:
            raise WordvecError(f"context vectors have shape {np.shape(context)}, the items {kv.vectors.shape}")
        self.kv = kv
        self.recency = recency
        self.batch = max(1, int(batch))
        self.unit = kv.unit_vectors
        self.targets = self.unit if context is None else np.ascontiguousarray(context, dtype=np.float32)
        self.scoring = "cosine" if context is None else "context"
        self._buffer: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._empty = 0

    # --- rows in, rows out ---------------------------------------------------------------
    def score(self, queries: np.ndarray) -> np.ndarray:
        """Scores [B, V] of unit query rows for every item (a reused buffer: copy to keep)."""
        rows = len(queries)
        if self._buffer is None or self._buffer.shape[0] < rows:
            self._buffer = np.empty((max(rows, self.batch), len(self.kv)), dtype=np.float32)
            self._mask = np.empty(self._buffer.shape, dtype=bool)
        out = self._buffer[:rows]
        np.matmul(queries, self.targets.T, out=out)
        return out

    def top(self, scores: np.ndarray, topn: int) -> tuple[np.ndarray, np.ndarray]:
        """similarity.top_k_wide on a block of scores from score(), with a reused mask buffer."""
        return sim.top_k_wide(scores, topn, mask=self._mask[:len(scores)])

    def queries(self, ids: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Unit query vectors [B, D] of histories given as item rows (zero for an empty history)."""
        return sim.normalize(mean_unit_vectors(self.unit, ids, offsets, self.recency))

    def top_rows(self, ids: np.ndarray, offsets: np.ndarray, topn: int,
                 queries: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Best item rows [B, topn] (-1 where none) and their scores for histories of item rows;
        ``queries`` replaces the histories' mean vectors (stored user vectors)."""
        offsets = np.asarray(offsets, dtype=np.int64)
        if queries is None:
            queries = self.queries(ids, offsets)
        best_all, values_all = [], []
        for start in range(0, len(offsets) - 1, self.batch):
            stop = min(start + self.batch, len(offsets) - 1)
            a, b = offsets[start], offsets[stop]
            scores = self.score(queries[start:stop])
            exclude_histories(scores, ids[a:b], offsets[start:stop + 1] - a)
            best, values = self.top(scores, topn)
            empty = ~queries[start:stop].any(axis=1)     # no known item: no answer
            best[empty], values[empty] = -1, -np.inf
            best_all.append(best)
            values_all.append(values)
        if not best_all:
            return np.empty((0, topn), np.int64), np.empty((0, topn), np.float32)
        return np.concatenate(best_all), np.concatenate(values_all)

    # --- names in, names out -------------------------------------------------------------
    def _answers(self, labels: list[str], ids, offsets, unknown, topn, queries=None) -> list[Recommendation]:
        best, values = self.top_rows(ids, offsets, topn, queries)
        words = self.kv.words
        answers = []
        for b, label in enumerate(labels):
            results = [(words[r], float(v)) for r, v in zip(best[b].tolist(), values[b].tolist()) if r >= 0]
            known = int(offsets[b + 1] - offsets[b])
            if known == 0 or (queries is not None and not queries[b].any()):
                self._warn_empty(label, unknown[b])
            answers.append(Recommendation(label, results, unknown[b], known))
        return answers

    def _warn_empty(self, label: str, unknown: list[str]) -> None:
        self._empty += 1
        if self._empty <= WARN_EACH:
            what = f"none of its {len(unknown)} items is" if unknown else "it has no items"
            log.warning(f"no recommendation for {label[:60]!r}: {what} in the vectors")

    def for_items(self, items: Sequence[str], topn: int = 10) -> Recommendation:
        """Top items for one history given as item IDs (oldest first)."""
        return next(self.for_histories([list(items)], topn))

    def for_histories(self, histories: Iterable[Sequence[str]], topn: int = 10) -> Iterator[Recommendation]:
        """Answers in input order, computed a block of ``batch`` histories at a time."""
        self._empty = 0
        block: list[list[str]] = []
        for history in histories:
            block.append(list(history))
            if len(block) == self.batch:
                yield from self._block(block, topn)
                block = []
        if block:
            yield from self._block(block, topn)
        self._summarise_empty()

    def _block(self, block: list[list[str]], topn: int) -> list[Recommendation]:
        ids, offsets, unknown = history_rows(self.kv, block)
        return self._answers([" ".join(h) for h in block], ids, offsets, unknown, topn)

    def for_users(self, users: Sequence[str], topn: int = 10) -> list[Recommendation]:
        """Top items for stored users: their stored vector, their history left out."""
        table = self.kv.users
        if table is None:
            raise WordvecError("these vectors have no user vectors (train with --users)")
        self._empty = 0
        rows = table.rows(list(users))
        pieces = [table.history_ids[table.history_offsets[r]:table.history_offsets[r + 1]] for r in rows.tolist()]
        ids = np.concatenate(pieces).astype(np.int32) if pieces else np.empty(0, np.int32)
        offsets = np.concatenate(([0], np.cumsum([len(p) for p in pieces]))).astype(np.int64)
        queries = sim.normalize(np.asarray(table.vectors[rows], dtype=np.float32))
        answers = self._answers(list(users), ids, offsets, [[] for _ in users], topn, queries)
        self._summarise_empty()
        return answers

    def for_user(self, user: str, topn: int = 10) -> Recommendation:
        return self.for_users([user], topn)[0]

    def _summarise_empty(self) -> None:
        if self._empty > WARN_EACH:
            log.warning(f"{self._empty:,} histories in all had no item in the vectors (empty answers)")
        self._empty = 0


def popular_rows(counts: np.ndarray, ids: np.ndarray, offsets: np.ndarray, topn: int) -> np.ndarray:
    """The popularity baseline: for each history, the ``topn`` most frequent items not in it
    (ties to the lower row), as rows [B, topn] (-1 where the catalogue runs out)."""
    order = np.argsort(-np.asarray(counts), kind="stable")
    out = np.full((len(offsets) - 1, topn), -1, dtype=np.int64)
    for b in range(len(offsets) - 1):
        history = np.asarray(ids[offsets[b]:offsets[b + 1]])
        head = order[:topn + len(history)]
        chosen = head[~np.isin(head, history)][:topn]
        out[b, :len(chosen)] = chosen
    return out

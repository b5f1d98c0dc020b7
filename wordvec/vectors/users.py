"""User vectors: a user is the (weighted) mean of the unit vectors of the items in their history.

They live in the items' space, so the cosine of a user and an item says how well the item
fits the user, but in a table of their own (``kv.users``): item queries never return a user.
The history of each user (item rows, oldest first) is kept beside the vectors, so a
recommendation can leave out what the user already has. numpy only (query path).

Recency weighting: with half-life h > 0 (in items), the j-th of n items (0 = oldest) weighs
2 ** (-(n - 1 - j) / h): the latest item 1, the one h items before it 1/2. h = 0 weighs all
items alike.
"""

from __future__ import annotations

import numpy as np

from ..errors import FormatError, WordvecError
from .keyedvectors import KeyedVectors

BLOCK_ITEMS = 1 << 18      # history items gathered per step: bounds the [n, D] temporary


def recency_weights(offsets: np.ndarray, recency: float) -> np.ndarray | None:
    """Weight of every position of ids[offsets[0]:offsets[-1]] (None when recency is 0: all 1)."""
    if recency <= 0:
        return None
    offsets = np.asarray(offsets, dtype=np.int64)
    lengths = np.diff(offsets)
    ends = np.repeat(offsets[1:], lengths)                 # end of each position's sequence
    back = ends - 1 - np.arange(offsets[0], offsets[-1])  # 0 for the latest item
    return np.exp2(-back / float(recency)).astype(np.float32)


def mean_unit_vectors(unit: np.ndarray, ids: np.ndarray, offsets: np.ndarray, recency: float = 0.0) -> np.ndarray:
    """float32 [S, D]: for each sequence s, the weighted mean of unit[ids[offsets[s]:offsets[s+1]]].

    unit: float32 [V, D] unit item vectors; ids: item rows; offsets: int64 [S+1]. An empty
    sequence gets a zero vector. Sums run over blocks of sequences (segment sums with
    np.add.reduceat), so no temporary larger than BLOCK_ITEMS x D is made.
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    n_seq = len(offsets) - 1
    out = np.zeros((n_seq, unit.shape[1]), dtype=np.float32)
    s = 0
    while s < n_seq:
        e = int(np.searchsorted(offsets, offsets[s] + BLOCK_ITEMS, side="right")) - 1
        e = min(max(e, s + 1), n_seq)
        a, b = int(offsets[s]), int(offsets[e])
        local = offsets[s:e + 1] - a
        lengths = np.diff(local)
        nonempty = np.flatnonzero(lengths > 0)
        if len(nonempty):
            rows = np.asarray(unit[np.asarray(ids[a:b], dtype=np.int64)], dtype=np.float32)
            weights = recency_weights(offsets[s:e + 1], recency)
            if weights is not None:
                rows *= weights[:, None]
                totals = np.add.reduceat(weights, local[nonempty])
            else:
                totals = lengths[nonempty].astype(np.float32)
            # reduceat over the starts of non-empty sequences only: each sums exactly its own rows
            sums = np.add.reduceat(rows, local[nonempty], axis=0)
            out[s + nonempty] = sums / totals[:, None]
        s = e
    return out


class UserVectors(KeyedVectors):
    """One vector per user (rows named by user ID) plus each user's history of item rows.

    ``counts`` are the history lengths; ``history(user)`` the item rows, oldest first.
    """

    def __init__(self, vectors: np.ndarray, users: list[str], history_ids: np.ndarray,
                 history_offsets: np.ndarray, meta: dict | None = None):
        history_offsets = np.asarray(history_offsets, dtype=np.int64)
        if history_offsets.shape != (len(users) + 1,) or history_offsets[0] != 0 \
                or history_offsets[-1] != len(history_ids) or np.any(np.diff(history_offsets) < 0):
            raise FormatError(f"user histories do not match the {len(users)} users (offsets {history_offsets.shape})")
        super().__init__(vectors, users, np.diff(history_offsets), meta)
        self.history_ids = history_ids
        self.history_offsets = history_offsets

    def __repr__(self) -> str:
        return f"UserVectors({len(self)} users × {self.dim} dims)"

    def history(self, user: str) -> np.ndarray:
        """Item rows of the user's history, oldest first."""
        row = self.row(user)
        a, b = self.history_offsets[row], self.history_offsets[row + 1]
        return np.asarray(self.history_ids[a:b], dtype=np.int64)

    def unknown(self, words):  # a missing user is named as a user, not a word
        error = super().unknown(words)
        error.args = (str(error.args[0]).replace("unknown word", "unknown user"),)
        return error


def build_user_vectors(items: KeyedVectors, users: list[str], ids: np.ndarray, offsets: np.ndarray,
                       recency: float = 0.0) -> UserVectors:
    """User vectors from item histories (item rows of ``items``), in the items' space."""
    if recency < 0:
        raise WordvecError(f"--recency must be 0 (off) or a positive half-life in items, not {recency}")
    ids = np.ascontiguousarray(ids, dtype=np.int32)
    vectors = mean_unit_vectors(items.unit_vectors, ids, offsets, recency)
    meta = {"users": len(users), "recency": recency, "vector": "mean of the unit vectors of the user's items"}
    return UserVectors(vectors, list(users), ids, offsets, meta)

"""Pure numpy cosine queries: top-k neighbours, 3CosAdd and 3CosMul, batched.

Every function takes row indices and matrices and returns arrays, so many queries cost one
float32 matrix product (BLAS) plus an ``argpartition`` per query row. Nothing here knows
about words: KeyedVectors and the evaluator translate words to rows and back. This module
must never import numba (it is on the query path).
"""

from __future__ import annotations

import numpy as np

# 3CosMul shifts cosines from [-1, 1] to [0, 1] and divides by the negative terms; this keeps
# the division finite (the value gensim's most_similar_cosmul uses).
COSMUL_EPSILON = 1e-6


def row_norms(vectors: np.ndarray, chunk_rows: int = 65536) -> np.ndarray:
    """||row|| for every row as float32, in chunks so a memory-mapped matrix is read once
    without a full float64 copy (native folders store the result as norms.npy)."""
    out = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), chunk_rows):
        block = np.asarray(vectors[start:start + chunk_rows], dtype=np.float32)
        out[start:start + len(block)] = np.sqrt(np.einsum("ij,ij->i", block, block, dtype=np.float32))
    return out


def invert_norms(norms: np.ndarray) -> np.ndarray:
    """1 / norm as float32, 0 for zero rows (so their cosine is 0)."""
    norms = np.asarray(norms, dtype=np.float32)
    with np.errstate(divide="ignore"):
        return np.where(norms > 0, np.float32(1) / np.where(norms > 0, norms, np.float32(1)),
                        np.float32(0)).astype(np.float32)


def inverse_norms(vectors: np.ndarray, chunk_rows: int = 65536) -> np.ndarray:
    """1 / ||row|| for every row as float32 (0 for all-zero rows)."""
    return invert_norms(row_norms(vectors, chunk_rows))


def unit_rows(vectors: np.ndarray, inv_norms: np.ndarray) -> np.ndarray:
    """A new float32 matrix of unit rows (zero rows stay zero); the input is never modified."""
    return np.multiply(vectors, inv_norms[:, None], dtype=np.float32)


def normalize(queries: np.ndarray) -> np.ndarray:
    """Scale each row of a [B, D] (or one [D]) array to unit length; zero rows stay zero."""
    queries = np.asarray(queries, dtype=np.float32)
    norms = np.linalg.norm(queries, axis=-1, keepdims=True)
    return np.divide(queries, norms, out=np.zeros_like(queries), where=norms > 0)


def cosine_scores(vectors: np.ndarray, inv_norms: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Cosine of each unit query row [B, D] with every matrix row: one product, [B, V] float32.

    ``vectors`` may be raw (unnormalised) rows; multiplying the product by ``inv_norms``
    afterwards costs V*B instead of normalising V*D values.
    """
    queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    with np.errstate(invalid="ignore", over="ignore"):  # NaN rows (--allow-nonfinite) score NaN, never win
        scores = queries @ np.asarray(vectors).T
        scores *= inv_norms[None, :]
    return scores


def top_k(scores: np.ndarray, k: int, exclude: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The k best columns of each row of ``scores`` [B, N], best first.

    ``exclude[i]`` (an iterable of column indices) is never returned for row i. Uses
    ``argpartition`` (O(N)) and sorts only the k winners. Returns (indices [B, k'],
    values [B, k']) with k' = min(k, N); excluded slots, if any remain, carry -inf.
    """
    scores = np.atleast_2d(scores)
    if exclude is not None:
        scores = scores.copy()
        for row, cols in enumerate(exclude):
            cols = list(cols)
            if cols:
                scores[row, cols] = -np.inf
    n = scores.shape[1]
    k = max(0, min(k, n))
    if k == 0:
        return np.empty((len(scores), 0), np.int64), np.empty((len(scores), 0), scores.dtype)
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    part_scores = np.take_along_axis(scores, part, axis=1)
    # sort winners by descending score; ties by ascending index (stable, reproducible)
    order = np.lexsort((part, -part_scores), axis=1) if part.size else part
    best = np.take_along_axis(part, order, axis=1)
    return best, np.take_along_axis(scores, best, axis=1)


def gather_unit(vectors: np.ndarray, inv_norms: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Unit vectors of the given rows (any index shape), float32 [..., D]."""
    rows = np.asarray(rows, dtype=np.int64)
    dim = vectors.shape[1]
    with np.errstate(invalid="ignore", over="ignore"):  # a NaN or infinite row stays NaN
        return np.asarray(vectors[rows.ravel()], dtype=np.float32).reshape(*rows.shape, dim) \
            * inv_norms[rows][..., None]


def combine_terms(positive: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """Unit direction of sum(positive) - sum(negative): 3CosAdd's query.

    ``positive``/``negative`` are unit vectors [B, P, D] / [B, N, D] (N may be 0); returns
    [B, D]. The argmax over rows x of cos(x, b - a + c) equals gensim's weighted-mean form.
    """
    query = positive.sum(axis=1, dtype=np.float32)
    if negative.shape[1]:
        query -= negative.sum(axis=1, dtype=np.float32)
    return normalize(query)


def cos_add_scores(vectors: np.ndarray, inv_norms: np.ndarray,
                   positive: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """3CosAdd: cos(x, sum(pos) - sum(neg)) for every row x, [B, V]."""
    return cosine_scores(vectors, inv_norms, combine_terms(positive, negative))


def cos_mul_scores(vectors: np.ndarray, inv_norms: np.ndarray,
                   positive: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """3CosMul (Levy & Goldberg 2014): prod((1+cos(x,p))/2) / (prod((1+cos(x,n))/2) + eps).

    ``positive``/``negative`` are unit vectors [B, P, D] / [B, N, D]. Cosines are shifted to
    [0, 1] so the product is monotone in each term. Returns [B, V] float32.
    """
    result = np.ones((positive.shape[0], len(vectors)), dtype=np.float32)
    for j in range(positive.shape[1]):
        result *= (cosine_scores(vectors, inv_norms, positive[:, j]) + 1) / 2
    if negative.shape[1]:
        denominator = np.ones_like(result)
        for j in range(negative.shape[1]):
            denominator *= (cosine_scores(vectors, inv_norms, negative[:, j]) + 1) / 2
        result /= denominator + np.float32(COSMUL_EPSILON)
    return result


def top_k_wide(scores: np.ndarray, k: int, group: int = 128,
               mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """top_k for wide rows (a catalogue of 100,000 items): the same winners, ties always to the
    lower index, several times faster.

    Split each row's columns into disjoint groups of ``group`` and take each group's maximum.
    The k-th largest group maximum t bounds the row's k-th largest score from below (k
    different groups hold a value >= t), so the k winners are among the values >= t, and those
    lie in the few groups whose maximum is >= t: only those groups' columns are read again and
    sorted. Group j holds the columns c with c % m == j (m groups): its maximum is then an
    elementwise maximum of contiguous slices, which vectorises, where a maximum over contiguous
    blocks does not. Excluded (-inf) slots come back as index -1 and score -inf. ``mask``: a
    reusable bool buffer of scores' shape for narrow rows (one compare over all of them).
    """
    scores = np.atleast_2d(scores)
    rows, n = scores.shape
    k = max(0, min(k, n))
    if k == 0 or rows == 0:
        return np.empty((rows, 0), np.int64), np.empty((rows, 0), scores.dtype)
    if n < 8 * group:        # narrow rows: the threshold is the k-th score itself, one compare over all
        threshold = np.partition(scores, n - k, axis=1)[:, n - k]
        if mask is None or mask.shape != scores.shape:
            mask = np.empty(scores.shape, dtype=bool)
        np.greater_equal(scores, threshold[:, None], out=mask)
        r, c = np.divmod(np.flatnonzero(mask), n)
    else:
        m = n // group
        tail = n - m * group
        maxima = scores[:, :m * group].reshape(rows, group, m).max(axis=1)
        if tail:
            maxima = np.concatenate((maxima, scores[:, m * group:].max(axis=1, keepdims=True)), axis=1)
        if k <= maxima.shape[1]:
            threshold = np.partition(maxima, maxima.shape[1] - k, axis=1)[:, maxima.shape[1] - k]
        else:  # more winners than groups: every group is a candidate
            threshold = np.full(rows, -np.inf, dtype=scores.dtype)
        hit_rows, hit_groups = np.nonzero(maxima >= threshold[:, None])
        regular = hit_groups < m                         # the last index stands for the tail columns
        r = np.repeat(hit_rows[regular], group)
        c = (hit_groups[regular, None] + m * np.arange(group)).ravel()
        if tail and not regular.all():
            tail_rows = hit_rows[~regular]
            r = np.concatenate((r, np.repeat(tail_rows, tail)))
            c = np.concatenate((c, np.tile(np.arange(m * group, n), len(tail_rows))))
        inside = scores[r, c] >= threshold[r]
        r, c = r[inside], c[inside]
    v = scores[r, c]
    order = np.lexsort((c, -v, r))          # by row, then descending score, then ascending column
    r, c, v = r[order], c[order], v[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(rows))[r]
    keep = (rank < k) & (v > -np.inf)
    best = np.full((rows, k), -1, dtype=np.int64)
    values = np.full((rows, k), -np.inf, dtype=scores.dtype)
    best[r[keep], rank[keep]] = c[keep]
    values[r[keep], rank[keep]] = v[keep]
    return best, values

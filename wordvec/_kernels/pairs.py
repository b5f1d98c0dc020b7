"""A flat hash table from (key, tag) to a count or an id: the pair counts of phrase learning.

Layout, owned by Python:

  table  uint64[S, 2]  S a power of two, open addressing with linear probing. Row r holds
                       (key, tag << 40 | value); a zero second word marks an empty row, so a used
                       row never has value 0 (counts start at 1, ids are stored plus one).

One row is 16 bytes, so a probe touches one cache line and a row can be prefetched a few
tokens ahead (prefetch.prefetch_row works on it as on a matrix row). Keys are pairs of token
ids, `a << 32 | b`. The tag names the connector words between a and b (0: none): a second
table of the same kind chains them, ((previous tag) << 32 | word) -> tag, so a sequence of
connectors of any length is one small integer and every table shares the code below.
"""

import math

import numpy as np
from numba import njit

from .jit import inline, kernel

TAG_SHIFT = np.uint64(40)
VALUE_MASK = np.uint64((1 << 40) - 1)
MAX_TAG = (1 << 23) - 1          # tags live in the 24 bits above the value

_S32 = np.uint64(32)
_S33 = np.uint64(33)
_LOW32 = np.uint64(0xFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)   # murmur3's 64-bit finaliser
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)


@inline
def pair_key(a, b):
    """The key of token ids a, b (each 0 <= id < 2**32)."""
    return (np.uint64(a) << _S32) | np.uint64(b)


@inline
def home_row(table, key, tag):
    """The row where probing for (key, tag) starts."""
    h = key ^ (np.uint64(tag) * _GOLDEN)
    h = (h ^ (h >> _S33)) * _MIX1
    h = (h ^ (h >> _S33)) * _MIX2
    h = h ^ (h >> _S33)
    return np.int64(h & np.uint64(table.shape[0] - 1))


@inline
def find_row(table, key, tag):
    """The row holding (key, tag), or the empty row where it would go."""
    mask = table.shape[0] - 1
    row = home_row(table, key, tag)
    want = np.uint64(tag) << TAG_SHIFT
    while True:
        word = table[row, 1]
        if word == 0 or (table[row, 0] == key and (word & ~VALUE_MASK) == want):
            return row
        row = (row + 1) & mask


@inline
def value_of(table, key, tag):
    """The count or id stored for (key, tag); 0 when absent."""
    return np.int64(table[find_row(table, key, tag), 1] & VALUE_MASK)


@inline
def add_count(table, key, tag):
    """Count one more (key, tag); returns 1 when the row is new (the caller keeps the size)."""
    row = find_row(table, key, tag)
    if table[row, 1] == 0:
        table[row, 0] = key
        table[row, 1] = (np.uint64(tag) << TAG_SHIFT) | np.uint64(1)
        return 1
    table[row, 1] += np.uint64(1)
    return 0


@inline
def find_tag(tags, words, n):
    """The tag of the connector sequence words[:n] (0 when n == 0); -1 if it was never added."""
    tag = np.int64(0)
    for j in range(n):
        word = tags[find_row(tags, pair_key(tag, words[j]), 0), 1]
        if word == 0:
            return np.int64(-1)
        tag = np.int64(word & VALUE_MASK)
    return tag


@inline
def add_tag(tags, words, n, sizes):
    """The tag of words[:n], adding the missing links; sizes[1] counts the rows of `tags`."""
    tag = np.int64(0)
    for j in range(n):
        key = pair_key(tag, words[j])
        row = find_row(tags, key, 0)
        if tags[row, 1] == 0:
            sizes[1] += 1
            tags[row, 0] = key
            tags[row, 1] = np.uint64(sizes[1])
        tag = np.int64(tags[row, 1] & VALUE_MASK)
    return tag


@kernel
def move_rows(source, target, min_value):
    """Insert every row of `source` whose value is at least `min_value` into `target` (empty
    rows or a larger table); returns the rows moved. Growing and pruning both rebuild this way."""
    moved = 0
    for r in range(source.shape[0]):
        word = source[r, 1]
        if word != 0 and np.int64(word & VALUE_MASK) >= min_value:
            row = find_row(target, source[r, 0], np.int64(word >> TAG_SHIFT))
            target[row, 0] = source[r, 0]
            target[row, 1] = word
            moved += 1
    return moved


@njit(nogil=True, cache=True)
def index_phrases(tokens, ends, phrases, tags):
    """Fill an empty phrase table: phrase p is tokens[ends[p]:ends[p + 1]] (first word, connectors,
    last word) and maps to p + 1; a phrase listed twice keeps its first number. `tags` must have
    room for every connector link. Returns the rows used in `tags`."""
    sizes = np.zeros(2, dtype=np.int64)
    for p in range(ends.shape[0] - 1):
        a = ends[p]
        b = ends[p + 1] - 1
        tag = add_tag(tags, tokens[a + 1: b], b - a - 1, sizes)
        key = pair_key(tokens[a], tokens[b])
        row = find_row(phrases, key, tag)
        if phrases[row, 1] == 0:
            phrases[row, 0] = key
            phrases[row, 1] = (np.uint64(tag) << TAG_SHIFT) | np.uint64(p + 1)
    return sizes[1]


@kernel
def score_pairs(pairs, unigram, total, min_count, npmi, threshold, rows_out, scores_out):
    """Score every pair counted at least `min_count` times; keep those scoring above `threshold`.

    npmi (gensim's npmi_scorer): with p(x) = count(x) / total,
        log(p(ab) / (p(a) p(b))) / -log(p(ab)), in [-1, 1], in float64.
    Otherwise word2phrase.c's score, in float32 as the C tool computes it, with its rule that
    both words be seen at least min_count times:
        (count(ab) - min_count) / count(a) / count(b) * total.
    `total` is the number of tokens counted (every word, connectors included). Writes the rows
    and scores of the kept pairs; returns how many.
    """
    kept = 0
    threshold32 = np.float32(threshold)
    n = np.float64(total)
    for r in range(pairs.shape[0]):
        word = pairs[r, 1]
        if word == 0:
            continue
        count = np.int64(word & VALUE_MASK)
        if count < min_count:
            continue
        key = pairs[r, 0]
        ca = unigram[np.int64(key >> _S32)]
        cb = unigram[np.int64(key & _LOW32)]
        if npmi:
            pab = count / n
            score = math.log(pab / ((ca / n) * (cb / n))) / -math.log(pab)
            keep = score > threshold
        else:
            if ca < min_count or cb < min_count:
                continue
            score32 = np.float32(count - min_count) / np.float32(ca) / np.float32(cb) * np.float32(total)
            score = np.float64(score32)
            keep = score32 > threshold32
        if keep:
            rows_out[kept] = r
            scores_out[kept] = score
            kept += 1
    return kept

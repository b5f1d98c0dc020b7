"""Character n-grams of words and fastText's hash of them: which n-gram rows make up a word.

A word w is seen through ``<w>`` (fastText's begin and end markers): every run of MIN..MAX
characters of ``<w>`` is an n-gram, except the markers alone. Characters are Unicode code
points, found in the UTF-8 bytes as fastText does (a byte 10xxxxxx continues a character).
Each n-gram's UTF-8 bytes are hashed with fastText's 32-bit FNV-1a and the hash modulo the
bucket count picks its row of the n-gram matrix. fastText's own ids add the number of words
(its input matrix stacks word rows and n-gram rows); ``fasttext_ids`` gives those, for tests.

The same code serves queries (one word) and training (every vocabulary word at once, as
CSR arrays: offsets [V+1] and bucket ids), so trained and loaded models agree on the ids.
numpy only: this module is on the query path and must never import numba.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

BEGIN, END = "<", ">"
FNV_OFFSET = np.uint32(2166136261)   # FNV-1a 32-bit offset basis
FNV_PRIME = np.uint32(16777619)      # FNV-1a 32-bit prime
_WORDS_PER_BLOCK = 1 << 16           # bounds the temporary arrays of ngram_table


def fasttext_hash(data: bytes) -> int:
    """fastText's 32-bit FNV-1a of ``data``, with its signed-byte quirk.

    fastText xors ``uint32_t(int8_t(byte))``: a byte >= 0x80 is sign-extended, so its upper 24
    bits are ones (0xE9 is xored as 0xFFFFFFE9). Plain FNV-1a would xor 0x000000E9.
    """
    h = 2166136261
    for byte in data:
        h ^= byte | 0xFFFFFF00 if byte >= 0x80 else byte
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def ngrams(word: str, minn: int, maxn: int) -> list[str]:
    """The n-grams of ``<word>``, MIN..MAX characters, in fastText's order (by start, then length).

    The markers alone ("<" and ">") are never n-grams. Example: ngrams("ab", 2, 3) ==
    ["<a", "<ab", "ab", "ab>", "b>"].
    """
    marked = BEGIN + word + END
    found = []
    for start in range(len(marked)):
        for n in range(max(minn, 1), maxn + 1):
            if start + n > len(marked):
                break
            if n == 1 and (start == 0 or start == len(marked) - 1):
                continue
            found.append(marked[start:start + n])
    return found


def _encode(words: Sequence[str | bytes]) -> list[bytes]:
    return [w if isinstance(w, bytes) else w.encode("utf-8", "surrogatepass") for w in words]


def ngram_table(words: Sequence[str | bytes], minn: int, maxn: int, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Bucket ids of every word's n-grams as CSR arrays: (offsets int64 [V+1], ids int32 [N]).

    Word i's n-gram rows are ids[offsets[i]:offsets[i+1]], in fastText's order (repeats kept,
    as fastText keeps them). Words may be str or raw UTF-8 bytes (a fastText .bin's words are
    hashed from their bytes, valid UTF-8 or not). Vectorised: one numpy step per byte of the
    longest n-gram over all n-gram starts of a block of words, not a Python loop per n-gram.
    """
    if minn < 1 or maxn < minn or buckets < 1:
        raise ValueError(f"n-gram lengths {minn}-{maxn} with {buckets} buckets: need 1 <= MIN <= MAX and buckets >= 1")
    encoded = _encode(words)
    counts, ids = [np.zeros(0, np.int64)], [np.zeros(0, np.int32)]
    for first in range(0, len(encoded), _WORDS_PER_BLOCK):
        block_counts, block_ids = _block_table(encoded[first:first + _WORDS_PER_BLOCK], minn, maxn, buckets)
        counts.append(block_counts)
        ids.append(block_ids)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts), out=offsets[1:])
    return offsets, np.concatenate(ids)


def _block_table(encoded: list[bytes], minn: int, maxn: int, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """ngram_table for one block of words: (n-grams per word, bucket ids)."""
    marked = [b"<" + w + b">" for w in encoded]
    lengths = np.fromiter(map(len, marked), dtype=np.int64, count=len(marked))
    data = np.frombuffer(b"".join(marked), dtype=np.uint8)
    word_end = np.cumsum(lengths)                      # exclusive end of each marked word
    word_start = word_end - lengths
    owner = np.repeat(np.arange(len(marked)), lengths)  # the word each byte belongs to
    # a byte starts a character unless it is a UTF-8 continuation byte (10xxxxxx). Every word
    # is followed by the next word's "<" or by the sentinel, so its last character ends there.
    starts_char = np.append((data & 0xC0) != 0x80, True)
    # fastText's signed-byte quirk: bytes >= 0x80 are xored sign-extended to 32 bits
    xor_value = data.astype(np.uint32)
    xor_value[data >= 0x80] |= np.uint32(0xFFFFFF00)
    # every character start is an n-gram start; walk all of them forward one byte per step
    begin = np.nonzero(starts_char[:-1])[0]
    pos = begin.copy()
    hashes = np.full(len(begin), FNV_OFFSET, dtype=np.uint32)
    chars = np.zeros(len(begin), dtype=np.int64)
    end = word_end[owner[begin]]
    first = word_start[owner[begin]]
    found_begin, found_chars, found_hash = [], [], []
    while len(pos):
        hashes = (hashes ^ xor_value[pos]) * FNV_PRIME     # uint32 arithmetic wraps mod 2**32
        pos += 1
        completes = starts_char[pos]                        # the byte just hashed ended a character
        chars += completes
        emit = completes & (chars >= minn)
        # the markers alone are not n-grams: one character starting at the word's first byte
        # ("<") or ending at its last (">")
        emit &= ~((chars == 1) & ((begin == first) | (pos == end)))
        found_begin.append(begin[emit])
        found_chars.append(chars[emit])
        found_hash.append(hashes[emit])
        going = (pos < end) & ~(completes & (chars >= maxn))
        pos, hashes, chars, begin, end, first = (a[going] for a in (pos, hashes, chars, begin, end, first))
    begins = np.concatenate(found_begin)
    order = np.lexsort((np.concatenate(found_chars), begins))   # fastText's order: by start, then length
    bucket_ids = (np.concatenate(found_hash)[order] % np.uint32(buckets)).astype(np.int32)
    per_word = np.bincount(owner[begins], minlength=len(marked)).astype(np.int64)
    return per_word, bucket_ids


def fasttext_ids(word: str | bytes, minn: int, maxn: int, buckets: int, nwords: int) -> np.ndarray:
    """fastText's ids of an out-of-vocabulary word's n-grams: nwords + bucket (its input-matrix rows)."""
    _, ids = ngram_table([word], minn, maxn, buckets)
    return ids.astype(np.int64) + nwords


class Subwords:
    """The n-gram half of a subword model: settings and the n-gram rows.

    A word outside the vocabulary gets the mean of its n-gram rows (fastText's
    get_word_vector); a vocabulary word's stored vector already is the mean of its word row
    and n-gram rows, so it is never recomposed.

    Dense: ``ngrams`` [buckets, D], one row per bucket (a loaded model; may be a read-only
    memory map). Compact (a model just trained): ``ngrams`` holds only the rows of buckets some
    vocabulary word uses, and ``bucket_rows`` [buckets] gives each bucket's row or -1: a bucket
    no word uses never trained, and is a zero row (as it is in the saved ngrams.npy).
    """

    def __init__(self, ngrams: np.ndarray, minn: int, maxn: int, bucket_rows: np.ndarray | None = None):
        if ngrams.ndim != 2 or (bucket_rows is None and ngrams.shape[0] < 1):
            raise ValueError(f"the n-gram matrix must be 2-D with at least one row, not {ngrams.shape}")
        if not 1 <= minn <= maxn:
            raise ValueError(f"n-gram lengths {minn}-{maxn}: need 1 <= MIN <= MAX")
        self.ngrams = ngrams
        self.bucket_rows = bucket_rows
        self.minn, self.maxn = int(minn), int(maxn)

    @property
    def buckets(self) -> int:
        return int(self.ngrams.shape[0] if self.bucket_rows is None else len(self.bucket_rows))

    @property
    def dim(self) -> int:
        return int(self.ngrams.shape[1])

    def ids(self, word: str | bytes) -> np.ndarray:
        """Bucket ids of the word's n-grams, in fastText's order."""
        return ngram_table([word], self.minn, self.maxn, self.buckets)[1]

    def rows(self, buckets: np.ndarray) -> np.ndarray:
        """The rows of these buckets, float32 [n, D] (zeros for untrained buckets of a compact model)."""
        if self.bucket_rows is None:
            return np.asarray(self.ngrams[buckets], dtype=np.float32)
        found = self.bucket_rows[buckets]
        out = np.zeros((len(buckets), self.dim), dtype=np.float32)
        out[found >= 0] = self.ngrams[found[found >= 0]]
        return out

    def compose(self, word: str | bytes) -> np.ndarray | None:
        """Mean of the word's n-gram rows (float32 [D]), or None when it has no n-gram."""
        buckets = self.ids(word)
        if len(buckets) == 0:
            return None
        # float64 sum, then the mean: within float32 rounding of fastText's running float sum
        return (self.rows(buckets).astype(np.float64).sum(axis=0) / len(buckets)).astype(np.float32)

    def blocks(self, rows_per_block: int):
        """The dense [buckets, D] matrix, block by block (what ngrams.npy holds), never all at once."""
        for start in range(0, self.buckets, rows_per_block):
            yield self.rows(np.arange(start, min(start + rows_per_block, self.buckets)))

    def settings(self) -> dict:
        """The meta.json keys that describe this model's subwords (see docs/FORMAT.md)."""
        return {"subwords": [self.minn, self.maxn], "buckets": self.buckets}


def compose_vocabulary(word_rows: np.ndarray, ngram_matrix: np.ndarray, offsets: np.ndarray, ids: np.ndarray,
                       rows_per_block: int = 1 << 16) -> np.ndarray:
    """Vectors of vocabulary words as fastText's get_word_vector: the mean of the word's own row
    and its n-gram rows, float32 [V, D].

    word_rows [V, D] and ngram_matrix [B, D] may be memory maps; offsets/ids are ngram_table's
    CSR arrays. Works through blocks of about ``rows_per_block`` gathered n-gram rows, so the
    peak is one block, not V × n-grams × D.
    """
    count, dim = word_rows.shape
    out = np.empty((count, dim), dtype=np.float32)
    per_word = np.diff(offsets)
    start = 0
    while start < count:
        # as many words as fit in one block of gathered n-gram rows (at least one word)
        stop = int(np.searchsorted(offsets, offsets[start] + rows_per_block, side="right")) - 1
        stop = min(max(stop, start + 1), count)
        sums = np.array(word_rows[start:stop], dtype=np.float32)
        gathered = np.asarray(ngram_matrix[ids[offsets[start]:offsets[stop]]], dtype=np.float32)
        has = np.nonzero(per_word[start:stop])[0]   # reduceat needs non-empty groups
        if len(has):
            sums[has] += np.add.reduceat(gathered, (offsets[start:stop] - offsets[start])[has], axis=0)
        out[start:stop] = sums / (1 + per_word[start:stop])[:, None].astype(np.float32)
        start = stop
    return out

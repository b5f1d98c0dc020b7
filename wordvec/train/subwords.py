"""The input rows of every vocabulary word for subword training, prepared once in numpy.

The kernels see one matrix w_in: V word rows, then `buckets` n-gram rows. Word w's input
vector is the mean of its own row w and the rows V + bucket of its character n-grams
(wordvec.vectors.subwords computes the buckets with fastText's hash, so a trained model's
ids are fastText's). The kernels read them as CSR arrays and never hash anything.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..vectors.subwords import ngram_table


def input_rows(words: Sequence[str], minn: int, maxn: int, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets int64 [V+1], rows int32 [N]): word w's rows are rows[offsets[w]:offsets[w+1]],
    its own row w first, then V + the bucket of each of its n-grams (repeats kept, as fastText)."""
    vocab = len(words)
    if vocab + buckets >= 2**31:
        raise ValueError(f"{vocab:,} words + {buckets:,} buckets do not fit 32-bit row ids")
    ngram_offsets, buckets_of = ngram_table(words, minn, maxn, buckets)
    offsets = ngram_offsets + np.arange(vocab + 1, dtype=np.int64)   # one more row per word: its own
    rows = np.empty(offsets[-1], dtype=np.int32)
    own = offsets[:-1]
    rows[own] = np.arange(vocab, dtype=np.int32)
    is_ngram = np.ones(len(rows), dtype=bool)
    is_ngram[own] = False
    rows[is_ngram] = buckets_of + np.int32(vocab)
    return offsets, rows


def own_rows(vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """The same arrays without subwords: each word its own row alone."""
    return np.arange(vocab + 1, dtype=np.int64), np.arange(vocab, dtype=np.int32)

"""What the composed-input kernels need, prepared once in numpy: every word's input rows
(fastText's subwords) and the Huffman paths of hierarchical softmax.

The kernels see one input matrix w_in: V word rows, then one row per hash bucket that some
vocabulary word's n-grams fall in. Word w's input vector is the mean of its own row w and the
rows of its character n-grams (wordvec.vectors.subwords computes the buckets with fastText's
hash, so a trained model's ids are fastText's). Buckets no word uses get no row: they would
never train (fastText keeps them at their random start), and leaving them out saves most of a
2,000,000-bucket matrix (on 10M tokens about two thirds of the buckets are unused) and keeps
the trained rows close together in memory. Without subwords each word has its own row alone
(hierarchical softmax on plain word vectors). The kernels read CSR arrays and never hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import CorpusError
from ..vectors.subwords import Subwords, compose_vocabulary, ngram_table
from .huffman import huffman_tree


def input_rows(words: Sequence[str], minn: int, maxn: int, buckets: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offsets int64 [V+1], rows int32 [N], bucket_rows int32 [buckets]).

    Word w's rows are rows[offsets[w]:offsets[w+1]]: its own row w first, then, for each of its
    n-grams (repeats kept, as fastText), V + the n-gram row of its bucket. bucket_rows maps a
    bucket to its n-gram row (0..U-1, in bucket order), or -1 when no word uses it.
    """
    vocab = len(words)
    ngram_offsets, buckets_of = ngram_table(words, minn, maxn, buckets)
    used, compact = np.unique(buckets_of, return_inverse=True)
    bucket_rows = np.full(buckets, -1, dtype=np.int32)
    bucket_rows[used] = np.arange(len(used), dtype=np.int32)
    offsets = ngram_offsets + np.arange(vocab + 1, dtype=np.int64)   # one more row per word: its own
    rows = np.empty(offsets[-1], dtype=np.int32)
    own = offsets[:-1]
    rows[own] = np.arange(vocab, dtype=np.int32)
    is_ngram = np.ones(len(rows), dtype=bool)
    is_ngram[own] = False
    rows[is_ngram] = compact.astype(np.int32) + np.int32(vocab)
    return offsets, rows, bucket_rows


def own_rows(vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """The same arrays without subwords: each word its own row alone."""
    return np.arange(vocab + 1, dtype=np.int64), np.arange(vocab, dtype=np.int32)


@dataclass
class ComposedModel:
    """The arrays and kernel of one composed-input run (see composed_model)."""

    kernel: Callable                                 # _kernels.subwords.train_slice
    inputs: tuple[np.ndarray, np.ndarray]            # (in_offsets, in_rows)
    tree: tuple[bool, np.ndarray, np.ndarray, np.ndarray]   # (hs, path_offsets, points, codes)
    lengths: tuple[int, int] | None                  # (MIN, MAX) n-gram lengths, or None
    bucket_rows: np.ndarray | None                   # bucket -> n-gram row, -1 if unused
    description: str                                 # for the "training ..." log line

    @property
    def ngram_rows(self) -> int:
        """n-gram rows of w_in (after the V word rows): the buckets some word uses."""
        return 0 if self.bucket_rows is None else int(self.bucket_rows.max(initial=-1)) + 1

    def word_vectors(self, w_in: np.ndarray) -> tuple[np.ndarray, Subwords | None]:
        """The vocabulary's vectors after training (each the mean of its rows, as fastText's
        get_word_vector) and the n-gram half of the model (a view of w_in, not a copy)."""
        offsets, rows = self.inputs
        vocab = len(offsets) - 1
        if self.lengths is None:
            return w_in[:vocab], None
        is_ngram = np.ones(len(rows), dtype=bool)
        is_ngram[offsets[:-1]] = False
        ngram_offsets = offsets - np.arange(vocab + 1, dtype=np.int64)
        ngram_ids = rows[is_ngram] - np.int32(vocab)
        vectors = compose_vocabulary(w_in[:vocab], w_in[vocab:], ngram_offsets, ngram_ids)
        return vectors, Subwords(w_in[vocab:], *self.lengths, bucket_rows=self.bucket_rows)


def composed_model(vocab, config: Any) -> ComposedModel | None:
    """The composed-input arrays for config (a Word2VecConfig), or None when plain negative
    sampling applies (no --subwords, --loss ns): that runs on the word2vec kernels."""
    lengths = config.ngram_lengths
    hs = config.loss == "hs"
    if lengths is None and not hs:
        return None
    from .._kernels.subwords import train_slice

    words = len(vocab)
    bucket_rows = None
    if lengths:
        *inputs, bucket_rows = input_rows(vocab.words, lengths[0], lengths[1], config.buckets)
    else:
        inputs = own_rows(words)
    described = []
    if lengths:
        described.append(f"subwords {lengths[0]}-{lengths[1]} in {config.buckets:,} buckets "
                         f"({len(inputs[1]) / max(words, 1) - 1:.1f} n-grams per word, "
                         f"{int(bucket_rows.max(initial=-1)) + 1:,} buckets in use)")
    if hs:
        try:
            tree = huffman_tree(vocab.counts)
        except ValueError as exc:
            raise CorpusError(f"{exc}: lower --min-count or use --loss ns") from None
        described.append(f"hierarchical softmax (--negative {config.negative} ignored)")
        paths = (True, tree.offsets, tree.points, tree.codes)
    else:
        paths = (False, np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.uint8))
    return ComposedModel(train_slice, tuple(inputs), paths, lengths, bucket_rows, "".join(", " + d for d in described))

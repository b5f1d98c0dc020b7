"""Small fastText .bin files written field by field, for the reader's tests and the fuzzer.

The layout is fastText 0.9's (see wordvec/vectors/fasttext_bin.py); the tests check that the
`fasttext` package itself reads these files back, so the writer cannot drift from fastText.
"""

from __future__ import annotations

import struct

import numpy as np


def fasttext_bin_bytes(words: list[str], counts: list[int], input_matrix: np.ndarray, *, minn: int = 3,
                       maxn: int = 6, bucket: int = 0, model: int = 2, loss: int = 2, version: int = 12,
                       output_rows: int | None = None, quantized: bool = False, pruneidx_size: int = -1) -> bytes:
    """A complete model file: input_matrix must have len(words) + bucket rows."""
    dim = input_matrix.shape[1]
    parts = [struct.pack("<2i", 793712314, version),
             struct.pack("<12id", dim, 5, 5, 1, 5, 1, loss, model, bucket, minn, maxn, 100, 1e-4),
             struct.pack("<3i2q", len(words), len(words), 0, int(sum(counts)), pruneidx_size)]
    for word, count in zip(words, counts):
        parts.append(word.encode("utf-8") + b"\0" + struct.pack("<qb", count, 0))
    parts.append(bytes([quantized]))
    parts.append(struct.pack("<2q", *input_matrix.shape) + np.ascontiguousarray(input_matrix, "<f4").tobytes())
    rows = len(words) if output_rows is None else output_rows
    parts.append(b"\0" + struct.pack("<2q", rows, dim) + np.zeros((rows, dim), "<f4").tobytes())
    return b"".join(parts)


def small_model(seed: int = 0, dim: int = 4, bucket: int = 50) -> tuple[list[str], list[int], np.ndarray]:
    """Words (ASCII, accented, CJK, the end-of-sentence word), counts and a random input matrix."""
    words = ["</s>", "the", "of", "caf\u00e9", "\u4e2d\u6587", "cat"]
    counts = [50, 40, 30, 20, 10, 5]
    rng = np.random.default_rng(seed)
    return words, counts, rng.uniform(-1, 1, (len(words) + bucket, dim)).astype(np.float32)

"""Reading fastText's binary models (``.bin``, from ``fasttext skipgram|cbow`` or gensim's
``save_facebook_model``) as KeyedVectors with subwords.

The layout (fastText 0.9, file versions 11 and 12; all little-endian):

    int32 magic 793712314, int32 version
    args:  int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
           lrUpdateRate; float64 t
    dict:  int32 size, nwords, nlabels; int64 ntokens, pruneidx_size;
           size × (word bytes, NUL, int64 count, int8 type 0=word 1=label);
           pruneidx_size × (int32, int32)
    bool quant_input; input matrix: int64 rows, int64 cols, rows × cols float32
    bool qout; output matrix: the same layout

The input matrix stacks nwords word rows and ``bucket`` n-gram rows. It is used in place
(memory-mapped: one copy on disk, pages read on demand); only the composed vectors of the
vocabulary (word row and n-gram rows averaged, as fastText's get_word_vector) are computed
into memory. numpy only: on the query path, never numba.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..util.memory import check_fits
from .keyedvectors import KeyedVectors
from ..util.wordcounts import decode_words
from .subwords import Subwords, compose_vocabulary, ngram_table

MAGIC = 793712314
MAGIC_BYTES = struct.pack("<i", MAGIC)
VERSIONS = (11, 12)
EOS = b"</s>"      # fastText's end-of-sentence word: it has no n-grams
_ARGS = struct.Struct("<12id")
_ARG_NAMES = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model", "bucket", "minn", "maxn",
              "lrUpdateRate", "t")
_DICT = struct.Struct("<3i2q")
_ENTRY_TAIL = struct.Struct("<qb")
_MATRIX = struct.Struct("<2q")
_MODELS = {1: "cbow", 2: "skipgram", 3: "supervised"}
_LOSSES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
_MAX_DIM = 1 << 20
_MAX_NGRAM = 256
_MAX_WORD_BYTES = 1 << 16   # a longer "word" is damage, not a token


def is_fasttext_bin(head: bytes) -> bool:
    """True when the first bytes are fastText's magic number."""
    return head[:4] == MAGIC_BYTES


class _Reader:
    """Sequential reads from a buffer (an mmap or bytes) that name the file when it ends early."""

    def __init__(self, buf, path: Path):
        self.buf, self.path, self.pos = buf, path, 0

    def need(self, size: int, what: str) -> None:
        if size < 0 or self.pos + size > len(self.buf):
            raise FormatError(f"{self.path}: the file ends inside the {what}; it is truncated or not a "
                              "fastText model")

    def unpack(self, layout: struct.Struct, what: str) -> tuple:
        self.need(layout.size, what)
        values = layout.unpack_from(self.buf, self.pos)
        self.pos += layout.size
        return values

    def flag(self, what: str) -> int:
        self.need(1, what)
        value = self.buf[self.pos]
        self.pos += 1
        if value not in (0, 1):
            raise FormatError(f"{self.path}: the {what} flag is {value}, not 0 or 1; the file is damaged")
        return value


def _check_args(args: dict, path: Path) -> None:
    problems = []
    if not 0 < args["dim"] <= _MAX_DIM:
        problems.append(f"dim {args['dim']}")
    if args["bucket"] < 0:
        problems.append(f"bucket {args['bucket']}")
    if args["maxn"] and not (1 <= args["minn"] <= args["maxn"] <= _MAX_NGRAM):
        problems.append(f"minn {args['minn']} and maxn {args['maxn']}")
    if args["maxn"] < 0 or (args["maxn"] and args["bucket"] == 0):
        problems.append(f"maxn {args['maxn']} with bucket {args['bucket']}")
    if args["model"] not in _MODELS:
        problems.append(f"model {args['model']}")
    if problems:
        raise FormatError(f"{path}: impossible settings in the header ({', '.join(problems)}); the file is damaged "
                          "or not a fastText model")


def _read_dictionary(r: _Reader, path: Path) -> tuple[list[bytes], np.ndarray, int]:
    """(words as raw bytes, counts int64, pruneidx_size); labels are read and left out."""
    size, nwords, nlabels, ntokens, pruneidx_size = r.unpack(_DICT, "dictionary header")
    remaining = len(r.buf) - r.pos
    # each entry takes at least 10 bytes (a NUL, an int64 count, a type byte)
    if not (0 <= nwords and 0 <= nlabels and size == nwords + nlabels and 10 * size <= remaining
            and ntokens >= 0 and -1 <= pruneidx_size <= remaining // 8):
        raise FormatError(f"{path}: impossible dictionary sizes ({size} entries, {nwords} words, {nlabels} "
                          f"labels, {pruneidx_size} pruned ids); the file is damaged or truncated")
    if nwords == 0:
        raise FormatError(f"{path}: the model has no words")
    words, counts = [], np.empty(nwords, dtype=np.int64)
    buf, find, pos = r.buf, r.buf.find, r.pos
    for i in range(size):
        end = find(b"\0", pos, pos + _MAX_WORD_BYTES + 1)
        if end < 0:
            r.pos = pos
            r.need(_MAX_WORD_BYTES + 1, f"dictionary (entry {i + 1} of {size})")
            raise FormatError(f"{path}: dictionary entry {i + 1} is not a word (no end within "
                              f"{_MAX_WORD_BYTES} bytes); the file is damaged")
        r.pos = end + 1
        count, kind = r.unpack(_ENTRY_TAIL, f"dictionary (entry {i + 1} of {size})")
        if kind != (0 if i < nwords else 1) or end == pos or count < 0:
            raise FormatError(f"{path}: dictionary entry {i + 1} is damaged (type {kind}, count {count}, "
                              f"{end - pos} bytes)")
        if i < nwords:
            words.append(bytes(buf[pos:end]))
            counts[i] = count
        pos = r.pos
    if pruneidx_size > 0:
        r.need(8 * pruneidx_size, "pruned n-gram index")
        r.pos += 8 * pruneidx_size
    return words, counts, pruneidx_size


def _dense_matrix(r: _Reader, path: Path, what: str, rows: int, dim: int) -> np.ndarray:
    """The float32 rows × dim matrix at the reader's position, as a view of the buffer."""
    if r.flag(f"quantized {what}"):
        raise FormatError(f"{path}: a quantized fastText model (.ftz) cannot be read; use the full .bin model")
    found_rows, found_cols = r.unpack(_MATRIX, f"{what} matrix header")
    if (found_rows, found_cols) != (rows, dim):
        raise FormatError(f"{path}: the {what} matrix is {found_rows} × {found_cols}, expected {rows} × {dim}; "
                          "the file is damaged")
    r.need(4 * rows * dim, f"{what} matrix")
    matrix = np.frombuffer(r.buf, dtype="<f4", count=rows * dim, offset=r.pos).reshape(rows, dim)
    r.pos += 4 * rows * dim
    return matrix


def read_fasttext_bin(buf, path: Path, limit: int | None = None) -> KeyedVectors:
    """KeyedVectors (with subwords when the model has n-grams) from a .bin file's bytes.

    ``buf`` is the file memory-mapped (or its decompressed bytes); the n-gram matrix stays a
    view of it. Refuses quantized models, supervised models' word n-gram buckets are kept as
    they are (their char n-grams, maxn, are usually 0).
    """
    r = _Reader(buf, path)
    magic, version = r.unpack(struct.Struct("<2i"), "header")
    if magic != MAGIC:
        raise FormatError(f"{path}: not a fastText model (wrong magic number)")
    if version not in VERSIONS:
        raise FormatError(f"{path}: fastText model version {version} is not supported (this wordvec reads "
                          f"versions {' and '.join(map(str, VERSIONS))})")
    args = dict(zip(_ARG_NAMES, r.unpack(_ARGS, "settings")))
    if version == 11 and args["model"] == 3:
        args["maxn"] = 0  # fastText: old supervised models have no character n-grams
    _check_args(args, path)
    raw_words, counts, pruneidx_size = _read_dictionary(r, path)
    if pruneidx_size >= 0:
        raise FormatError(f"{path}: a pruned (quantized) fastText model cannot be read; use the full .bin model")
    dim, nwords, buckets = args["dim"], len(raw_words), args["bucket"]
    input_matrix = _dense_matrix(r, path, "input", nwords + buckets, dim)
    out_flag = r.flag("quantized output")
    out_rows, out_cols = r.unpack(_MATRIX, "output matrix header")
    if out_flag or out_cols != dim or out_rows < 0 or 4 * out_rows * out_cols != len(buf) - r.pos:
        raise FormatError(f"{path}: the output matrix ({out_rows} × {out_cols}) does not match the rest of the "
                          f"file ({len(buf) - r.pos} bytes); it is truncated or damaged")
    n = nwords if limit is None else min(limit, nwords)
    check_fits(4 * n * dim, f"{path}: {n:,} vectors x {dim} dims", "pass --limit N to read only the first N rows")
    raw_words, counts = raw_words[:n], counts[:n]
    word_rows = input_matrix[:n]
    meta = _meta(args, version)
    if args["maxn"] == 0:
        return KeyedVectors(np.array(word_rows, dtype=np.float32), decode_words(raw_words, path), counts, meta)
    ngrams = input_matrix[nwords:]
    offsets, ids = ngram_table(raw_words, args["minn"], args["maxn"], buckets)
    is_eos = np.array([w == EOS for w in raw_words])
    if is_eos.any():  # fastText gives "</s>" its own row only
        keep = np.repeat(~is_eos, np.diff(offsets))
        ids = ids[keep]
        offsets = np.concatenate(([0], np.cumsum(np.where(is_eos, 0, np.diff(offsets)))))
    vectors = compose_vocabulary(word_rows, ngrams, offsets, ids)
    return KeyedVectors(vectors, decode_words(raw_words, path), counts, meta,
                        subwords=Subwords(ngrams, args["minn"], args["maxn"]))


def _meta(args: dict, version: int) -> dict:
    """meta.json keys of a loaded model; fastText's settings under our names where they exist."""
    config = {"dim": args["dim"], "window": args["ws"], "epochs": args["epoch"], "min_count": args["minCount"],
              "negative": args["neg"], "sample": args["t"], "loss": _LOSSES.get(args["loss"], args["loss"]),
              "word_ngrams": args["wordNgrams"], "lr_update_rate": args["lrUpdateRate"]}
    meta = {"trainer": f"fasttext-{_MODELS[args['model']]}", "config": config,
            "fasttext_version": version}
    if args["maxn"]:
        meta.update({"subwords": [args["minn"], args["maxn"]], "buckets": args["bucket"]})
    return meta

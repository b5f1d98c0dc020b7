"""The native vectors folder: vectors.npy, vocab.txt, meta.json, optional context.npy,
ngrams.npy (subword models) and users (items). Reading memory-maps the matrices; writing is
atomic. numpy only: on the query path, never numba.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from ..errors import FormatError, WordvecError
from ..util.progress import log
from ..util.wordcounts import ASCII_WHITESPACE, read_word_counts
from . import sidecars
from .keyedvectors import KeyedVectors
from .subwords import Subwords
from .wordtable import open_index

NATIVE_FORMAT = "wordvec-vectors"
NATIVE_VERSION = 1
_ASCII_SPACE = re.compile(f"[{ASCII_WHITESPACE}]")
_WRITE_BLOCK_BYTES = 1 << 20  # float32 bytes formatted per write: a save adds little to a trainer's peak


def write_rows(dim: int) -> int:
    return max(1, _WRITE_BLOCK_BYTES // (4 * max(dim, 1)))


def check_words(kv: KeyedVectors, fmt: str) -> None:
    """Every format separates words by ASCII whitespace, so a word may hold anything else."""
    for i, word in enumerate(kv.words):
        if not word or _ASCII_SPACE.search(word):
            raise FormatError(f"word at row {i + 1} ({word!r}) is empty or contains whitespace; "
                              f"the {fmt} format cannot store it")


def load_native(path: Path, limit: int | None, use_mmap: bool) -> KeyedVectors:
    meta = read_native_meta(path)
    vectors = _load_npy(path / "vectors.npy", use_mmap, np.float32, 2)
    count, dim = meta.get("count"), meta.get("dim")
    if (count, dim) != vectors.shape:
        raise FormatError(f"{path}: meta.json says {count} × {dim} but vectors.npy is "
                          f"{vectors.shape[0]} × {vectors.shape[1]}; the folder is damaged")
    rows = count if limit is None else min(limit, count)

    def read_all() -> tuple[list[str], np.ndarray]:
        words, counts = read_word_counts(path / "vocab.txt", limit)
        if len(words) != rows:
            raise FormatError(f"{path / 'vocab.txt'} has {len(words):,} words for {count:,} vector rows")
        return words, counts

    table = open_index(path, count, rows, read_all)  # None: no index, or vocab.txt changed
    counts = None
    if table is None:
        table, counts = read_all()
        counts = counts if counts.any() else None
    if limit is not None:
        vectors = vectors[:limit]
    subwords = _load_subwords(path, meta, dim, use_mmap) if "subwords" in meta else None
    kv = KeyedVectors(vectors, table, counts, meta, subwords=subwords, norms=sidecars.stored_norms(path, vectors))
    if (path / "users.npy").exists() and limit is None:
        kv.users = _load_users(path, use_mmap, kv)
    return kv


def _load_subwords(path: Path, meta: dict, dim: int, use_mmap: bool) -> Subwords | None:
    """ngrams.npy and the meta.json keys "subwords" [MIN, MAX] and "buckets" of a subword model.

    Without ngrams.npy (a folder re-saved by a wordvec that did not know subwords keeps the
    keys but drops the file) the vocabulary's vectors still load, with a warning.
    """
    if not (path / "ngrams.npy").is_file():
        log.warning("%s: meta.json describes subwords but ngrams.npy is missing; loaded without them "
                    "(words outside the vocabulary cannot be composed)", path)
        return None
    lengths, buckets = meta.get("subwords"), meta.get("buckets")
    if not (isinstance(lengths, list) and len(lengths) == 2 and all(type(n) is int for n in lengths)
            and 1 <= lengths[0] <= lengths[1] and type(buckets) is int and buckets >= 1):
        raise FormatError(f"{path / 'meta.json'}: \"subwords\" must be [MIN, MAX] with 1 <= MIN <= MAX and "
                          f"\"buckets\" a positive integer, not {lengths!r} and {buckets!r}; the folder is damaged")
    ngrams = _load_npy(path / "ngrams.npy", use_mmap, np.float32, 2)
    if ngrams.shape != (buckets, dim):
        raise FormatError(f"{path}: meta.json says {buckets} × {dim} n-gram rows but ngrams.npy is "
                          f"{ngrams.shape[0]} × {ngrams.shape[1]}; the folder is damaged")
    return Subwords(ngrams, lengths[0], lengths[1])


def _load_npy(file: Path, use_mmap: bool, dtype, ndim: int) -> np.ndarray:
    """A .npy array of the expected dtype and rank, or FormatError naming the damaged file."""
    try:
        array = np.load(file, mmap_mode="r" if use_mmap else None, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - numpy's header parser raises anything from EOFError to SyntaxError
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise FormatError(f"{file}: cannot read it ({reason}); the folder is damaged") from None
    if array.dtype != dtype or array.ndim != ndim:
        raise FormatError(f"{file}: expected a {ndim}-D {np.dtype(dtype).name} array, found {array.dtype} "
                          f"with shape {array.shape}")
    return array


def _load_users(path: Path, use_mmap: bool, items: KeyedVectors):
    """users.npy, users.txt and the histories (user_items.npy, user_offsets.npy) of a native folder."""
    from .users import UserVectors

    vectors = _load_npy(path / "users.npy", use_mmap, np.float32, 2)
    users, _ = read_word_counts(path / "users.txt")
    ids = _load_npy(path / "user_items.npy", use_mmap, np.int32, 1)
    offsets = _load_npy(path / "user_offsets.npy", False, np.int64, 1)
    if vectors.shape != (len(users), items.dim):
        raise FormatError(f"{path}: users.npy is {vectors.shape[0]} × {vectors.shape[1]} for {len(users)} users "
                          f"of dim {items.dim}; the folder is damaged")
    if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= len(items)):
        raise FormatError(f"{path / 'user_items.npy'}: item rows outside 0..{len(items) - 1}; the folder is damaged")
    return UserVectors(vectors, users, ids, offsets, (items.meta.get("users") or {}))


def read_native_meta(path: Path) -> dict:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path / 'meta.json'}: cannot read it ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != NATIVE_FORMAT:
        raise FormatError(f"{path / 'meta.json'}: not a wordvec vectors folder "
                          f"(format is {meta.get('format') if isinstance(meta, dict) else None!r})")
    version = meta.get("version")
    if version != NATIVE_VERSION:
        newer = isinstance(version, int) and version > NATIVE_VERSION
        raise FormatError(f"{path}: native format version {version!r} is not supported (this wordvec "
                          f"reads version {NATIVE_VERSION}){'; upgrade wordvec' if newer else ''}")
    return meta


def load_context(path: str | os.PathLike, mmap: bool = True) -> np.ndarray | None:
    """The context (output) vectors of a native folder, or None if it has none."""
    file = Path(path) / "context.npy"
    if not file.is_file():
        return None
    return np.load(file, mmap_mode="r" if mmap else None, allow_pickle=False)


def _write_npy(path: Path, matrix: np.ndarray, dtype=np.float32) -> None:
    """A .npy file (float32 unless told) written through Python's file object, block by block.

    Not np.save: for small arrays its C-level write goes through a stdio buffer whose failure
    at close is not reported, so a full disk could leave a silently truncated file.
    """
    matrix = np.ascontiguousarray(matrix, dtype=dtype)
    step = write_rows(matrix.shape[1] if matrix.ndim == 2 else 1)
    _write_npy_blocks(path, matrix.shape, (matrix[start:start + step] for start in range(0, matrix.shape[0], step)),
                      dtype)


def _write_npy_blocks(path: Path, shape: tuple[int, ...], blocks, dtype=np.float32) -> None:
    """A C-order .npy file of ``shape`` from consecutive row blocks."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
              "shape": tuple(int(n) for n in shape)}
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        for block in blocks:
            f.write(memoryview(np.ascontiguousarray(block, dtype=dtype)).cast("B"))


def save_native(kv: KeyedVectors, path: Path, context: np.ndarray | None) -> None:
    from .. import __version__

    if context is not None:
        context = np.ascontiguousarray(context, dtype=np.float32)
        if context.shape != kv.vectors.shape:
            raise WordvecError(f"context vectors have shape {context.shape}, expected {kv.vectors.shape}")
    meta = {k: v for k, v in kv.meta.items() if k not in ("subwords", "buckets")}
    if kv.subwords is not None:
        meta.update(kv.subwords.settings())
    if kv.users is not None:
        check_words(kv.users, "native")
        if kv.users.dim != kv.dim:
            raise WordvecError(f"user vectors have {kv.users.dim} dims, the items {kv.dim}")
        meta["users"] = dict(kv.users.meta, users=len(kv.users))
    else:
        meta.pop("users", None)
    meta.update({"format": NATIVE_FORMAT, "version": NATIVE_VERSION, "dim": kv.dim, "count": len(kv),
                 "trainer": kv.meta.get("trainer"), "config": kv.meta.get("config"),
                 "corpus": kv.meta.get("corpus"), "wordvec_version": __version__})
    counts = kv.counts if kv.counts is not None else np.zeros(len(kv), dtype=np.int64)
    from ..util.atomic import atomic_dir  # saving only: keeps shutil and tempfile off the query path

    with atomic_dir(path) as tmp:
        _write_npy(tmp / "vectors.npy", kv.vectors)
        if context is not None:
            _write_npy(tmp / "context.npy", context)
        if kv.subwords is not None:
            sub = kv.subwords
            _write_npy_blocks(tmp / "ngrams.npy", (sub.buckets, sub.dim), sub.blocks(write_rows(sub.dim)))
        vocab = "".join(f"{w} {int(c)}\n" for w, c in zip(kv.words, counts.tolist())).encode("utf-8")
        with open(tmp / "vocab.txt", "wb") as f:
            f.write(vocab)
        sidecars.write(tmp, kv, vocab, _write_npy)
        if kv.users is not None:
            _save_users(tmp, kv.users)
        with open(tmp / "meta.json", "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2, ensure_ascii=False, default=str)
            f.write("\n")


def _save_users(folder: Path, users) -> None:
    """users.npy, users.txt ("user history-length" lines) and the histories, into the folder being written."""
    _write_npy(folder / "users.npy", users.vectors)
    with open(folder / "users.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{u} {int(c)}\n" for u, c in zip(users.words, users.counts.tolist())))
    _write_npy(folder / "user_items.npy", users.history_ids, np.int32)
    _write_npy(folder / "user_offsets.npy", users.history_offsets, np.int64)

"""Reading and writing word vectors: the native folder (wordvec.vectors.native), word2vec
text/binary, GloVe text; reading fastText's binary models (wordvec.vectors.fasttext_bin).

``load(path)`` sniffs the format (a folder holding ``meta.json`` is native, whatever its
name; fastText's magic number is a .bin model; a first line ``V D`` is word2vec text or
binary; otherwise GloVe text, which fastText's ``.vec`` files also satisfy as word2vec text). Readers are tolerant of CRLF, trailing spaces,
a missing final newline and undecodable bytes in words, and precise about real damage (a
row of the wrong length, a header that disagrees with the rows, NaN). Every write is atomic.
numpy only: this module is on the query path and must never import numba.
"""

from __future__ import annotations

import importlib
import lzma
import mmap
import os
import zlib
from pathlib import Path

import numpy as np

from ..config import READ_ONLY_FORMATS, canonical_format
from ..errors import FormatError, WordvecError
from .fasttext_bin import is_fasttext_bin, read_fasttext_bin
from .keyedvectors import KeyedVectors
# the native folder lives in .native; its public names stay importable from here
from .native import NATIVE_FORMAT, NATIVE_VERSION, check_words, load_context, load_native, read_native_meta, \
    save_native, write_rows  # noqa: F401
from .recognise import VOCABULARY, foreign
from .textreader import BOM, header_of, load_text
from .wordtable import PackedWords
from ..util.memory import check_fits
from ..util.progress import log, plural
from ..util.wordcounts import decode_words


# --- sniffing ------------------------------------------------------------------------------
def _compression(path: Path) -> str | None:
    """The module that decompresses `path`, recognised by its first bytes as corpus inputs are."""
    from ..text.inputs import compression_of  # only for files: a native folder never needs it

    with open(path, "rb") as f:
        return compression_of(f.read(8))


def _open_binary(path: Path):
    module = _compression(path)
    return importlib.import_module(module).open(path, "rb") if module else open(path, "rb")


def _is_number(token: bytes) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False


def sniff(path: str | os.PathLike) -> str:
    """Guess the format of ``path``: native, fasttext-bin, word2vec, word2vec-binary or glove."""
    path = Path(path)
    if path.is_dir():
        if (path / "meta.json").is_file():
            return "native"
        raise FormatError(f"{path}: a folder without meta.json is not a wordvec vectors folder")
    if not path.exists():
        raise FormatError(f"{path}: no such file or folder")
    with _open_binary(path) as f:
        head = f.read(1 << 16)
    if not head.strip():
        raise FormatError(f"{path}: the file is empty")
    if is_fasttext_bin(head):
        return "fasttext-bin"
    what = foreign(head)
    if what is not None:
        hint = "; pass --format if these really are vectors" if what == VOCABULARY else ""
        raise FormatError(f"{path}: {what}, not word vectors{hint}")
    first, _, rest = head.removeprefix(BOM).partition(b"\n")
    header = header_of(first)
    if header is not None:
        second = rest.split(b"\n", 1)[0].split()
        text_row = len(second) == header[1] + 1 and all(_is_number(t) for t in second[1:])
        return "word2vec" if text_row else "word2vec-binary"
    fields = first.split()
    if len(fields) >= 2 and all(_is_number(t) for t in fields[1:]):
        return "glove"
    raise FormatError(f"{path}: not a recognised vectors format (expected a native folder, word2vec "
                      "text/binary, GloVe text or a fastText .bin model); pass --format if you know it")


# --- loading -------------------------------------------------------------------------------
def load(path: str | os.PathLike, format: str | None = None, limit: int | None = None,
         allow_nonfinite: bool = False, mmap: bool = True) -> KeyedVectors:
    """Load vectors from any supported format (sniffed unless ``format`` is given).

    limit: read only the first N rows. allow_nonfinite: keep rows with NaN/inf (with a
    warning) instead of refusing the file. mmap: memory-map a native vectors.npy read-only.
    """
    path = Path(path)
    if path.is_file() and path.name == "meta.json":
        path = path.parent
    if limit is not None and limit < 1:
        raise WordvecError(f"--limit must be at least 1, not {limit}")
    try:
        fmt = canonical_format(format) or sniff(path)
        if fmt == "native":
            kv = load_native(path, limit, mmap)
        elif fmt == "word2vec-binary":
            kv = _load_word2vec_binary(path, limit)
        elif fmt == "fasttext-bin":
            kv = read_fasttext_bin(_map_file(path), path, limit)
        else:
            kv = _load_text(path, limit, has_header=(fmt == "word2vec"))
    except (EOFError, OSError, lzma.LZMAError, zlib.error) as exc:  # a damaged gzip/bzip2/xz stream
        from ..text.inputs import read_failure

        raise FormatError(str(read_failure(str(path), exc))) from None
    _check_finite(kv, path, allow_nonfinite)
    kv.source = {"path": str(path), "format": fmt}
    return kv


def _check_finite(kv: KeyedVectors, path: Path, allow: bool, chunk_rows: int = 65536) -> None:
    bad = []
    if kv.stored_norms is not None:  # a row with NaN or inf has a non-finite norm: check only those
        with np.errstate(over="ignore", invalid="ignore"):
            fine = np.isfinite(kv.stored_norms.sum(dtype=np.float64))  # one pass, no temporary
        suspects = np.empty(0, np.int64) if fine else np.flatnonzero(~np.isfinite(kv.stored_norms))
        if len(suspects):
            bad = suspects[~np.isfinite(np.asarray(kv.vectors[suspects])).all(axis=1)].tolist()
    else:
        for start in range(0, len(kv), chunk_rows):
            block = kv.vectors[start:start + chunk_rows]
            with np.errstate(over="ignore", invalid="ignore"):  # a sum of large finite values may overflow
                fast_sum = block.sum()
            if not np.isfinite(fast_sum):  # fast pass (overflow only triggers the exact check)
                rows = np.nonzero(~np.isfinite(block).all(axis=1))[0]
                bad.extend((rows + start).tolist())
    if not bad:
        return
    where = f"{plural(len(bad), 'row')} {'contains' if len(bad) == 1 else 'contain'} NaN or infinity (first: row {bad[0] + 1}, {kv.word(bad[0])!r})"
    if not allow:
        raise FormatError(f"{path}: {where}; pass --allow-nonfinite to load them anyway")
    log.warning("%s: %s; loaded anyway (--allow-nonfinite)", path, where)


def _map_file(path: Path):
    """The file's bytes: memory-mapped when plain, read into memory when compressed."""
    from ..text.inputs import compression_of

    with open(path, "rb") as f:
        module = compression_of(f.read(8))
        if module is not None:
            f.seek(0)
            with importlib.import_module(module).open(f, "rb") as stream:
                return stream.read()
        if os.fstat(f.fileno()).st_size == 0:
            raise FormatError(f"{path}: the file is empty")
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def binary_records(buf, pos: int, n: int, dim: int) -> tuple[list[bytes], list[int], int]:
    """Up to n word2vec binary records from ``pos``: their words, where their vectors start, and
    where the last one ends (beyond the buffer when it is truncated)."""
    size, record = len(buf), 4 * dim
    find, raw, starts = buf.find, [], []
    add_word, add_start = raw.append, starts.append
    for _ in range(n):
        # one record: [\n] word ' ' vector (the newline after a vector is optional, as in gensim)
        if pos < size and buf[pos] == 10:
            pos += 1
        space = find(b" ", pos, pos + 4096)
        if space < 0:
            break
        add_word(buf[pos:space])
        add_start(space + 1)
        pos = space + 1 + record
    return raw, starts, pos


def _load_word2vec_binary(path: Path, limit: int | None) -> KeyedVectors:
    """word2vec binary (GoogleNews layout): ``V D\\n`` then V × (word, space, D float32 LE, optional \\n)."""
    buf = _map_file(path)
    end = buf.find(b"\n")
    header = header_of(buf[:end]) if end > 0 else None
    if header is None:
        raise FormatError(f"{path}: the first line is not a word2vec header 'count dim'")
    count, dim = header
    if count == 0:
        raise FormatError(f"{path}: the header announces 0 vectors")
    n = count if limit is None else min(limit, count)
    size = len(buf)
    raw, starts, pos = binary_records(buf, end + 1, n, dim)
    if len(starts) < n or pos > size:
        rows = len(starts) - (pos > size)
        raise FormatError(f"{path}: the header says {count:,} rows but the file ends after {rows:,}; "
                          "it is truncated or not word2vec binary")
    starts = np.array(starts, dtype=np.int64)
    check_fits(4 * n * dim, f"{path}: {n:,} vectors x {dim} dims", "pass --limit N to read only the first N rows")
    if limit is None and buf[pos:pos + 64].strip():
        raise FormatError(f"{path}: more data follows the {count:,} rows the header announces; "
                          "the header count disagrees with the file")
    vectors = np.empty((n, dim), dtype=np.float32)
    # Gather rows through four strided views, one per byte alignment of the row starts: a
    # sliding window over the float32 view at offset k makes row j start at float j. Blocks
    # of rows bound the temporary copies (GoogleNews is 3.6 GB).
    windows = [np.lib.stride_tricks.sliding_window_view(
        np.frombuffer(buf, dtype="<f4", offset=k, count=(size - k) // 4), dim) for k in range(4)]
    for first in range(0, n, 1 << 16):
        block = starts[first:first + (1 << 16)]
        for k in range(4):
            chosen = np.nonzero(block % 4 == k)[0]
            if len(chosen):
                vectors[first + chosen] = windows[k][(block[chosen] - k) // 4]
    del windows
    if isinstance(buf, mmap.mmap):
        buf.close()
    return KeyedVectors(vectors, decode_words(raw, path))


def _load_text(path: Path, limit: int | None, has_header: bool) -> KeyedVectors:
    """Text vectors; the words stay packed in one buffer until a caller wants them all."""
    vectors, packed, offsets = load_text(path, limit, has_header)
    every = lambda: (packed.decode("utf-8").split("\n")[:-1], None)  # noqa: E731
    return KeyedVectors(vectors, PackedWords(packed, offsets, len(vectors), every, source=str(path),
                                                counted=False))


# --- saving --------------------------------------------------------------------------------
def save(kv: KeyedVectors, path: str | os.PathLike, format: str = "native",
         context: np.ndarray | None = None) -> None:
    """Write ``kv`` atomically. ``context`` (float32 [V, D]) is stored by the native format
    as context.npy and ignored by the others."""
    fmt = canonical_format(format)
    path = Path(path)
    if fmt in READ_ONLY_FORMATS:
        raise WordvecError(f"{path}: wordvec reads fastText .bin models but does not write them; write native "
                           "(keeps the n-grams) or word2vec (the vocabulary's vectors, like fastText's .vec)")
    check_words(kv, fmt)
    if fmt == "native":
        save_native(kv, path, context)
        return
    if kv.users is not None:
        log.warning("%s: the %s format holds items only; the %d user vectors are not written (use native)",
                    path, fmt, len(kv.users))
    from ..util.atomic import atomic_file  # saving only: keeps shutil and tempfile off the query path

    with atomic_file(path, "wb") as f:
        if fmt != "glove":
            f.write(f"{len(kv)} {kv.dim}\n".encode())
        step = write_rows(kv.dim)
        if fmt == "word2vec-binary":
            for start in range(0, len(kv), step):
                rows = np.ascontiguousarray(kv.vectors[start:start + step], dtype="<f4")
                f.write(b"".join(w.encode() + b" " + r.tobytes() + b"\n"
                                 for w, r in zip(kv.words[start:start + len(rows)], rows)))
        else:
            row_format = " ".join(["%.7g"] * kv.dim)
            for start in range(0, len(kv), step):
                rows = np.asarray(kv.vectors[start:start + step], dtype=np.float64).tolist()
                f.write("".join(f"{w} {row_format % tuple(r)}\n"
                                for w, r in zip(kv.words[start:start + len(rows)], rows)).encode())

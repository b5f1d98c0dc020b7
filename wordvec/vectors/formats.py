"""Reading and writing word vectors: the native folder, word2vec text/binary, GloVe text.

``load(path)`` sniffs the format (a folder holding ``meta.json`` is native, whatever its
name; a first line ``V D`` is word2vec text or binary; otherwise GloVe text, which fastText's
``.vec`` files also satisfy as word2vec text). Readers are tolerant of CRLF, trailing spaces,
a missing final newline and undecodable bytes in words, and precise about real damage (a
row of the wrong length, a header that disagrees with the rows, NaN). Every write is atomic.
numpy only: this module is on the query path and must never import numba.
"""

from __future__ import annotations

import importlib
import json
import mmap
import os
import re
from pathlib import Path

import numpy as np

from ..util.atomic import atomic_dir, atomic_file
from ..config import canonical_format
from ..errors import FormatError, WordvecError
from ..text.inputs import compression_of
from .keyedvectors import KeyedVectors
from .recognise import VOCABULARY, foreign
from ..util.memory import check_fits
from ..util.progress import log, plural
from ..util.wordcounts import ASCII_WHITESPACE, decode_words, read_word_counts

NATIVE_FORMAT = "wordvec-vectors"
NATIVE_VERSION = 1

_BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark some editors put at the start of text files
_ASCII_SPACE = re.compile(f"[{ASCII_WHITESPACE}]")
_MAX_DIM = 1 << 20       # a header beyond these bounds is damage, not a real file
_MAX_ROWS = 1 << 40
_ROWS_PER_BLOCK = 32768  # text rows parsed per numpy call (bounds the temporary strings)
_WRITE_BLOCK_BYTES = 1 << 20  # float32 bytes formatted per write: a save adds little to a trainer's peak


def _write_rows(dim: int) -> int:
    return max(1, _WRITE_BLOCK_BYTES // (4 * max(dim, 1)))


# --- sniffing ------------------------------------------------------------------------------
def _compression(path: Path) -> str | None:
    """The module that decompresses `path`, recognised by its first bytes as corpus inputs are."""
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


def _header(line: bytes) -> tuple[int, int] | None:
    """(V, D) if the line is a word2vec header ``V D``, else None."""
    fields = line.split()
    if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit() and 0 < int(fields[1]) <= _MAX_DIM \
            and int(fields[0]) < _MAX_ROWS:
        return int(fields[0]), int(fields[1])
    return None


def sniff(path: str | os.PathLike) -> str:
    """Guess the format of ``path``: native, word2vec, word2vec-binary or glove."""
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
    what = foreign(head)
    if what is not None:
        hint = "; pass --format if these really are vectors" if what == VOCABULARY else ""
        raise FormatError(f"{path}: {what}, not word vectors{hint}")
    first, _, rest = head.removeprefix(_BOM).partition(b"\n")
    header = _header(first)
    if header is not None:
        second = rest.split(b"\n", 1)[0].split()
        text_row = len(second) == header[1] + 1 and all(_is_number(t) for t in second[1:])
        return "word2vec" if text_row else "word2vec-binary"
    fields = first.split()
    if len(fields) >= 2 and all(_is_number(t) for t in fields[1:]):
        return "glove"
    raise FormatError(f"{path}: not a recognised vectors format (expected a native folder, word2vec "
                      "text/binary or GloVe text); pass --format if you know it")


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
    fmt = canonical_format(format) or sniff(path)
    if fmt == "native":
        kv = _load_native(path, limit, mmap)
    elif fmt == "word2vec-binary":
        kv = _load_word2vec_binary(path, limit)
    else:
        kv = _load_text(path, limit, has_header=(fmt == "word2vec"))
    _check_finite(kv, path, allow_nonfinite)
    kv.source = {"path": str(path), "format": fmt}
    return kv


def _check_finite(kv: KeyedVectors, path: Path, allow: bool, chunk_rows: int = 65536) -> None:
    bad = []
    for start in range(0, len(kv), chunk_rows):
        block = kv.vectors[start:start + chunk_rows]
        with np.errstate(over="ignore", invalid="ignore"):  # a sum of large finite values may overflow
            fast_sum = block.sum()
        if not np.isfinite(fast_sum):  # fast pass (overflow only triggers the exact check)
            rows = np.nonzero(~np.isfinite(block).all(axis=1))[0]
            bad.extend((rows + start).tolist())
    if not bad:
        return
    where = f"{plural(len(bad), 'row')} {'contains' if len(bad) == 1 else 'contain'} NaN or infinity (first: row {bad[0] + 1}, {kv.words[bad[0]]!r})"
    if not allow:
        raise FormatError(f"{path}: {where}; pass --allow-nonfinite to load them anyway")
    log.warning("%s: %s; loaded anyway (--allow-nonfinite)", path, where)


def _load_native(path: Path, limit: int | None, use_mmap: bool) -> KeyedVectors:
    meta = read_native_meta(path)
    try:
        vectors = np.load(path / "vectors.npy", mmap_mode="r" if use_mmap else None, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - numpy's header parser raises anything from EOFError to SyntaxError
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise FormatError(f"{path / 'vectors.npy'}: cannot read it ({reason}); the folder is damaged") from None
    if vectors.dtype != np.float32 or vectors.ndim != 2:
        raise FormatError(f"{path / 'vectors.npy'}: expected a 2-D float32 matrix, found {vectors.dtype} "
                          f"with shape {vectors.shape}")
    count, dim = meta.get("count"), meta.get("dim")
    if (count, dim) != vectors.shape:
        raise FormatError(f"{path}: meta.json says {count} × {dim} but vectors.npy is "
                          f"{vectors.shape[0]} × {vectors.shape[1]}; the folder is damaged")
    words, counts = read_word_counts(path / "vocab.txt", limit)
    if len(words) != (count if limit is None else min(limit, count)):
        raise FormatError(f"{path / 'vocab.txt'} has {len(words):,} words for {count:,} vector rows")
    if limit is not None:
        vectors = vectors[:limit]
    kv = KeyedVectors(vectors, words, counts if counts.any() else None, meta)
    if (path / "users.npy").exists() and limit is None:
        kv.users = _load_users(path, use_mmap, kv)
    return kv


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


def _map_file(path: Path):
    """The file's bytes: memory-mapped when plain, read into memory when compressed."""
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
    header = _header(buf[:end]) if end > 0 else None
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


def _parse_rows(lines: list[bytes], dim: int, path: Path, first_line: int) -> np.ndarray:
    """Parse ``D`` numbers per line (already stripped of the word) in one numpy call."""
    try:
        values = np.fromstring(b" ".join(lines).decode("ascii"), dtype=np.float32, sep=" ")
    except (ValueError, UnicodeDecodeError):
        values = np.empty(0, np.float32)
    if values.size == len(lines) * dim:
        return values.reshape(len(lines), dim)
    for i, line in enumerate(lines):  # slow path, only to name the damaged line
        for token in line.split():
            if not _is_number(token):
                raise FormatError(f"{path}: line {first_line + i}: {token[:40]!r} is not a number")
    raise FormatError(f"{path}: could not parse the numbers near line {first_line}")


def _load_text(path: Path, limit: int | None, has_header: bool) -> KeyedVectors:
    """word2vec text (``V D`` header), fastText .vec (the same) or GloVe text (no header; a
    ``V D`` first line, as Stanford GloVe writes with -write-header 1, is skipped)."""
    count = dim = None
    skipped_header = False
    raw, blocks, pending, pending_start = [], [], [], 1
    with _open_binary(path) as f:
        line_no = 0
        for line in f:
            line_no += 1
            line = line.rstrip() if line_no > 1 else line.removeprefix(_BOM).rstrip()
            if not line:
                continue
            if has_header and count is None:
                header = _header(line)
                if header is None:
                    raise FormatError(f"{path}: line 1 is not a word2vec header 'count dim' (is it GloVe "
                                      "text? pass --format glove)")
                count, dim = header
                rows = count if limit is None else min(limit, count)
                check_fits(4 * rows * dim, f"{path}: {rows:,} vectors x {dim} dims",
                           "pass --limit N to read only the first N rows")
                continue
            if not has_header and dim is None and not skipped_header and _header(line) is not None:
                skipped_header = True  # a 'count dim' line over GloVe text (glove -write-header 1): ignored
                continue
            if b"\t" in line:
                line = line.replace(b"\t", b" ")
            word, _, numbers = line.partition(b" ")
            if dim is None:
                dim = len(numbers.split())
                if dim == 0:
                    raise FormatError(f"{path}: line {line_no} has a word but no numbers")
            if numbers.count(b" ") + 1 != dim:  # cheap count; exact split only when spacing is odd
                found = len(numbers.split())
                if found != dim:
                    raise FormatError(f"{path}: line {line_no} has {found} numbers, expected {dim}")
                numbers = b" ".join(numbers.split())
            if not pending:
                pending_start = line_no
            raw.append(word)
            pending.append(numbers)
            if len(pending) == _ROWS_PER_BLOCK:
                blocks.append(_parse_rows(pending, dim, path, pending_start))
                pending = []
            if limit is not None and len(raw) >= limit:
                break
    if pending:
        blocks.append(_parse_rows(pending, dim, path, pending_start))
    if not raw:
        raise FormatError(f"{path}: no vectors found")
    if count is not None and len(raw) != count and (limit is None or len(raw) < min(limit, count)):
        raise FormatError(f"{path}: the header says {count:,} rows but the file has {len(raw):,}; "
                          "fix the first line or pass --format glove to ignore it")
    vectors = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    return KeyedVectors(vectors, decode_words(raw, path))


# --- saving --------------------------------------------------------------------------------
def _check_words(kv: KeyedVectors, fmt: str) -> None:
    """Every format separates words by ASCII whitespace, so a word may hold anything else."""
    for i, word in enumerate(kv.words):
        if not word or _ASCII_SPACE.search(word):
            raise FormatError(f"word at row {i + 1} ({word!r}) is empty or contains whitespace; "
                              f"the {fmt} format cannot store it")


def save(kv: KeyedVectors, path: str | os.PathLike, format: str = "native",
         context: np.ndarray | None = None) -> None:
    """Write ``kv`` atomically. ``context`` (float32 [V, D]) is stored by the native format
    as context.npy and ignored by the others."""
    fmt = canonical_format(format)
    path = Path(path)
    _check_words(kv, fmt)
    if fmt == "native":
        _save_native(kv, path, context)
        return
    if kv.users is not None:
        log.warning("%s: the %s format holds items only; the %d user vectors are not written (use native)",
                    path, fmt, len(kv.users))
    with atomic_file(path, "wb") as f:
        if fmt != "glove":
            f.write(f"{len(kv)} {kv.dim}\n".encode())
        step = _write_rows(kv.dim)
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


def _write_npy(path: Path, matrix: np.ndarray, dtype=np.float32) -> None:
    """A .npy file (float32 unless told) written through Python's file object, block by block.

    Not np.save: for small arrays its C-level write goes through a stdio buffer whose failure
    at close is not reported, so a full disk could leave a silently truncated file.
    """
    matrix = np.ascontiguousarray(matrix, dtype=dtype)
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(matrix))
        step = _write_rows(matrix.shape[1] if matrix.ndim == 2 else 1)
        for start in range(0, matrix.shape[0], step):
            f.write(memoryview(np.ascontiguousarray(matrix[start:start + step])).cast("B"))


def _save_native(kv: KeyedVectors, path: Path, context: np.ndarray | None) -> None:
    from .. import __version__

    if context is not None:
        context = np.ascontiguousarray(context, dtype=np.float32)
        if context.shape != kv.vectors.shape:
            raise WordvecError(f"context vectors have shape {context.shape}, expected {kv.vectors.shape}")
    meta = {k: v for k, v in kv.meta.items()}
    if kv.users is not None:
        _check_words(kv.users, "native")
        if kv.users.dim != kv.dim:
            raise WordvecError(f"user vectors have {kv.users.dim} dims, the items {kv.dim}")
        meta["users"] = dict(kv.users.meta, users=len(kv.users))
    else:
        meta.pop("users", None)
    meta.update({"format": NATIVE_FORMAT, "version": NATIVE_VERSION, "dim": kv.dim, "count": len(kv),
                 "trainer": kv.meta.get("trainer"), "config": kv.meta.get("config"),
                 "corpus": kv.meta.get("corpus"), "wordvec_version": __version__})
    counts = kv.counts if kv.counts is not None else np.zeros(len(kv), dtype=np.int64)
    with atomic_dir(path) as tmp:
        _write_npy(tmp / "vectors.npy", kv.vectors)
        if context is not None:
            _write_npy(tmp / "context.npy", context)
        with open(tmp / "vocab.txt", "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(f"{w} {int(c)}\n" for w, c in zip(kv.words, counts.tolist())))
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

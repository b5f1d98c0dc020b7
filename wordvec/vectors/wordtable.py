"""The words of a vectors table: row → word and word → row, without decoding every word.

Vectors built in memory keep their words in a list (``ListWords``). A native folder written by
this version also holds ``vocab.index.npy``, a hash index over its ``vocab.txt`` computed at
save time; ``PackedWords`` memory-maps both, so opening 3 million words costs a few
milliseconds and a lookup decodes only the words in one hash bucket. Text vectors keep their
words the same way, packed in one buffer, with the index built at the first lookup. The index is trusted
only while vocab.txt is the file it was built from (same size, and same modification time or
same CRC-32), and only if its own CRC-32 holds; otherwise the folder's vocab.txt is read in
full as before. numpy only.

vocab.index.npy (uint32, 1-D) = HEADER_FIELDS header values (below), then the body:
  offsets [V+1]  byte offset of each row's line in vocab.txt (the last one is the file size),
  starts  [B+1]  where each hash bucket's rows begin in `order` (B, a power of two, >= V),
  order   [V]    the rows sorted by bucket, and by row within a bucket (first occurrence first).
A word's bucket is crc32(its UTF-8 bytes) mod B. Vocabularies of 2**32 bytes or more get no
index (their vocab.txt is read in full).
"""

from __future__ import annotations

import mmap
import os
import zlib
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import FormatError
from ..util.progress import log

INDEX_FILE = "vocab.index.npy"
MAGIC = int.from_bytes(b"wvix", "little")
INDEX_VERSION = 1
# magic, version, V, B, vocab.txt bytes (low, high 32 bits), its mtime_ns (low, high), its
# crc32, the body's crc32, two zeros
HEADER_FIELDS = 12
_LIMIT = 1 << 32


class ListWords:
    """Words held in a list; the word → row dict is built on first lookup."""

    def __init__(self, words: list[str]):
        self.words = words
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def word(self, row: int) -> str:
        return self.words[row]

    def slice(self, start: int, stop: int) -> list[str]:
        return self.words[start:stop]

    def as_list(self) -> list[str]:
        return self.words

    @property
    def index(self) -> dict[str, int]:
        """word → row (first occurrence wins for duplicated words)."""
        if self._index is None:
            words = self.words
            self._index = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))
        return self._index

    def find(self, word: str) -> int:
        return self.index.get(word, -1)


class PackedWords:
    """Words as the lines of one buffer, found through a hash index, decoded only when asked.

    lines: vocab.txt memory-mapped (``word count`` lines) or the words a text reader collected
    (``word`` lines); offsets [V+1]: where each row's line starts, then the buffer's end;
    buckets: (starts, order) as in vocab.index.npy, or None to build them at the first lookup;
    rows: the rows visible (fewer than V after a --limit); read_all: every word and the counts
    (or None) at once, for callers that want the whole list; source: the file named in errors;
    counted: whether the lines hold counts (if not, counts() is None without reading anything).
    """

    def __init__(self, lines, offsets: np.ndarray, rows: int,
                 read_all: Callable[[], tuple[list[str], np.ndarray | None]],
                 buckets: tuple[np.ndarray, np.ndarray] | None = None, source: str = "the words",
                 counted: bool = True):
        self.lines = lines
        self.offsets = offsets
        self.count = len(offsets) - 1
        self.rows = rows
        self.buckets = buckets
        self.source = source
        self.counted = counted
        self._read_all = read_all
        self._words: list[str] | None = None
        self._counts: np.ndarray | None = None
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return self.rows

    def _words_in(self, start: int, stop: int) -> list[bytes]:
        """The UTF-8 bytes of rows start..stop-1, straight from the buffer."""
        begin, end = int(self.offsets[start]), int(self.offsets[stop])
        lines = self.lines[begin:end].split(b"\n")
        if len(lines) != stop - start + 1 or lines[-1]:
            raise FormatError(f"{self.source} changed while in use: rows {start}..{stop - 1} are not whole lines")
        return [line.partition(b" ")[0] for line in lines[:-1]]

    def word(self, row: int) -> str:
        if self._words is not None:
            return self._words[row]
        return self._words_in(row, row + 1)[0].decode("utf-8", errors="replace")

    def slice(self, start: int, stop: int) -> list[str]:
        start, stop, _ = slice(start, stop).indices(self.rows)
        if self._words is not None or stop <= start:
            return self.as_list()[start:stop]
        return [w.decode("utf-8", errors="replace") for w in self._words_in(start, stop)]

    def _load(self) -> None:
        if self._words is None:
            words, counts = self._read_all()
            self._words = words[:self.rows]
            self._counts = None if counts is None else counts[:self.rows]

    def as_list(self) -> list[str]:
        self._load()
        return self._words

    def counts(self) -> np.ndarray | None:
        if not self.counted:
            return None
        self._load()
        return self._counts

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = ListWords(self.as_list()).index
        return self._index

    def find(self, word: str) -> int:
        """The first row holding `word`, or -1: hash its bytes, compare the bucket's lines."""
        try:
            key = word.encode("utf-8")
        except UnicodeEncodeError:
            return -1
        if self.buckets is None:  # hash the words a block at a time: never every word object at once
            self.buckets = bucket_rows(np.concatenate([
                np.fromiter(map(zlib.crc32, self._words_in(start, min(start + 65536, self.count))), np.uint32)
                for start in range(0, self.count, 65536)] or [np.empty(0, np.uint32)]))
        starts, order = self.buckets
        bucket = zlib.crc32(key) & (len(starts) - 2)
        for row in order[int(starts[bucket]):int(starts[bucket + 1])].tolist():
            if row >= self.rows:
                break  # a bucket lists its rows in order: the rest are past --limit too
            start = int(self.offsets[row])
            if self.lines[start:start + len(key)] == key and self.lines[start + len(key):start + len(key) + 1] \
                    in (b" ", b"\n"):
                return row
        return -1


# --- writing and opening the index ------------------------------------------------------------
def _bucket_count(n: int) -> int:
    return 1 << max(0, (max(n, 1) - 1).bit_length())


def _halves(value: int) -> list[int]:
    return [value & 0xFFFFFFFF, value >> 32]


def bucket_rows(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts [B+1], order [V]) from the CRC-32 of each row's word: the rows of bucket b are
    order[starts[b]:starts[b+1]], in row order; a word's bucket is its CRC-32 mod B, B the
    smallest power of two >= V."""
    buckets = _bucket_count(len(hashes))
    bucket = hashes & np.uint32(buckets - 1)
    starts = np.zeros(buckets + 1, dtype=np.uint32)
    np.cumsum(np.bincount(bucket, minlength=buckets), out=starts[1:])
    return starts, np.argsort(bucket, kind="stable").astype(np.uint32)


def build_index(words: list[str], vocab_bytes: bytes) -> np.ndarray | None:
    """The index array for `words`, whose vocab.txt (``word count`` lines) is `vocab_bytes`;
    None when the vocabulary is too large for 32-bit offsets."""
    n = len(words)
    if len(vocab_bytes) >= _LIMIT or n == 0:
        return None
    starts, order = bucket_rows(np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), np.uint32, n))
    body = np.concatenate([[0], line_ends(vocab_bytes), starts, order]).astype(np.uint32)
    header = [MAGIC, INDEX_VERSION, n, len(starts) - 1, *_halves(len(vocab_bytes)), 0, 0, zlib.crc32(vocab_bytes),
              zlib.crc32(body), 0, 0]
    return np.concatenate([np.array(header, dtype=np.uint32), body])


def line_ends(data) -> np.ndarray:
    """The position just after each newline of `data` (bytes or a buffer)."""
    return np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1


def stamp_index(index: np.ndarray, vocab_path: Path) -> None:
    """Record vocab.txt's modification time in the index (once the file is written)."""
    index[6:8] = _halves(os.stat(vocab_path).st_mtime_ns)


def _stale(index_path: Path) -> None:
    log.info("%s is damaged or does not match vocab.txt: reading vocab.txt in full (`wordvec convert FOLDER "
             "NEW --to native` writes a folder with a fresh index)", index_path)
    return None


def open_index(folder: Path, count: int, rows: int,
               read_all: Callable[[], tuple[list[str], np.ndarray | None]]) -> PackedWords | None:
    """The `count` words of the folder's vocab.txt through its index (the first `rows` of them
    visible), or None when there is no index or it does not match vocab.txt."""
    index_path, vocab_path = folder / INDEX_FILE, folder / "vocab.txt"
    try:
        stat = os.stat(vocab_path)
        index = np.load(index_path, mmap_mode="r", allow_pickle=False)
    except Exception:  # noqa: BLE001 - absent, or numpy's header parser met damage (any exception type)
        return None
    if index.dtype != np.uint32 or index.ndim != 1 or len(index) < HEADER_FIELDS:
        return _stale(index_path)
    magic, version, indexed, buckets, size_lo, size_hi, time_lo, time_hi, vocab_crc, body_crc = \
        (int(x) for x in index[:10])
    size, mtime = size_lo | size_hi << 32, time_lo | time_hi << 32
    if magic != MAGIC or version != INDEX_VERSION or indexed != count or size != stat.st_size or size == 0 \
            or buckets != _bucket_count(count) or len(index) != HEADER_FIELDS + 2 * count + buckets + 2 \
            or zlib.crc32(index[HEADER_FIELDS:]) != body_crc:
        return _stale(index_path)
    with open(vocab_path, "rb") as f:
        vocab = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if mtime != stat.st_mtime_ns and zlib.crc32(vocab) != vocab_crc:
        vocab.close()
        return _stale(index_path)
    body = index[HEADER_FIELDS:]
    buckets_at = count + 1
    return PackedWords(vocab, body[:buckets_at], rows, read_all,
                       (body[buckets_at:buckets_at + buckets + 1], body[buckets_at + buckets + 1:]), str(vocab_path))

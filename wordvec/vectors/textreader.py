"""Reading word2vec text, fastText .vec and GloVe text at the speed of memory.

The file is read in blocks of whole lines into one reusable buffer (a plain file is read, not
memory-mapped, so a 1 GB file never adds 1 GB of mapped pages to the process). Each block is
cut at line boundaries into one part per core and a numba kernel parses the parts in Python
threads (it releases the GIL), each into its own scratch rows, copied into the result in file
order. The first lines (byte-order mark, header, the first row that fixes the dimension) are
read here in Python, so the kernel sees only rows. This is the one place on the query path
that imports numba, and only when a text file is actually read.
"""

from __future__ import annotations

import codecs
import importlib
import os
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..util.memory import check_fits
from ..util.progress import log

BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark some editors put at the start of text files
MAX_DIM = 1 << 20       # a header beyond these bounds is damage, not a real file
MAX_ROWS = 1 << 40
# Bytes of text one thread parses per call. 256 KiB parts stay in the core's L2 cache with their
# scratch rows: a 1 GB GloVe file measured 1.65 s at 256 KiB against 2.1-2.6 s at 1 MiB, with a
# 6 MiB lower peak (smaller buffer and scratch); 64 KiB parts pay the per-call overhead (2.9 s).
PART_BYTES = 1 << 18
MAX_THREADS = 8
OFFSETS32_BYTES = 1 << 32   # words up to this many bytes keep 32-bit offsets


def header_of(line: bytes) -> tuple[int, int] | None:
    """(V, D) if the line is a word2vec header ``V D``, else None."""
    fields = line.split()
    if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit() and 0 < int(fields[1]) <= MAX_DIM \
            and int(fields[0]) < MAX_ROWS:
        return int(fields[0]), int(fields[1])
    return None


def _threads() -> int:
    try:
        return max(1, min(MAX_THREADS, len(os.sched_getaffinity(0))))
    except AttributeError:  # not Linux
        return max(1, min(MAX_THREADS, os.cpu_count() or 1))


class _Blocks:
    """Whole lines of a binary stream, a buffer at a time: ``buf[:filled]`` holds the data."""

    def __init__(self, stream, size: int):
        self.stream = stream
        self.buf = np.empty(size, dtype=np.uint8)
        self.filled = 0
        self.eof = False
        self.consumed = 0  # bytes of the stream dropped from the front of the buffer

    def fill(self) -> None:
        view = memoryview(self.buf)
        while self.filled < len(self.buf) and not self.eof:
            n = self.stream.readinto(view[self.filled:])
            if not n:
                self.eof = True
            else:
                self.filled += n

    def drop(self, upto: int) -> None:
        """Forget buf[:upto] and move the rest to the front, then read more."""
        tail = self.filled - upto
        if tail:
            self.buf[:tail] = self.buf[upto:self.filled].copy()
        self.filled = tail
        self.consumed += upto
        self.fill()

    def grow(self) -> None:
        bigger = np.empty(2 * len(self.buf), dtype=np.uint8)
        bigger[:self.filled] = self.buf[:self.filled]
        self.buf = bigger
        self.fill()

    def line(self, kernels, pos: int) -> int:
        """The end of the line starting at pos (just after its newline), growing the buffer as
        needed so that the whole line is in it."""
        while True:
            end = kernels.next_line(self.buf, pos, self.filled)
            if end <= self.filled and (self.buf[end - 1] == 10 or self.eof):
                return end
            self.grow()


class _Rows:
    """The growing result: float32 rows, their words packed in one buffer (each followed by a
    newline) with where each starts, and how many rows are still wanted."""

    def __init__(self, dim: int, capacity: int, keep: int | None, stop: int | None):
        self.vectors = np.empty((capacity, dim), dtype=np.float32)
        # starts[i]: row i's word in `words`; 32 bits until the words pass 4 GiB (the native
        # index stores them so too), which keeps a 400k-row file's peak 1.6 MB lower
        self.starts = np.zeros(capacity + 1, dtype=np.uint32)
        self.words = bytearray()
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.valid = True       # every word so far is UTF-8
        self.count = 0          # rows kept
        self.seen = 0           # rows in the file so far, kept or not
        self.keep = keep        # keep at most this many rows (None: all)
        self.stop = stop        # stop reading after this many rows (None: read to the end)

    def done(self) -> bool:
        return self.stop is not None and self.seen >= self.stop

    def add(self, vectors: np.ndarray, words: np.ndarray, rows: int) -> None:
        self.seen += rows
        take = rows if self.keep is None else min(rows, self.keep - self.count)
        if take <= 0:
            return
        if self.count + take > len(self.vectors):
            self._grow(self.count + take)
        self.vectors[self.count:self.count + take] = vectors[:take]
        ends = np.flatnonzero(words == 10)[:take] + 1
        words = words[:int(ends[-1])]
        if self.starts.dtype == np.uint32 and len(self.words) + len(words) >= OFFSETS32_BYTES:
            self.starts = self.starts.astype(np.int64)
        self.starts[self.count + 1:self.count + take + 1] = ends + len(self.words)
        if self.valid:
            try:
                self.utf8.decode(words.data)  # checked a part at a time: no copy of every word at once
            except UnicodeDecodeError:
                self.valid = False
        self.words += words.data
        self.count += take

    def _grow(self, needed: int) -> None:
        # ndarray.resize reallocates in place (glibc moves large blocks with mremap, no copy)
        rows = max(needed, len(self.vectors) * 3 // 2 + 1024)
        self.vectors.resize((rows, self.vectors.shape[1]), refcheck=False)
        self.starts.resize(rows + 1, refcheck=False)

    def finish(self, path: Path) -> tuple[np.ndarray, bytes | bytearray, np.ndarray]:
        if len(self.vectors) != self.count:
            self.vectors.resize((self.count, self.vectors.shape[1]), refcheck=False)
            self.starts.resize(self.count + 1, refcheck=False)
        words = self.words
        try:
            self.utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            self.valid = False
        if not self.valid:
            log.warning("%s: some words are not valid UTF-8; their bad bytes were replaced by U+FFFD", path)
            words = words.decode("utf-8", errors="replace").encode("utf-8")
            if len(words) >= OFFSETS32_BYTES:
                self.starts = self.starts.astype(np.int64)
            self.starts[1:] = np.flatnonzero(np.frombuffer(words, dtype=np.uint8) == 10) + 1
        return self.vectors, words, self.starts


def _open(path: Path):
    """An unbuffered reader for a plain file, or the decompressor; and the plain file's size."""
    from ..text.inputs import compression_of

    with open(path, "rb") as f:
        module = compression_of(f.read(8))
    if module is not None:
        return importlib.import_module(module).open(path, "rb"), None
    return open(path, "rb", buffering=0), os.path.getsize(path)


def load_text(path: Path, limit: int | None, has_header: bool
              ) -> tuple[np.ndarray, bytes | bytearray, np.ndarray]:
    """word2vec text (``V D`` header), fastText .vec (the same) or GloVe text (no header; a
    ``V D`` first line, as Stanford GloVe writes with -write-header 1, is skipped).

    Returns the float32 [rows, dim] matrix, the words in UTF-8 each followed by a newline (bytes
    that are not UTF-8 replaced by U+FFFD, with one warning) and where each word starts (rows+1
    offsets). Errors name the file and the line.
    """
    kernels = importlib.import_module("wordvec._kernels.textvectors")  # numba: only for text
    threads = _threads()
    stream, size = _open(path)
    with stream:
        blocks = _Blocks(stream, threads * PART_BYTES)
        blocks.fill()
        start, line_no, count, dim, first_row = _first_lines(kernels, blocks, path, has_header)
        if dim is None:
            raise FormatError(f"{path}: no vectors found")
        if count is not None:
            wanted = count if limit is None else min(limit, count)
            check_fits(4 * wanted * dim, f"{path}: {wanted:,} vectors x {dim} dims",
                       "pass --limit N to read only the first N rows")
            rows = _Rows(dim, wanted, keep=wanted, stop=limit)
        else:
            rows = _Rows(dim, _estimate_rows(blocks, start, size, limit), keep=limit, stop=limit)
        # scratch rows per part: as if rows were half as long as the first (more are added if not)
        _parse_body(kernels, blocks, start, line_no, rows, dim, path, threads, max(2, first_row // 2))
    if count is not None and rows.seen != count and (limit is None or rows.seen < min(limit, count)):
        raise FormatError(f"{path}: the header says {count} rows but the file has {rows.seen}; "
                          "fix the first line or pass --format glove to ignore it")
    if rows.count == 0:
        raise FormatError(f"{path}: no vectors found")
    return rows.finish(path)


def _first_lines(kernels, blocks: _Blocks, path: Path, has_header: bool):
    """Read lines up to the first row in Python: BOM, blank lines, the header, the dimension.

    Returns (position of the first row, lines before it, header count or None, dim or None,
    the first row's length in bytes).
    """
    pos = 3 if bytes(blocks.buf[:3]) == BOM and blocks.filled >= 3 else 0
    line_no = 0
    count = None
    skipped_header = False
    while pos < blocks.filled:
        end = blocks.line(kernels, pos)
        line = bytes(blocks.buf[pos:end]).rstrip()
        line_no += 1
        if not line:
            pos = end
            continue
        if has_header and count is None:
            header = header_of(line)
            if header is None:
                raise FormatError(f"{path}: line 1 is not a word2vec header 'count dim' (is it GloVe "
                                  "text? pass --format glove)")
            count = header[0]
            pos = end
            continue
        if not has_header and not skipped_header and header_of(line) is not None:
            skipped_header = True  # a 'count dim' line over GloVe text (glove -write-header 1): ignored
            pos = end
            continue
        word, _, numbers = line.replace(b"\t", b" ").partition(b" ")
        dim = len(numbers.split())
        if dim == 0:
            raise FormatError(f"{path}: line {line_no} has a word but no numbers")
        return pos, line_no - 1, count, dim, end - pos
    return pos, line_no, count, None, 0


def _estimate_rows(blocks: _Blocks, start: int, size: int | None, limit: int | None) -> int:
    """Rows to allocate for a file without a header: its size over the first block's bytes per
    row, a little more (the result grows if the guess was short and is trimmed at the end)."""
    sample = blocks.buf[start:blocks.filled]
    per_row = max(1, len(sample) // max(1, int(np.count_nonzero(sample == 10))))
    remaining = (size - blocks.consumed - start) if size is not None else 4 * len(sample)
    guess = remaining // per_row + remaining // per_row // 50 + 16
    return guess if limit is None else min(limit, guess)


def _split(kernels, buf: np.ndarray, start: int, end: int, parts: int) -> list[tuple[int, int]]:
    """[start, end) cut into up to `parts` ranges of whole lines."""
    bounds = [start]
    for k in range(1, parts):
        cut = kernels.next_line(buf, max(bounds[-1], start + (end - start) * k // parts), end)
        if cut >= end:
            break
        bounds.append(cut)
    bounds.append(end)
    return list(zip(bounds[:-1], bounds[1:]))


def _parse_body(kernels, blocks: _Blocks, pos: int, line_no: int, rows: _Rows, dim: int, path: Path,
                threads: int, row_bytes: int) -> None:
    """Parse every row from `pos` on into `rows`, block by block, parts in parallel."""
    scratch: list[tuple[np.ndarray, np.ndarray]] = []
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    try:
        while True:
            end = blocks.filled if blocks.eof else kernels.last_line_end(blocks.buf, pos, blocks.filled)
            if end == pos:
                if blocks.eof:
                    return
                if pos > 0:
                    blocks.drop(pos)
                    pos = 0
                else:
                    blocks.grow()  # one line longer than the buffer
                continue
            parts = _split(kernels, blocks.buf, pos, end, threads)
            while len(scratch) < len(parts):
                scratch.append((np.empty((0, dim), np.float32), np.empty(0, np.uint8)))

            def parse(k: int):
                a, b = parts[k]
                rows_guess = (b - a) // row_bytes + 16
                if len(scratch[k][0]) < rows_guess or len(scratch[k][1]) < b - a + 1:
                    scratch[k] = (np.empty((rows_guess, dim), np.float32), np.empty(b - a + 1, np.uint8))
                while True:
                    result = kernels.parse_rows(blocks.buf, a, b, dim, scratch[k][0], scratch[k][1])
                    if result[3] != kernels.FULL:
                        return result
                    scratch[k] = (np.empty((2 * len(scratch[k][0]), dim), np.float32), scratch[k][1])

            results = list(pool.map(parse, range(len(parts)))) if pool and len(parts) > 1 \
                else [parse(k) for k in range(len(parts))]
            for k, (n, used, lines, status, where, found) in enumerate(results):
                rows.add(scratch[k][0], scratch[k][1][:used], n)
                if rows.done():
                    return  # --limit reached: what follows is never read
                if status != kernels.OK:
                    _raise(kernels, blocks.buf, path, line_no + lines + 1, status, where, found, dim)
                line_no += lines
            pos = end
            if blocks.eof and pos >= blocks.filled:
                return
    finally:
        if pool is not None:
            pool.shutdown()


def _raise(kernels, buf: np.ndarray, path: Path, line: int, status: int, where: int, found: int, dim: int):
    if status == kernels.WRONG_COUNT:
        raise FormatError(f"{path}: line {line} has {found} numbers, expected {dim}")
    token = bytes(buf[where:found])
    raise FormatError(f"{path}: line {line}: {token[:40]!r} is not a number")

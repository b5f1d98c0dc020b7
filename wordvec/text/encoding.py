"""The encoding pass on every core: text blocks → vocabulary rows → ids.npy and offsets.npy.

Worker threads turn blocks into streams of rows and NEWLINE markers (wordvec._kernels.tokenize
.encode_block), looking ASCII words up in a read-only table of the vocabulary. Tokens with
other bytes are normalised in Python once per distinct token and thread (a small cache per
thread maps them to their rows). The calling thread takes the streams in corpus order, cuts
them into sentences and appends them to the files, so the output is the same for any number of
threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ..config import TokenizerConfig, default_threads
from ..errors import CorpusError
from ..util.npyfile import NpyAppender
from .blocks import Block, BufferPool, buffer_bytes, byte_classes, read_blocks, run_in_order
from .bytetable import ByteTable, pack, unpack
from .counting import kernel_tables
from .vocab import Vocab

ENCODE_MAX_TYPES = 1_000_000   # raw tokens a thread remembers before its cache is reset


class _RawCache:
    """One thread's raw (non-ASCII) tokens and the rows each stands for:
    map_ids[map_start[t]:map_start[t+1]] for the first `resolved` tokens of `table`."""

    def __init__(self):
        self.table = ByteTable(1 << 12, 1 << 16)
        self.map_start = np.zeros(1 << 12, np.int64)
        self.map_ids = np.zeros(1 << 12, np.int32)
        self.resolved = 0

    def reset(self) -> None:
        self.table.clear()
        self.resolved = 0


class Encoder:
    """Shared read-only state of an encoding pass and the per-block work."""

    def __init__(self, words: list[str], tokenizer: TokenizerConfig, stream_size: int,
                 keep_empty_lines: bool = False):
        """words: the vocabulary, in row order. keep_empty_lines: every line end (and every
        file end) is marked, so that each line, even empty, becomes a sentence."""
        from .tokenize import type_normalizer

        self.config = tokenizer
        self.vocab_table = ByteTable.from_strings([w.encode("utf-8", "surrogatepass") for w in words])
        self.fold, self.strip, self.identity = kernel_tables(tokenizer)
        self.classes = byte_classes()
        self.normalize = type_normalizer(tokenizer)
        self.stream_size = stream_size
        self.keep_empty_lines = keep_empty_lines
        self._local = threading.local()
        self._streams: list[np.ndarray] = []
        self._lock = threading.Lock()

    def take_stream(self, size: int = 0) -> np.ndarray:
        with self._lock:
            if self._streams and self._streams[-1].shape[0] >= size:
                return self._streams.pop()
        return np.empty(max(size, self.stream_size), np.int32)

    def give_stream(self, stream: np.ndarray) -> None:
        with self._lock:
            self._streams.append(stream)

    def _cache(self) -> _RawCache:
        cache = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = _RawCache()
        if len(cache.table) > ENCODE_MAX_TYPES:  # bound memory on messy corpora: forget, re-resolve
            cache.reset()
        return cache

    def encode(self, block: Block) -> tuple[np.ndarray, int, int]:
        """(stream, entries, raw tokens) of one block: rows and NEWLINE markers."""
        from .._kernels.bytetable import OK
        from .._kernels.blocks import NEED_OUT, NEWLINE, encode_block, expand_markers, marker_growth

        cache = self._cache()
        vocab = self.vocab_table
        stream = self.take_stream()
        pos, used, skipping, tokens, markers = 0, 0, block.skipping, 0, 0
        while True:
            pos, status, skipping, used, n, m = encode_block(
                block.buffer, pos, block.length, skipping, self.config.max_token_bytes, self.classes,
                self.fold, self.strip, self.identity, vocab.slots, vocab.bounds, vocab.arena, vocab.sizes,
                *cache.table.arrays(), cache.resolved, cache.map_start, cache.map_ids, stream, used,
                self.keep_empty_lines)
            tokens += n
            markers += m
            if status == OK:
                break
            if status == NEED_OUT:
                stream = _grown(stream, used)
            else:
                cache.table.grow(status)
        if markers:
            self._resolve(cache)
            out = self.take_stream(used + max(0, int(marker_growth(stream, used, cache.map_start))) + 1)
            used = expand_markers(stream, used, cache.map_start, cache.map_ids, out)
            self.give_stream(stream)
            stream = out
        if block.file_end and (self.keep_empty_lines or used == 0 or stream[used - 1] != NEWLINE):  # a file's end
            # ends its sentence
            if used >= stream.shape[0]:
                stream = _grown(stream, used)
            stream[used] = NEWLINE
            used += 1
        return stream, used, tokens

    def _resolve(self, cache: _RawCache) -> None:
        """Normalise the raw tokens this thread met for the first time and map them to rows."""
        table, first, n = cache.table, cache.resolved, len(cache.table)
        base = int(table.bounds[first])
        words: list[bytes] = []
        per_token = np.zeros(n - first, np.int64)
        for i, token in enumerate(unpack(table.bounds[first:n + 1] - base, table.arena[base:table.bounds[n]])):
            found = self.normalize(token)
            per_token[i] = len(found)
            words.extend(w.encode("utf-8", "surrogatepass") for w in found)
        rows = self.vocab_table.find_all(*pack(words)) if words else np.zeros(0, np.int64)
        owner = np.repeat(np.arange(n - first), per_token)
        known = rows >= 0
        rows_per_token = np.bincount(owner[known], minlength=n - first)
        if n + 1 > cache.map_start.shape[0]:
            cache.map_start = _grown(cache.map_start, first + 1, n + 1)
        used = int(cache.map_start[first])
        cache.map_start[first + 1:n + 1] = used + np.cumsum(rows_per_token)
        total = used + int(known.sum())
        if total > cache.map_ids.shape[0]:
            cache.map_ids = _grown(cache.map_ids, used, total)
        cache.map_ids[used:total] = rows[known]
        cache.resolved = n


class Sentences:
    """Cuts encoded streams, in corpus order, into ids and sentence ends (the unfinished sentence
    carries from one stream to the next; with keep_empty, every line end ends one)."""

    def __init__(self, max_len: int, keep_empty: bool = False):
        self.max_len = max_len
        self.keep_empty = keep_empty
        self.sentence_len = 0
        self._breaks = np.empty(0, np.int64)
        self._ends = np.empty(0, np.int64)

    def add(self, stream: np.ndarray, used: int, base: int) -> tuple[int, np.ndarray]:
        """Drop the NEWLINE markers of stream[:used] in place; returns (ids kept at the front of
        `stream`, global ends of the sentences finished here), ids numbered from `base`."""
        from .._kernels.encode import compact_breaks

        if self._breaks.shape[0] < used:
            self._breaks = np.empty(used, np.int64)
        kept, n_breaks = compact_breaks(stream, used, base, self._breaks, self.keep_empty)
        return kept, self.ends(self._breaks, n_breaks, base, base + kept)

    def ends(self, breaks: np.ndarray, n_breaks: int, start: int, stop: int) -> np.ndarray:
        """Global ends of the sentences finished among ids [start, stop), whose lines end at
        breaks[:n_breaks]."""
        from .._kernels.encode import sentence_ends

        room = n_breaks + (stop - start) // self.max_len + 1
        if self._ends.shape[0] < room:
            self._ends = np.empty(room, np.int64)
        n, self.sentence_len = sentence_ends(breaks, n_breaks, start, stop, self.sentence_len, self.max_len,
                                             self.keep_empty, self._ends)
        return self._ends[:n]


def _grown(array: np.ndarray, used: int, at_least: int = 0) -> np.ndarray:
    new = np.empty(max(2 * array.shape[0], at_least), array.dtype)
    new[:used] = array[:used]
    return new


def encode_files(folder: Path, files: list[str], vocab: Vocab, tokenizer: TokenizerConfig, *,
                 threads: int | None = None, block_bytes: int | None = None, keep_empty_lines: bool = False) -> dict:
    """Stream `files` once, writing ids.npy and offsets.npy into `folder`; returns statistics.
    keep_empty_lines: one (possibly empty) sentence per line, so sentence s is line s + 1 (plus
    one empty sentence after a final newline); for item sequences named by line."""
    from .tokenize import ScanStats
    from .tokenize import progress_reporter

    threads = threads or default_threads()
    size = buffer_bytes(tokenizer, block_bytes)
    encoder = Encoder(vocab.words, tokenizer, size + 2, keep_empty_lines)
    pool = BufferPool(size)
    stats = ScanStats()
    ids_file = NpyAppender(folder / "ids.npy", np.int32)
    offsets_file = NpyAppender(folder / "offsets.npy", np.int64)
    offsets_file.append(np.zeros(1, dtype=np.int64))
    sentences = Sentences(tokenizer.max_sentence_length, keep_empty_lines)

    def consume(block: Block, result) -> None:
        pool.give(block.buffer)
        stream, used, tokens = result
        stats.tokens += tokens
        kept, ends = sentences.add(stream, used, ids_file.count)
        ids_file.append(stream[:kept])
        offsets_file.append(ends)
        encoder.give_stream(stream)

    try:
        with progress_reporter(files, "encoding", stats) as progress:
            blocks = read_blocks(files, tokenizer, pool, stats, block_bytes, on_progress=progress)
            run_in_order(blocks, encoder.encode, consume, threads)
    finally:
        ids_file.close()
        offsets_file.close()
    if ids_file.count == 0:
        raise CorpusError(f"{files[0]}: no token of the corpus is in the vocabulary")
    return {"bytes": stats.bytes, "raw_tokens": stats.tokens, "kept_tokens": ids_file.count,
            "sentences": offsets_file.count - 1}

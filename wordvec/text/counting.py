"""Counting the words of a corpus on every core: blocks → per-block tables → one table, in order.

Each block is tokenized by a worker thread into a small table of its own (it stays in cache);
the calling thread adds the block tables into the corpus table in block order. Memory stays
bounded as in word2vec's ReduceVocab: when the corpus table holds more than `max_types`
strings after a block, those seen at most k times are forgotten and k grows by one each time.
Because blocks are merged in corpus order and pruning is decided only between blocks, the
result (words, counts, even the pruning) is the same for any number of threads.

The table holds normalised ASCII words and raw non-ASCII tokens (wordvec._kernels.tokenize);
at the end the raw tokens are normalised in Python, once each, and their words added in.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import TokenizerConfig, default_threads
from ..util.progress import log
from .blocks import Block, BufferPool, buffer_bytes, byte_classes, read_blocks, run_in_order
from .bytetable import ByteTable, group_by_shard, pack, unpack
from .tokenize import ScanStats

DEFAULT_MAX_TYPES = 8_000_000  # distinct strings held while counting (~40 bytes each) before pruning
SHARD_BITS = 4                 # the corpus table is 16 tables by hash, so threads merge at once
_SHARD_ARENA = 1 << 25         # bytes of strings reserved per shard (address space, not memory)
_RAW_SLICE = 1 << 15           # raw tokens normalised per batch (bounds the Python objects alive)


def kernel_tables(config: TokenizerConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fold, strip, identity) byte maps for the tokenizer kernels: fold lowercases A-Z when
    `lowercase`; strip marks the ASCII punctuation removed from word edges in words mode."""
    from .tokenize import ASCII_PUNCTUATION

    identity = np.arange(256, dtype=np.uint8)
    fold = identity.copy()
    if config.lowercase:
        fold[65:91] += 32
    strip = np.zeros(256, np.bool_)
    if config.tokens == "words":
        strip[[ord(c) for c in ASCII_PUNCTUATION]] = True
    return fold, strip, identity


@dataclass
class WordCounts:
    """Every distinct word of a corpus with its count (UTF-8 strings in a packed layout), and
    what the counting pass saw."""

    bounds: np.ndarray           # int64[n+1]: word i is arena[bounds[i]:bounds[i+1]]
    counts: np.ndarray           # int64[n]
    arena: np.ndarray            # uint8
    raw_tokens: int = 0          # whitespace-separated tokens read
    bytes: int = 0
    files: int = 0
    cut_tokens: int = 0
    invalid_utf8_tokens: int = 0
    prune_threshold: int = 0     # >0: rare strings were forgotten while counting (ReduceVocab)
    seconds: float = 0.0
    corpus_words: int = -1       # distinct words of the whole corpus (-1: these are all of them)
    corpus_tokens: int = -1      # words counted in the whole corpus (-1: the sum of these counts)

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def distinct(self) -> int:
        """Distinct words of the corpus (before --min-count)."""
        return len(self) if self.corpus_words < 0 else self.corpus_words

    @property
    def tokens(self) -> int:
        """Words counted in the corpus (after normalisation)."""
        return int(self.counts.sum()) if self.corpus_tokens < 0 else self.corpus_tokens

    def frequent(self, min_count: int, max_size: int | None = None) -> "WordCounts":
        """The words seen at least `min_count` times in arrays of their own (so the full counts
        can be freed), with the statistics of the whole corpus. With `max_size`, words tied
        with the last one kept stay too: select() makes the exact cut."""
        keep = self.counts >= min_count
        if max_size is not None and int(keep.sum()) > max_size:
            last = np.partition(self.counts[keep], -max_size)[-max_size]
            keep &= self.counts >= last
        rows = np.flatnonzero(keep)
        del keep
        starts, ends = self.bounds[rows], self.bounds[rows + 1]
        bounds = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(ends - starts, out=bounds[1:])
        arena = np.empty(int(bounds[-1]), np.uint8)
        from .._kernels.bytetable import gather

        gather(self.arena, starts, ends - starts, bounds, arena)
        return WordCounts(bounds, self.counts[rows], arena, **self.stats(),
                          corpus_words=self.distinct, corpus_tokens=self.tokens)

    def words_at(self, rows: np.ndarray) -> list[str]:
        """The words at `rows` as Python strings: the packed bytes are decoded once, then sliced
        at character offsets (byte offsets less the UTF-8 continuation bytes before them)."""
        text = self.arena.tobytes().decode("utf-8")
        continuation = np.zeros(len(self.arena) + 1, np.int64)
        np.cumsum((self.arena & 0xC0) == 0x80, out=continuation[1:])
        starts, ends = self.bounds[rows], self.bounds[np.asarray(rows) + 1]
        starts = (starts - continuation[starts]).tolist()
        ends = (ends - continuation[ends]).tolist()
        return [text[a:b] for a, b in zip(starts, ends)]

    def select(self, min_count: int = 1, max_size: int | None = None) -> tuple[list[str], np.ndarray]:
        """The words seen at least `min_count` times, at most `max_size` of them, with their
        counts, in canonical order: by descending count, then by word (code point order)."""
        from .._kernels.bytetable import leading_bytes

        rows = np.flatnonzero(self.counts >= min_count)
        values = self.counts[rows]
        # UTF-8 byte order is code point order: sort by count, then by the first 8 bytes (as a
        # big-endian number), and settle ties of longer words with a full comparison
        prefix = np.empty(len(rows), np.uint64)
        leading_bytes(self.bounds, self.arena, rows, prefix)
        order = np.lexsort((prefix, -values))
        keys = np.stack([values[order], prefix[order].view(np.int64)])
        tied = np.flatnonzero(np.all(keys[:, 1:] == keys[:, :-1], axis=0))
        for start, stop in _runs(tied):  # order[start:stop + 1] share count and first 8 bytes
            run = order[start:stop + 1]
            by_bytes = sorted(range(len(run)), key=[self._bytes(r) for r in rows[run].tolist()].__getitem__)
            order[start:stop + 1] = run[by_bytes]
        if max_size is not None:
            order = order[:max_size]
        return self.words_at(rows[order]), values[order]

    def _bytes(self, row: int) -> bytes:
        return self.arena[self.bounds[row]:self.bounds[row + 1]].tobytes()

    def stats(self) -> dict:
        return {"raw_tokens": self.raw_tokens, "bytes": self.bytes, "files": self.files,
                "cut_tokens": self.cut_tokens, "invalid_utf8_tokens": self.invalid_utf8_tokens,
                "prune_threshold": self.prune_threshold, "seconds": self.seconds}

    def __post_init__(self):
        if self.corpus_words >= 0 and self.corpus_words < len(self.counts):  # pragma: no cover
            raise ValueError("a subset holds more words than its corpus")

    def save(self, folder: Path) -> None:
        """words.bin, bounds.npy, counts.npy and meta.json (the statistics) in `folder`."""
        (folder / "words.bin").write_bytes(memoryview(self.arena[: int(self.bounds[-1])]))
        np.save(folder / "bounds.npy", self.bounds)
        np.save(folder / "counts.npy", self.counts)
        (folder / "meta.json").write_text(json.dumps(self.stats()))

    @classmethod
    def load(cls, folder: Path) -> "WordCounts":
        arena = np.fromfile(folder / "words.bin", dtype=np.uint8)
        bounds = np.load(folder / "bounds.npy", allow_pickle=False)
        counts = np.load(folder / "counts.npy", allow_pickle=False)
        if bounds.dtype != np.int64 or counts.dtype != np.int64 or len(bounds) != len(counts) + 1 \
                or int(bounds[-1]) != len(arena):
            raise ValueError(f"{folder}: inconsistent word counts")
        return cls(bounds, counts, arena, **json.loads((folder / "meta.json").read_text()))


class CountsMerger:
    """Adds the WordCounts of parts of a corpus (in corpus order) into one, as a cluster's
    client does with its workers' counts. Beyond `max_types` words the rarest are forgotten
    as while counting (see _Counter), so memory stays bounded."""

    def __init__(self, max_types: int = DEFAULT_MAX_TYPES):
        self.max_types = max_types
        self.table = ByteTable(1 << 16, 1 << 22, max_strings=max_types + (1 << 20), max_arena=1 << 28)
        self.stats = {"raw_tokens": 0, "bytes": 0, "files": 0, "cut_tokens": 0, "invalid_utf8_tokens": 0,
                      "prune_threshold": 0}

    def add(self, part: WordCounts) -> None:
        self.table.add(part.bounds, part.counts, part.arena)
        for name in self.stats:
            self.stats[name] = (max if name == "prune_threshold" else sum)((self.stats[name], getattr(part, name)))
        while len(self.table) > self.max_types:
            self.stats["prune_threshold"] += 1
            self.table.keep(self.table.values[: len(self.table)] > self.stats["prune_threshold"])
            log.warning(f"vocabulary passed {self.max_types:,} distinct words: forgot those seen "
                        f"{self.stats['prune_threshold']} time(s) or fewer so far (counts of rare words are approximate)")

    def result(self, seconds: float) -> WordCounts:
        table, n = self.table, len(self.table)
        return WordCounts(table.bounds[: n + 1].copy(), table.values[:n].copy(),
                          table.arena[: int(table.sizes[1])].copy(), **self.stats, seconds=seconds)


def _runs(positions: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of consecutive integers in sorted `positions`, as (first, last + 1) pairs:
    position p marks that items p and p + 1 are tied."""
    if not len(positions):
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1)
    starts = np.concatenate([[positions[0]], positions[breaks + 1]])
    ends = np.concatenate([positions[breaks], [positions[-1]]]) + 1
    return list(zip(starts.tolist(), ends.tolist()))


class _Aborted(Exception):
    """Another thread failed: stop waiting for blocks that will never be merged."""


class _Shard:
    """One of the tables the corpus's strings are split into by hash, merged in block order."""

    def __init__(self, max_types: int):
        reserve = max_types + max_types // 4 + (1 << 16)
        self.table = ByteTable(1 << 12, 1 << 16, max_strings=reserve, max_arena=_SHARD_ARENA)
        self.turn = threading.Condition()
        self.next_block = 0
        self.threshold = 0


class _Counter:
    """The state of one counting pass: the shards of the corpus table, block tables, pruning.

    A worker tokenizes a block into its own table, then adds it to each shard in turn, waiting
    where the previous block has not been added yet; so two threads merge into different
    shards at once, and every shard sees the blocks in corpus order. Pruning is decided per
    shard after each block, from that shard's contents only, so it is the same for any number
    of threads.
    """

    def __init__(self, config: TokenizerConfig, max_types: int):
        self.config = config
        self.shard_max = max(1, max_types >> SHARD_BITS)
        self.shards = [_Shard(self.shard_max) for _ in range(1 << SHARD_BITS)]
        self.stats = ScanStats()
        self.fold, self.strip, self.identity = kernel_tables(config)
        self.classes = byte_classes()
        self._local = threading.local()
        self._warned = 0
        self._lock = threading.Lock()
        self._aborted = False

    @property
    def threshold(self) -> int:
        return max(shard.threshold for shard in self.shards)

    def scan(self, block: Block, table: ByteTable) -> tuple[int, int]:
        """Count the block's tokens into `table`; returns (tokens, cut tokens)."""
        from .._kernels.bytetable import OK
        from .._kernels.blocks import count_block

        pos, skipping, tokens, cut = 0, block.skipping, 0, 0
        while True:
            pos, status, skipping, n, c = count_block(
                block.buffer, pos, block.length, skipping, self.config.max_token_bytes, self.classes,
                self.fold, self.strip, self.identity, *table.arrays())
            tokens += n
            cut += c
            if status == OK:
                return tokens, cut
            table.grow(status)

    def count(self, block: Block) -> tuple[int, int]:
        """Tokenize one block and add its counts to every shard (on a worker thread)."""
        try:
            table = getattr(self._local, "table", None)
            if table is None:
                table = self._local.table = ByteTable(1 << 15, 1 << 18)
            table.clear()
            counted = self.scan(block, table)
            order, starts = table.group_by_shard(SHARD_BITS)
            for k, shard in enumerate(self.shards):
                with shard.turn:
                    while shard.next_block != block.index:
                        if self._aborted:
                            raise _Aborted
                        shard.turn.wait(0.5)
                    shard.table.merge(table, order[starts[k]:starts[k + 1]])
                    self._prune(shard)
                    shard.next_block += 1
                    shard.turn.notify_all()
            return counted
        except BaseException:
            self._aborted = True
            raise

    def _prune(self, shard: _Shard) -> None:
        table = shard.table
        while len(table) > self.shard_max:
            shard.threshold += 1
            table.keep(table.values[: len(table)] > shard.threshold)
            with self._lock:
                if shard.threshold > self._warned:
                    self._warned = shard.threshold
                    log.warning(f"vocabulary table passed {self.shard_max << SHARD_BITS:,} distinct tokens: "
                                f"forgot those seen {shard.threshold} time(s) or fewer so far (counts of rare "
                                "words are approximate)")

    def counted(self, block: Block, result: tuple[int, int]) -> None:
        self.stats.tokens += result[0]
        self.stats.cut_tokens += result[1]

    def finish(self) -> int:
        """Normalise the raw tokens in Python and add their words to the shards; returns the
        tokens whose bytes were not valid UTF-8."""
        from .tokenize import type_normalizer

        raw_parts = []
        for shard in self.shards:
            is_raw = shard.table.high_byte_mask()
            raw_parts.append(shard.table.extract(np.flatnonzero(is_raw)))
            if is_raw.any():
                shard.table.keep(~is_raw)
        normalize = type_normalizer(self.config)
        invalid = 0
        for bounds, counts, arena in raw_parts:
            for first in range(0, len(counts), _RAW_SLICE):
                last = min(len(counts), first + _RAW_SLICE)
                words: list[bytes] = []
                values: list[int] = []
                for token, count in zip(unpack(bounds[first:last + 1] - bounds[first],
                                               arena[bounds[first]:bounds[last]]),
                                        counts[first:last].tolist()):
                    try:
                        token.decode("utf-8")
                    except UnicodeDecodeError:
                        invalid += count
                    for word in normalize(token):
                        words.append(word.encode("utf-8"))
                        values.append(count)
                if words:
                    self._add_words(words, np.array(values, np.int64))
        return invalid

    def _add_words(self, words: list[bytes], values: np.ndarray) -> None:
        bounds, arena = pack(words)
        order, starts = group_by_shard(bounds, arena, len(words), SHARD_BITS)
        for k, shard in enumerate(self.shards):
            shard.table.add(bounds, values, arena, order[starts[k]:starts[k + 1]])

    def result(self, invalid: int, seconds: float) -> WordCounts:
        """All shards as one WordCounts, each shard's memory freed once copied."""
        sizes = [(len(s.table), int(s.table.sizes[1])) for s in self.shards]
        n, used = sum(a for a, _ in sizes), sum(b for _, b in sizes)
        bounds, counts, arena = np.zeros(n + 1, np.int64), np.empty(n, np.int64), np.empty(used, np.uint8)
        row = at = 0
        for i, (m, u) in enumerate(sizes):
            table = self.shards[i].table
            bounds[row + 1: row + m + 1] = table.bounds[1: m + 1] + at
            counts[row: row + m] = table.values[:m]
            arena[at: at + u] = table.arena[:u]
            row, at = row + m, at + u
            self.shards[i] = None  # free this shard before copying the next
        stats = self.stats
        return WordCounts(bounds, counts, arena, raw_tokens=stats.tokens, bytes=stats.bytes, files=stats.files,
                          cut_tokens=stats.cut_tokens, invalid_utf8_tokens=invalid,
                          prune_threshold=self._warned, seconds=seconds)


def count_words(files: list[str], tokenizer: TokenizerConfig, *, threads: int | None = None,
                max_types: int = DEFAULT_MAX_TYPES, block_bytes: int | None = None,
                desc: str = "counting") -> WordCounts:
    """Count every word of the files (already expanded by input_files) on `threads` threads."""
    from .tokenize import progress_reporter

    started = time.perf_counter()
    threads = threads or default_threads()
    counter = _Counter(tokenizer, max_types)
    stats = counter.stats
    pool = BufferPool(buffer_bytes(tokenizer, block_bytes))
    with progress_reporter(files, desc, stats) as progress:
        blocks = read_blocks(files, tokenizer, pool, stats, block_bytes, on_progress=progress)

        def consume(block: Block, result) -> None:
            pool.give(block.buffer)
            counter.counted(block, result)

        run_in_order(blocks, counter.count, consume, threads)
    invalid = counter.finish()
    return counter.result(invalid, time.perf_counter() - started)

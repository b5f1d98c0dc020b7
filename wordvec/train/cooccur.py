"""Co-occurrence counting under a memory budget: the first stage of GloVe.

Steps: the sentences are cut into chunks whose pair count fits one thread's buffer; each
thread emits the chunk's (pair, distance) keys, radix-sorts them and sums them into a run
(unique pairs, float64 sums). Runs stay in an in-memory arena while it has room and are
appended to two spill files (keys, sums) in a temporary folder otherwise, so there are never
more than two temporary files. A k-way merge then sums the runs into the final sorted
(rows, cols, vals) arrays: in memory, or streamed into a co-occurrence folder.

The folder holds rows.npy (int32), cols.npy (int32), vals.npy (float32), vocab.txt and
meta.json; the arrays are sorted by (row, col) and memory-mappable.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import CooccurConfig
from ..errors import FormatError, ResourceError, WordvecError
from ..util.npyfile import NpyAppender
from ..util.progress import log, plural
from .runner import Runner

FORMAT_NAME = "wordvec-cooccurrence"
FORMAT_VERSION = 1
MIN_BUDGET = 16 * 2**20
_BUFFER_SHARE = 0.35      # per-thread key buffers (key + scratch: 16 bytes per pair)
_ARENA_SHARE = 0.5        # in-memory runs (key + float64 sum: 16 bytes per pair)
# Caps on those shares: past them counting is no faster (20M tokens, window 10, 2 threads:
# about 21 s with 16M-pair buffers, a 16M-entry arena and 8M-entry merge windows, as with the
# 47M / 134M / 77M a 4 GiB budget gives), while the memory would only raise the run's peak.
# A larger corpus spills more runs and merges them through smaller windows.
_BUFFER_CAP = 1 << 24     # pairs in one thread's buffer (256 MiB with its scratch)
_ARENA_CAP = 1 << 24      # run entries kept in memory before spilling (256 MiB)
_MERGE_CAP = 1 << 23      # spilled entries read at once while merging (28 bytes each: 224 MiB)
_MERGE_CHUNK = 1 << 20    # entries per merge call when streaming to files
_MIN_WINDOW = 4096        # smallest per-run read window when merging spilled runs


@dataclass
class Cooccurrence:
    """Sorted non-zero co-occurrences: rows[i], cols[i] -> vals[i] (GloVe's X_ij)."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def nnz(self) -> int:
        return int(self.rows.shape[0])


def default_budget() -> int:
    """A quarter of physical memory, or half of what is available now if that is less
    (never below the 16 MiB minimum): the default must fit on a busy machine."""
    from ..util.memory import available_bytes

    try:
        quarter = int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 4
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        quarter = 2 * 2**30
    available = available_bytes()
    if available is not None:
        quarter = min(quarter, available // 2)
    return max(quarter, MIN_BUDGET)


def budget_bytes(memory_gib: float | None) -> int:
    """--memory GiB as bytes; refuses budgets below 16 MiB."""
    budget = default_budget() if memory_gib is None else int(memory_gib * 2**30)
    if budget < MIN_BUDGET:
        raise ResourceError(f"--memory {memory_gib} GiB is below the 16 MiB minimum for co-occurrence counting")
    return budget


def weight_scale(window: int, distance_weighting: bool) -> float:
    """Units per co-occurrence: lcm(1..window), so every weight 1/d is a whole number of units.

    Sums of whole numbers below 2**53 are exact in float64, whatever their order. Beyond
    window 16 the multiple grows too fast for that guarantee, and sums are plain float64.
    """
    if not distance_weighting:
        return 1.0
    if window > 16:
        return 1.0
    return float(math.lcm(*range(1, window + 1)))


def pairs_per_sentence(offsets: np.ndarray, window: int, symmetric: bool) -> np.ndarray:
    """Exact number of keys each sentence emits (int64): sum over positions of min(i, window)."""
    lengths = np.diff(offsets).astype(np.int64)
    full = window * (window + 1) // 2 + (lengths - 1 - window) * window
    pairs = np.where(lengths <= window + 1, lengths * (lengths - 1) // 2, full)
    return pairs * (2 if symmetric else 1)


def _chunks(pairs: np.ndarray, capacity: int) -> list[tuple[int, int]]:
    """Cut sentences into consecutive ranges of at most `capacity` emitted keys each."""
    cumulative = np.concatenate([[0], np.cumsum(pairs)])
    ranges = []
    start = 0
    n = len(pairs)
    while start < n:
        end = int(np.searchsorted(cumulative, cumulative[start] + capacity, side="right")) - 1
        end = max(end, start + 1)
        ranges.append((start, min(end, n)))
        start = end
    return ranges


class _RunStore:
    """Sorted runs: an in-memory arena, spilled to two append-only files when full."""

    def __init__(self, capacity: int, spill_dir: Path):
        self.keys = np.empty(capacity, np.uint64)
        self.vals = np.empty(capacity, np.float64)
        self.used = 0
        self.spilled = 0
        self.run_ends: list[int] = []  # global end offset of each run (spill file, then arena)
        self.spill_dir = spill_dir
        self._files = None

    def add(self, keys: np.ndarray, vals: np.ndarray) -> None:
        m = len(keys)
        if self.used + m > len(self.keys):
            self._spill(keys[:0], vals[:0])
        if m > len(self.keys):
            self._spill(keys, vals)
        else:
            self.keys[self.used:self.used + m] = keys
            self.vals[self.used:self.used + m] = vals
            self.used += m
        self.run_ends.append(self.spilled + self.used)

    def _spill(self, keys: np.ndarray, vals: np.ndarray) -> None:
        """Append the arena's runs (and any extra run) to the spill files; empty the arena."""
        if self._files is None:
            self._files = (open(self.spill_dir / "keys.bin", "wb"), open(self.spill_dir / "vals.bin", "wb"))
        for array, extra, f in ((self.keys, keys, self._files[0]), (self.vals, vals, self._files[1])):
            f.write(memoryview(array[:self.used]))
            f.write(memoryview(np.ascontiguousarray(extra)))
        self.spilled += self.used + len(keys)
        self.used = 0

    def finish_spill(self) -> None:
        """Move the rest of the arena to the spill files and free the arena."""
        self._spill(self.keys[:0], self.vals[:0])
        for f in self._files:
            f.close()
        self.keys = self.vals = np.empty(0)

    @property
    def did_spill(self) -> bool:
        return self._files is not None

    @property
    def total(self) -> int:
        return self.spilled + self.used


def plan_counting(corpus, window: int, symmetric: bool, budget: int, threads: int) -> dict[str, Any]:
    """Sizes for the budget: per-thread buffer pairs, arena pairs, and the total keys emitted."""
    pairs = pairs_per_sentence(np.asarray(corpus.offsets), window, symmetric)
    total = int(pairs.sum())
    longest = int(pairs.max()) if len(pairs) else 0
    buffer_pairs = min(int(budget * _BUFFER_SHARE) // (16 * threads), _BUFFER_CAP)
    # no point in buffers bigger than an even share of the work
    if 16 * threads * longest > budget * _BUFFER_SHARE:
        raise ResourceError(f"--memory {budget / 2**30:.3f} GiB is too small for sentences of this length "
                            f"at --window {window}: raise --memory or lower --window or --threads")
    buffer_pairs = max(min(buffer_pairs, -(-total // threads)), longest, 1024)
    arena_pairs = max(min(int(budget * _ARENA_SHARE) // 16, total, _ARENA_CAP), 1)
    return {"buffer_pairs": buffer_pairs, "arena_pairs": arena_pairs, "total_pairs": total,
            "pairs": pairs}


def count_cooccurrences(corpus, vocab, config: CooccurConfig | None = None, *,
                        output: str | os.PathLike | None = None, tmp_dir: str | os.PathLike | None = None,
                        buffer_pairs: int | None = None, arena_pairs: int | None = None,
                        units: bool = False) -> Cooccurrence:
    """Count windowed co-occurrences of an EncodedCorpus under a memory budget (config.memory GiB).

    With `output`, the result is written atomically as a co-occurrence folder and returned
    memory-mapped from it; else it is returned in memory. `buffer_pairs` (per-thread buffer)
    and `arena_pairs` (in-memory runs) override the sizes derived from the budget, for tests
    and tuning. Temporary spill files live under `tmp_dir` and are removed on success, error
    or Ctrl-C. `units`: vals are float64 sums in whole units of 1/scale (meta "units": scale),
    not divided, so the counts of several parts of a corpus add up exactly (wordvec.cluster);
    such a folder is for merging, not for load_cooccurrence.
    """
    from .._kernels import cooccur as kernels
    from ..util.memory import check_fits, human_bytes

    config = (config or CooccurConfig()).validate()
    window, threads = config.window, config.effective_threads
    vocab_size = len(vocab)
    if vocab_size == 0:
        raise WordvecError("the vocabulary is empty: lower --min-count or check the corpus")
    budget = budget_bytes(config.memory)
    check_fits(budget, f"co-occurrence counting (a {human_bytes(budget)} budget)",
               "lower --memory (16 MiB at least) or free some memory")
    plan = plan_counting(corpus, window, config.symmetric, budget, threads)
    if buffer_pairs is not None:
        plan["buffer_pairs"] = max(int(buffer_pairs), int(plan["pairs"].max(initial=0)), 1)
    if arena_pairs is not None:
        plan["arena_pairs"] = max(int(arena_pairs), 1)
    n_dist = window if config.distance_weighting else 1
    scale = weight_scale(window, config.distance_weighting)
    key_bits = int(vocab_size * vocab_size * n_dist - 1).bit_length()
    ranges = _chunks(plan["pairs"], plan["buffer_pairs"])
    log.info("counting co-occurrences: %s keys in %s, window %d, budget %.2f GiB, %s",
             f"{plan['total_pairs']:,}", plural(len(ranges), "chunk"), window, budget / 2**30, plural(threads, "thread"))

    ids = np.asarray(corpus.ids)
    offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
    meta = folder_meta(corpus, vocab, config)
    # per thread: the emitted keys and the radix sort's scratch (the sums reuse the free one)
    buffers = [(np.empty(plan["buffer_pairs"], np.uint64), np.empty(plan["buffer_pairs"], np.uint64))
               for _ in range(threads)]

    def count_chunk(c: int, t: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Emit, sort and sum chunk c in thread t's buffers: (unique sorted keys, their sums)."""
        if c >= len(ranges):
            return None
        keys, scratch = buffers[t]
        first, end = ranges[c]
        n = kernels.emit_pairs(ids, offsets, first, end, window, config.symmetric, config.distance_weighting,
                               vocab_size, keys)
        sorted_keys, free = (scratch, keys) if kernels.radix_sort(keys, scratch, n, key_bits) else (keys, scratch)
        sums = free.view(np.float64)
        m = kernels.sum_sorted(sorted_keys, n, n_dist, config.distance_weighting, scale, sorted_keys, sums)
        return sorted_keys[:m], sums[:m]

    with tempfile.TemporaryDirectory(prefix="wordvec-cooccur-", dir=tmp_dir) as spill_dir:
        store = _RunStore(plan["arena_pairs"], Path(spill_dir))
        runs: list = []
        with Runner(threads, "cooccur", "chunk", len(ranges)) as runner:
            for first in range(0, len(ranges), threads):  # a round: one chunk per thread
                runs = runner.step(lambda t: count_chunk(first + t, t), min(threads, len(ranges) - first))
                for run in runs:
                    if run is not None:
                        store.add(*run)
        del runs  # views of the last round's buffers: the merge below needs their memory more
        buffers.clear()
        if store.did_spill:
            log.info("co-occurrence runs spilled to disk (%s pairs); merging", f"{store.total:,}")
            store.finish_spill()
        dtype = np.float64 if units else np.float32
        chunks = _merged_chunks(kernels, store, vocab_size, 1.0 if units else scale,
                                min(int(budget * _ARENA_SHARE) // 28, _MERGE_CAP), dtype)
        if units:
            meta["units"] = scale
        if output is None:
            result = _collect(chunks, store.total, dtype)
            result.meta = {**meta, "nnz": result.nnz}
            return result
        return write_folder(chunks, vocab, meta, Path(output), dtype)


_NO_LIMIT = np.uint64(2**64 - 1)


def folder_meta(corpus, vocab, config: CooccurConfig) -> dict[str, Any]:
    """meta.json of a co-occurrence folder (without nnz): what was counted, and how."""
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "vocab_fingerprint": vocab.fingerprint(),
            "vocab_size": len(vocab), "window": config.window, "symmetric": config.symmetric,
            "distance_weighting": config.distance_weighting, "kept_tokens": int(corpus.n_tokens),
            "sentences": int(corpus.n_sentences), "corpus": dict(getattr(corpus, "info", {}) or {})}


def _merged_chunks(kernels, store: _RunStore, vocab_size: int, scale: float, merge_entries: int,
                   dtype=np.float32):
    """Yield (rows, cols, vals) chunks of the summed runs in (row, col) order.

    Runs in the arena are merged directly; spilled runs through merge_windows.
    """
    run_ends = np.array(store.run_ends, np.int64)
    run_starts = np.concatenate([[0], run_ends[:-1]]).astype(np.int64)
    if not store.did_spill:
        keys, vals, pos = store.keys[:store.used], store.vals[:store.used], run_starts.copy()
        chunk = max(1, min(_MERGE_CHUNK, store.used))
        rows, cols, out = np.empty(chunk, np.int32), np.empty(chunk, np.int32), np.empty(chunk, dtype)
        while True:
            m = kernels.merge_runs(keys, vals, run_ends, pos, vocab_size, scale, _NO_LIMIT, rows, cols, out)
            yield rows[:m], cols[:m], out[:m]
            if m < chunk:
                return
    with open(store.spill_dir / "keys.bin", "rb") as fk, open(store.spill_dir / "vals.bin", "rb") as fv:
        def read(run: int, first: int, keys: np.ndarray, vals: np.ndarray) -> None:
            for f, array in ((fk, keys), (fv, vals)):
                f.seek(8 * int(run_starts[run] + first))
                f.readinto(memoryview(array))

        yield from merge_windows(kernels, run_ends - run_starts, read, vocab_size, scale, merge_entries, dtype)


def merge_windows(kernels, lengths: np.ndarray, read, vocab_size: int, scale: float, merge_entries: int,
                  dtype=np.float32):
    """Yield (rows, cols, vals) chunks of the sum of k sorted runs too large to hold, in order.

    Run r has lengths[r] entries; read(r, first, keys, vals) fills the two arrays with its
    entries first.. (keys = row * V + col, sums in units). Each run is read through a window
    (the memory split between them): each round merges every pair up to the smallest last key
    among windows of unfinished runs (runs hold each pair at most once, so those pairs are
    complete), then the windows move on past what was merged.
    """
    k = len(lengths)
    window = max(_MIN_WINDOW, merge_entries // max(k, 1))
    keys, vals = np.empty(k * window, np.uint64), np.empty(k * window, np.float64)
    rows, cols, out = np.empty(k * window, np.int32), np.empty(k * window, np.int32), np.empty(k * window, dtype)
    next_read = np.zeros(k, np.int64)  # per run: the first entry not merged yet
    while True:
        pos = np.arange(k, dtype=np.int64) * window
        ends = pos.copy()
        limit = _NO_LIMIT
        for r in range(k):
            n = int(min(window, lengths[r] - next_read[r]))
            if n <= 0:
                continue
            read(r, int(next_read[r]), keys[pos[r]:pos[r] + n], vals[pos[r]:pos[r] + n])
            ends[r] = pos[r] + n
            if next_read[r] + n < lengths[r]:
                limit = min(limit, keys[ends[r] - 1])
        if np.array_equal(ends, pos):
            return
        start = pos.copy()
        m = kernels.merge_runs(keys, vals, ends, pos, vocab_size, scale, limit, rows, cols, out)
        next_read += pos - start
        yield rows[:m], cols[:m], out[:m]


def _collect(chunks, upper: int, dtype=np.float32) -> Cooccurrence:
    """Gather merged chunks in memory; np.empty maps pages lazily, so only nnz entries cost memory."""
    rows, cols, vals = np.empty(upper, np.int32), np.empty(upper, np.int32), np.empty(upper, dtype)
    n = 0
    for r, c, v in chunks:
        m = len(r)
        rows[n:n + m], cols[n:n + m], vals[n:n + m] = r, c, v
        n += m
    return Cooccurrence(rows[:n], cols[:n], vals[:n])


def write_folder(chunks, vocab, meta: dict, output: Path, dtype=np.float32) -> Cooccurrence:
    """Write (rows, cols, vals) chunks in order as a co-occurrence folder, atomically; returns it
    memory-mapped."""
    from ..util.atomic import atomic_dir

    with atomic_dir(output) as tmp:
        writers = [NpyAppender(tmp / "rows.npy", np.int32),
                   NpyAppender(tmp / "cols.npy", np.int32),
                   NpyAppender(tmp / "vals.npy", dtype)]
        try:
            for arrays in chunks:
                for writer, array in zip(writers, arrays):
                    writer.append(array)
        finally:
            for writer in writers:
                writer.close()
        meta = {**meta, "nnz": writers[0].count}
        vocab.save(tmp / "vocab.txt")
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    log.info("wrote %s non-zero co-occurrences to %s", f"{meta['nnz']:,}", output)
    if dtype != np.float32:  # sums in units: a part for merging, not a folder to train on
        arrays = [np.load(output / f"{name}.npy", mmap_mode="r") for name in ("rows", "cols", "vals")]
        return Cooccurrence(*arrays, meta=meta, path=output)
    return load_cooccurrence(output)


def load_cooccurrence(path: str | os.PathLike, mmap: bool = True) -> Cooccurrence:
    """Open a co-occurrence folder (memory-mapped by default), checking format and sizes."""
    path = Path(path)
    meta_path = path / "meta.json"
    if not meta_path.is_file():
        raise FormatError(f"{path}: not a co-occurrence folder (no meta.json); make one with `wordvec cooccur`")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{meta_path}: unreadable JSON ({exc})") from None
    if meta.get("format") != FORMAT_NAME:
        raise FormatError(f"{path}: meta.json says format {meta.get('format')!r}, not {FORMAT_NAME!r}")
    if meta.get("version") != FORMAT_VERSION:
        raise FormatError(f"{path}: co-occurrence format version {meta.get('version')} is not supported "
                          f"(this wordvec reads version {FORMAT_VERSION}); recount with `wordvec cooccur`")
    arrays = []
    for name, dtype in (("rows", np.int32), ("cols", np.int32), ("vals", np.float32)):
        file = path / f"{name}.npy"
        try:
            array = np.load(file, mmap_mode="r" if mmap else None, allow_pickle=False)
        except (OSError, ValueError, EOFError, SyntaxError) as exc:  # numpy's errors for a damaged .npy
            raise FormatError(f"{file}: cannot read ({exc})") from None
        if array.dtype != dtype or array.ndim != 1 or len(array) != meta.get("nnz"):
            raise FormatError(f"{file}: expected {meta.get('nnz')} {np.dtype(dtype).name} values, "
                              f"found {array.shape} {array.dtype}")
        arrays.append(array)
    return Cooccurrence(*arrays, meta=meta, path=path)

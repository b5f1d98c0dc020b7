"""What the workers run. Each task reads from and writes to paths every machine shares, writes
its files under temporary names and renames them last, so a task that dies half-way and is run
again (Dask reschedules the tasks of a lost worker) leaves exactly what one run leaves."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from ..config import CooccurConfig, TokenizerConfig
from ..errors import CorpusError
from ..text.inputs import Piece


def where() -> str:
    """This worker's address, for messages."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "a Dask worker"


def _on_worker(exc: Exception) -> CorpusError:
    """The error in one line, saying which worker met it (a file missing there, but not on the
    client, is a path the workers do not share)."""
    return CorpusError(f"{' '.join(str(exc).split())} (on the Dask worker at {where()})")


def count_piece(piece: Piece, tokenizer: TokenizerConfig, max_types: int):
    """WordCounts of one partition (normalised words, their counts, what was read)."""
    from ..text.counting import count_words

    try:
        return count_words([piece], tokenizer, threads=1, max_types=max_types, desc="")
    except (CorpusError, OSError) as exc:
        raise _on_worker(exc) from None


def add_counts(parts: list, max_types: int):
    """The WordCounts of several consecutive partitions added up, in order (a level of the
    client's sum done on a worker)."""
    from ..text.counting import CountsMerger

    merger = CountsMerger(max_types)
    for part in parts:
        merger.add(part)
    return merger.result(sum(part.seconds for part in parts))


@functools.lru_cache(maxsize=2)
def load_vocab(folder: str):
    """The Vocab the client wrote into the work folder (write_vocab), read once per process."""
    from ..text.vocab import Vocab

    words = (Path(folder) / "vocab.words").read_bytes().decode("utf-8").split("\n")
    counts = np.load(Path(folder) / "vocab.counts.npy")
    return Vocab(words if len(counts) else [], counts, unique=True)


def write_vocab(vocab, folder: Path) -> str:
    """Put the vocabulary where every worker reads it (a file, not data held by a worker that may
    die); returns the folder to pass to the tasks."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.words").write_bytes("\n".join(vocab.words).encode("utf-8"))  # words never hold a newline
    np.save(folder / "vocab.counts.npy", np.asarray(vocab.counts, np.int64))
    return str(folder)


def encode_piece(piece: Piece, vocab_folder: str, tokenizer: TokenizerConfig, prefix: str) -> dict:
    """Encode one partition with the vocabulary in `vocab_folder` into PREFIX.ids.npy (int32 rows)
    and PREFIX.breaks.npy (int64: how many rows came before each line end); returns the sizes."""
    from ..text.blocks import BufferPool, buffer_bytes, read_blocks
    from ..text.tokenize import ScanStats
    from ..text.encoding import Encoder
    from ..util.npyfile import NpyAppender

    from .._kernels.encode import compact_breaks

    size = buffer_bytes(tokenizer)
    encoder = Encoder(load_vocab(vocab_folder).words, tokenizer, size + 2)
    pool, stats = BufferPool(size), ScanStats()
    work = Path(f"{prefix}.{os.getpid()}.tmp")
    ids, breaks = NpyAppender(f"{work}.ids.npy", np.int32), NpyAppender(f"{work}.breaks.npy", np.int64)
    scratch = np.empty(size + 2, np.int64)
    try:
        for block in read_blocks([piece], tokenizer, pool, stats):
            stream, used, tokens = encoder.encode(block)
            pool.give(block.buffer)
            stats.tokens += tokens
            kept, n_breaks = compact_breaks(stream, used, ids.count, scratch, False)
            ids.append(stream[:kept])
            breaks.append(scratch[:n_breaks])
            encoder.give_stream(stream)
    except (CorpusError, OSError) as exc:
        raise _on_worker(exc) from None
    finally:
        ids.close()
        breaks.close()
    os.replace(f"{work}.ids.npy", f"{prefix}.ids.npy")
    os.replace(f"{work}.breaks.npy", f"{prefix}.breaks.npy")
    return {"ids": ids.count, "breaks": breaks.count, "raw_tokens": stats.tokens, "bytes": stats.bytes,
            "files": stats.files}


def read_ids(shards: list[tuple[str, int, int]], first: int, stop: int) -> np.ndarray:
    """The corpus's rows first..stop-1, from shards given as (ids file, first row, rows)."""
    from ..util.npyfile import NpyReader

    out = np.empty(stop - first, np.int32)
    for path, start, n in shards:
        a, b = max(first, start), min(stop, start + n)
        if a < b:
            NpyReader(path).read(a - start, b - start, out[a - first:b - first])
    return out


def count_pairs(shards: list[tuple[str, int, int]], offsets: np.ndarray, vocab_folder: str,
                config: CooccurConfig, folder: str) -> dict:
    """Count the co-occurrences of the sentences whose ends are `offsets` (global, rebased here)
    into FOLDER (rows, cols and vals as whole units, sorted), under this worker's budget.
    Returns the non-zeros and how many entries each block of 256 rows holds."""
    from ..text.corpus import EncodedCorpus
    from ..train.cooccur import count_cooccurrences, default_budget
    from ..util.npyfile import NpyReader

    first, stop = int(offsets[0]), int(offsets[-1])
    vocab = load_vocab(vocab_folder)
    budget = config.memory if config.memory is not None else default_budget() / 2**30
    config = CooccurConfig(window=config.window, symmetric=config.symmetric,
                           distance_weighting=config.distance_weighting, threads=1,
                           memory=budget / _threads_here())
    target = Path(folder)
    if target.exists():   # a run of this task on a worker that died after writing it
        import shutil

        shutil.rmtree(target)
    result = count_cooccurrences(EncodedCorpus.from_arrays(read_ids(shards, first, stop), offsets - first), vocab,
                                 config, output=target, units=True)
    rows = NpyReader(target / "rows.npy")
    histogram = np.zeros((len(vocab) >> ROW_BLOCK_BITS) + 1, np.int64)
    for a in range(0, len(rows), 1 << 22):   # a few MB at a time, not the whole part in memory
        histogram += np.bincount(rows.read(a, min(a + (1 << 22), len(rows))) >> ROW_BLOCK_BITS,
                                 minlength=len(histogram))
    return {"nnz": result.nnz, "histogram": histogram}


ROW_BLOCK_BITS = 8


def _threads_here() -> int:
    try:
        from distributed import get_worker

        return max(1, get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return 1


def merge_rows(parts: list[tuple[str, int, int]], vocab_size: int, scale: float, prefix: str,
               memory: float | None) -> int:
    """Merge entries [start, stop) of every part folder (sorted units; given as (folder, start,
    stop), all holding the same range of rows) into PREFIX.rows.npy, .cols.npy and .vals.npy
    (float32 co-occurrences, the sums divided by `scale`), reading the parts through windows that
    fit this worker's budget (`memory` GiB, None: its default); returns the entries written."""
    from .._kernels import cooccur as kernels
    from ..train.cooccur import default_budget, merge_windows
    from ..util.npyfile import NpyAppender, NpyReader

    budget_entries = int((memory * 2**30 if memory is not None else default_budget()) / _threads_here()) // 32
    readers = [(NpyReader(Path(folder) / "rows.npy"), NpyReader(Path(folder) / "cols.npy"),
                NpyReader(Path(folder) / "vals.npy"), start) for folder, start, _ in parts]
    width = np.uint64(vocab_size)

    def read(run: int, first: int, keys: np.ndarray, vals: np.ndarray) -> None:
        rows, cols, units, start = readers[run]
        a, b = start + first, start + first + len(keys)
        np.multiply(rows.read(a, b).astype(np.uint64), width, out=keys)
        keys += cols.read(a, b).astype(np.uint64)
        units.read(a, b, vals)

    work = f"{prefix}.{os.getpid()}.tmp"
    writers = [NpyAppender(f"{work}.{name}.npy", dtype)
               for name, dtype in (("rows", np.int32), ("cols", np.int32), ("vals", np.float32))]
    try:
        lengths = np.array([stop - start for _, start, stop in parts], np.int64)
        for arrays in merge_windows(kernels, lengths, read, vocab_size, scale, budget_entries):
            for writer, array in zip(writers, arrays):
                writer.append(array)
    finally:
        for writer in writers:
            writer.close()
    for name in ("rows", "cols", "vals"):
        os.replace(f"{work}.{name}.npy", f"{prefix}.{name}.npy")
    return writers[0].count

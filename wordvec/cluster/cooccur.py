"""Co-occurrences counted on a Dask cluster, merged into the usual folder.

Map: each task counts the sentences of a stretch of the encoded corpus (about the same number
of emitted pairs each) under its worker's memory budget, with the one-machine code, into a
sorted part whose values are exact sums in units of 1/scale (wordvec.train.cooccur). Reduce:
each task merges one range of rows from every part (ranges holding about the same number of
entries, from the parts' row histograms) and divides by the scale once. The client then writes
the ranges one after the other as the co-occurrence folder. Whole-unit sums do not depend on
how the corpus was split, so the values equal one machine's bit for bit (window <= 16, or no
distance weighting; beyond, the sums are plain floats in both cases).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import CooccurConfig
from ..util.progress import log
from . import tasks
from .connect import worker_count
from .prepare import ClusterPasses, in_order

MAX_TASK_PAIRS = 1 << 29      # emitted pairs per map task at most (about 8 GiB of keys to sort)
_CHUNK = 1 << 22              # entries copied at a time into the folder


def _balanced(cumulative: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """Cut positions 0..len(cumulative)-1 into `parts` consecutive ranges of about equal weight
    (cumulative[i]: the weight before position i; its last entry is the total)."""
    total = cumulative[-1]
    cuts = np.searchsorted(cumulative, np.linspace(0, total, parts + 1)[1:-1], side="left")
    bounds = np.unique(np.concatenate([[0], cuts, [len(cumulative) - 1]]))
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def count_on_cluster(passes: ClusterPasses, corpus, vocab, config: CooccurConfig, output: Path):
    """The co-occurrence folder of an EncodedCorpus at `output` (returned memory-mapped)."""
    from ..train.cooccur import folder_meta, pairs_per_sentence, weight_scale, write_folder

    client, work = passes.client, passes.work
    offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
    pairs = pairs_per_sentence(offsets, config.window, config.symmetric)
    cumulative = np.concatenate([[0], np.cumsum(pairs)])
    workers = worker_count(client)
    n_tasks = max(2 * workers, -(-int(cumulative[-1]) // MAX_TASK_PAIRS))
    shards = passes.shards_of(corpus)
    vocab_folder = passes.vocab_folder(vocab)
    folders = []
    futures = []
    for i, (first, stop) in enumerate(_balanced(cumulative, n_tasks)):
        folders.append(str(work / f"pairs-{i:05d}"))
        futures.append(client.submit(tasks.count_pairs, shards, offsets[first:stop + 1], vocab_folder, config,
                                     folders[-1], pure=False))
    # per part: where each block of 2**ROW_BLOCK_BITS rows starts among its sorted entries
    starts = np.zeros((len(folders), (len(vocab) >> tasks.ROW_BLOCK_BITS) + 2), np.int64)
    for i, result in in_order(futures, "cooccur", "part"):
        np.cumsum(result["histogram"], out=starts[i, 1:])
    scale = weight_scale(config.window, config.distance_weighting)
    per_block = np.diff(starts, axis=1).sum(axis=0)   # entries of each row block, over all parts
    blocks = _balanced(np.concatenate([[0], np.cumsum(per_block)]), 2 * workers)
    passes.stats.update(pairs=int(cumulative[-1]), parts=len(folders), part_entries=int(starts[:, -1].sum()),
                        row_ranges=len(blocks))
    log.info("co-occurrences: %s pairs counted in %d parts holding %s entries; merging %d row ranges",
             f"{int(cumulative[-1]):,}", len(folders), f"{int(starts[:, -1].sum()):,}", len(blocks))
    prefixes = [str(work / f"rows-{j:05d}") for j in range(len(blocks))]
    futures = [client.submit(tasks.merge_rows, [(f, int(starts[i, a]), int(starts[i, b])) for i, f in enumerate(folders)],
                             len(vocab), scale, prefix, config.memory, pure=False)
               for (a, b), prefix in zip(blocks, prefixes)]
    for _ in in_order(futures, "merging", "row range"):
        pass
    return write_folder(_chunks(prefixes), vocab, folder_meta(corpus, vocab, config), output)


def _chunks(prefixes: list[str]):
    """(rows, cols, vals) of the merged row ranges, in order, a few MB at a time (plain reads:
    the client's memory does not grow with the folder it writes)."""
    from ..util.npyfile import NpyReader

    for prefix in prefixes:
        readers = [NpyReader(f"{prefix}.{name}.npy") for name in ("rows", "cols", "vals")]
        for first in range(0, len(readers[0]), _CHUNK):
            stop = min(first + _CHUNK, len(readers[0]))
            yield tuple(reader.read(first, stop) for reader in readers)

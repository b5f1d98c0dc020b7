"""The client's side of preparing a corpus on a Dask cluster: partitions out, counts and id
shards back, merged into the usual vocabulary and cached encoded corpus.

`DaskSession` holds the connection and a work folder that every worker can read and write (the
encoded shards stay there for the co-occurrence tasks, and are removed at the end).
ClusterPasses has the two methods of wordvec.text.corpus.LocalPasses, so prepare_corpus and its
cache work unchanged: a corpus prepared on the cluster is found in the cache by a run without
--dask, and the other way round.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator

import numpy as np

from ..config import CooccurConfig, TokenizerConfig
from ..errors import WordvecError
from ..text.counting import DEFAULT_MAX_TYPES, CountsMerger, WordCounts
from ..util.progress import progress_bar
from . import tasks
from .connect import connect, worker_count
from .partitions import partition_bytes, plan_partitions, refuse_stdin


MERGE_GROUP = 8   # partitions whose counts a worker adds up before the client sees them


def in_order(futures: list, desc: str, unit: str = "partition") -> Iterator[tuple[int, object]]:
    """(index, result) of each future in submission order, as soon as it and those before it are
    done; a progress bar counts them. A task's error is raised here, in one line."""
    from distributed import KilledWorker, as_completed

    index = {future.key: i for i, future in enumerate(futures)}
    done: dict[int, object] = {}
    following = 0
    with progress_bar(total=len(futures), desc=desc, unit=unit) as bar:
        for future in as_completed(futures):
            done[index[future.key]] = future
            bar.update(1)
            while following in done:
                try:
                    result = done.pop(following).result()
                except KilledWorker as exc:
                    raise WordvecError(f"Dask workers died {exc.args[0] if exc.args else ''} while {desc} "
                                       f"{unit} {following + 1} of {len(futures)}, more often than the scheduler "
                                       "retries (out of memory? see the workers' logs)") from None
                futures[following] = None  # let the worker forget it
                yield following, result
                following += 1


class ClusterPasses:
    """Counting and encoding passes on the cluster (see wordvec.text.corpus.LocalPasses)."""

    def __init__(self, client, work: Path, max_types: int = DEFAULT_MAX_TYPES):
        self.client = client
        self.work = work
        self.max_types = max_types
        self.shards: list[tuple[str, int, int]] | None = None  # (ids file, first row, rows) of the encoding
        self.stats: dict[str, int] = {}   # sizes of the last passes (partitions, parts, entries), for -v and benchmarks

    def pieces(self, files: list[str], tokenizer: TokenizerConfig) -> list:
        from ..text.blocks import input_size

        return plan_partitions(files, tokenizer, partition_bytes(input_size(files), worker_count(self.client)))

    def count(self, files: list[str], tokenizer: TokenizerConfig) -> WordCounts:
        """Every word of the files with its count: workers count partitions and add up groups of
        MERGE_GROUP partitions' counts (so the client receives and adds up few, not one table per
        partition, whatever the corpus's size); the client adds the groups up, in corpus order."""
        started = time.perf_counter()
        futures = [self.client.submit(tasks.count_piece, piece, tokenizer, self.max_types, pure=False)
                   for piece in self.pieces(files, tokenizer)]
        unit = "partition"
        if len(futures) > 2 * MERGE_GROUP:
            futures = [self.client.submit(tasks.add_counts, futures[i:i + MERGE_GROUP], self.max_types, pure=False)
                       for i in range(0, len(futures), MERGE_GROUP)]
            unit = f"group of {MERGE_GROUP} partitions"
        merger = CountsMerger(self.max_types)
        for _, part in in_order(futures, "counting", unit):
            merger.add(part)
        return merger.result(time.perf_counter() - started)

    def encode(self, folder: Path, files: list[str], vocab, tokenizer: TokenizerConfig,
               keep_empty_lines: bool = False) -> dict:
        """ids.npy and offsets.npy in `folder`: workers encode partitions to id shards in the work
        folder, the client joins them and cuts the sentences (they may span partitions)."""
        if keep_empty_lines:  # item sequences named by line: not a preparation --dask offers
            raise WordvecError("--dask does not keep empty lines (item sequences named by line): drop --dask")
        from ..text.encoding import Sentences
        from ..util.npyfile import NpyAppender, NpyReader

        pieces = self.pieces(files, tokenizer)
        self.stats["partitions"] = len(pieces)
        words = self.vocab_folder(vocab)
        prefixes = [str(self.work / f"shard-{i:05d}") for i in range(len(pieces))]
        futures = [self.client.submit(tasks.encode_piece, piece, words, tokenizer, prefix, pure=False)
                   for piece, prefix in zip(pieces, prefixes)]
        ids_file = NpyAppender(folder / "ids.npy", np.int32)
        offsets_file = NpyAppender(folder / "offsets.npy", np.int64)
        offsets_file.append(np.zeros(1, np.int64))
        sentences = Sentences(tokenizer.max_sentence_length)
        shards, totals = [], {"bytes": 0, "raw_tokens": 0}
        try:
            for i, info in in_order(futures, "encoding"):
                start = ids_file.count
                ids = NpyReader(f"{prefixes[i]}.ids.npy")
                for first in range(0, len(ids), 1 << 22):
                    ids_file.append(ids.read(first, min(first + (1 << 22), len(ids))))
                breaks = np.load(f"{prefixes[i]}.breaks.npy") + start
                offsets_file.append(sentences.ends(breaks, len(breaks), start, ids_file.count))
                shards.append((f"{prefixes[i]}.ids.npy", start, int(info["ids"])))
                for name in totals:
                    totals[name] += info[name]
        finally:
            ids_file.close()
            offsets_file.close()
        if ids_file.count == 0:
            from ..errors import CorpusError

            raise CorpusError(f"{files[0]}: no token of the corpus is in the vocabulary")
        self.shards = shards
        return {**totals, "kept_tokens": ids_file.count, "sentences": offsets_file.count - 1, "partitions": len(pieces)}

    def vocab_folder(self, vocab) -> str:
        """A folder in the work folder holding `vocab` for the workers (written once per vocabulary)."""
        folder = self.work / f"vocab-{vocab.fingerprint()[:16]}"
        return str(folder) if (folder / "vocab.counts.npy").exists() else tasks.write_vocab(vocab, folder)

    def shards_of(self, corpus) -> list[tuple[str, int, int]]:
        """Where the workers read the encoded corpus: the shards just written, or (a corpus that
        came from the client's cache) one copy of its ids in the work folder."""
        if self.shards is None or sum(n for *_, n in self.shards) != corpus.n_tokens:
            path = self.work / "corpus.ids.npy"
            np.save(path, np.asarray(corpus.ids))
            self.shards = [(str(path), 0, int(corpus.n_tokens))]
        return self.shards


class DaskSession:
    """A connection to a cluster (an address, local:N, or a dask.distributed Client) and a shared
    work folder, for the preparation and co-occurrence passes of one run.

    work: the folder to hold the shards (every worker must be able to write and read it);
    default: a temporary folder inside `near` (the output's folder). It is removed at the end.
    """

    def __init__(self, address, *, near: str | Path = ".", work: str | Path | None = None,
                 max_types: int = DEFAULT_MAX_TYPES):
        self.address = address
        self.parent = Path(work) if work is not None else Path(near)
        self.max_types = max_types
        self._connection = None
        self.passes: ClusterPasses | None = None

    def __enter__(self) -> "DaskSession":
        self._connection = connect(self.address)
        client = self._connection.__enter__()
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".wordvec-dask-", dir=self.parent)).resolve()
        except OSError as exc:
            self._connection.__exit__(None, None, None)
            raise WordvecError(f"{self.parent}: cannot make the Dask work folder there ({exc.strerror}); "
                               "pass --dask-work on a filesystem every worker shares") from None
        self.passes = ClusterPasses(client, work, self.max_types)
        return self

    def __exit__(self, *exc) -> None:
        if self.passes is not None:
            shutil.rmtree(self.passes.work, ignore_errors=True)
        self._connection.__exit__(*exc)

    def prepare(self, paths, tokenizer: TokenizerConfig | None = None, min_count: int = 5,
                max_vocab: int | None = None, vocab_path=None, cache: bool = True, **options):
        """prepare_corpus on the cluster: (Vocab, EncodedCorpus). With `phrases` (prepare_corpus's
        other options pass through) the phrase passes run on the client."""
        from ..text.corpus import prepare_corpus

        refuse_stdin(paths)
        return prepare_corpus(paths, tokenizer, min_count, max_vocab, vocab_path, cache, passes=self.passes,
                              **options)

    def build_vocab(self, paths, tokenizer: TokenizerConfig | None = None, min_count: int = 5,
                    max_vocab: int | None = None):
        """build_vocab on the cluster: a VocabReport."""
        from ..text.vocab import build_vocab

        refuse_stdin(paths)
        return build_vocab(paths, tokenizer, min_count, max_vocab, passes=self.passes)

    def cooccurrences(self, corpus, vocab, config: CooccurConfig | None = None, output: str | Path | None = None):
        """count_cooccurrences on the cluster, written to the folder `output`."""
        from .cooccur import count_on_cluster

        return count_on_cluster(self.passes, corpus, vocab, (config or CooccurConfig()).validate(), Path(output))

"""Phrases: learn which word pairs are collocations and join them with "_" (new york -> new_york).

Learning reads the text once. tokenize.scan's raw tokens become token ids (RawMapper), which
PairCounter counts the way gensim's Phrases does (a word, optional connector words, a word,
never across a line end) and which are spooled to a temporary .npy file (4 bytes a token)
when a later round or an output needs them: later rounds and the output read the spool,
never the text again. Joining is greedy, left to right, as in gensim and word2phrase.c.
Every step over the tokens is a numba kernel (_kernels/phrases.py, _kernels/pairs.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..config import PhraseConfig, TokenizerConfig, default_threads
from ..errors import ResourceError
from ..util.npyfile import NpyAppender
from ..util.prefault import zeros_soon
from ..util.progress import log
from .phrase_table import PhraseRound, PhraseTable
from ..util.handoff import Sink, ThreadedSink
from .phrase_stream import (Joiner, PairCounter, RawMapper, TextWriter, TokenSpace, compile_table,
                            pair_table_shape)

STREAM_CHUNK = 1 << 20          # tokens read from a spool per kernel call
RAW_TYPES_HELD = 4_000_000      # raw token types remembered while reading before the table is reset


@dataclass
class RoundReport:
    """What one round of learning counted and found."""

    tokens: int                 # tokens counted (the N of the scores)
    distinct_pairs: int         # candidate pairs held at the end
    prune_threshold: int        # >0: pairs seen this often or less were forgotten (--max-pairs)
    phrases: int
    joined: int = 0             # phrase tokens written to the output

    def to_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class PhrasesReport:
    """A learned table and what learning (and writing the output, if asked) saw."""

    table: PhraseTable
    tokens: int = 0             # words read from the text
    distinct_words: int = 0
    rounds: list[RoundReport] = field(default_factory=list)
    bytes: int = 0
    files: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"tokens": self.tokens, "distinct_words": self.distinct_words, "phrases": len(self.table),
                "rounds": [r.to_dict() for r in self.rounds], "bytes": self.bytes, "files": self.files,
                "seconds": round(self.seconds, 3)}


def learn_phrases(paths, config: PhraseConfig | None = None, tokenizer: TokenizerConfig | None = None, *,
                  output: str | os.PathLike | None = None) -> PhrasesReport:
    """Learn a phrase table from the corpus; with `output`, also write the corpus with its
    phrases joined ("-": stdout), one line per input line."""
    from ..util.atomic import check_output
    from .tokenize import input_files

    tokenizer = (tokenizer or TokenizerConfig()).validate()
    config = _resolved((config or PhraseConfig()).validate(), tokenizer)
    started = time.perf_counter()
    files = input_files(paths)
    if output is not None and str(output) != "-":
        check_output(output, [("corpus", f) for f in files])
    # the first round's pair table, its pages touched on another thread while numba starts here
    first_pairs = zeros_soon(pair_table_shape(_expected_pairs(files), config.max_pairs), np.uint64)
    space = TokenSpace(config.connectors)
    report = PhrasesReport(PhraseTable(config, tokenizer))
    with _spool_folder() as work:
        spool_paths = [work / f"round-{n}.npy" for n in range(1, config.passes + 1)]
        spooling = output is not None or config.passes > 1
        counter = PairCounter(space, config.max_pairs, pairs=first_pairs())
        stats = _count_text(files, tokenizer, space, counter, spool_paths[0] if spooling else None)
        report.tokens, report.distinct_words = counter.tokens, len(space)
        report.bytes, report.files = stats.bytes, stats.files
        joiner = _finish_round(report, counter, space, config)
        for previous, path in zip(spool_paths, spool_paths[1:]):
            counter = PairCounter(space, config.max_pairs, counter.distinct_pairs)
            last = path == spool_paths[-1]
            spool = NpyAppender(path, np.int32) if output is not None or not last else None
            try:
                _run(joiner, previous, _pipe(_counting(counter, spool).send))
            finally:
                if spool is not None:
                    spool.close()
            report.rounds[-1].joined = int(joiner.joined[0])
            joiner = _finish_round(report, counter, space, config)
        if output is not None:
            # joining, turning tokens into text and writing it: three stages on their own threads
            with _output_file(output) as f:
                with _closing(_pipe(f.write, np.uint8, TextWriter.bytes_needed(space))) as file_sink:
                    _run(joiner, spool_paths[-1], _pipe(TextWriter(space, None, file_sink).write))
            report.rounds[-1].joined = int(joiner.joined[0])
    report.seconds = time.perf_counter() - started
    return report


def _resolved(config: PhraseConfig, tokenizer: TokenizerConfig) -> PhraseConfig:
    """The config as the table records it: the threshold used, the connector words as the
    tokenizer writes them ("Of" is "of" when lowercasing)."""
    from .tokenize import type_normalizer

    normalize = type_normalizer(tokenizer)
    words = [w for given in config.connectors for w in normalize(given.encode("utf-8"))]
    return dataclasses.replace(config, threshold=config.effective_threshold,
                               connector_words=",".join(dict.fromkeys(words)) or None)


def _count_text(files: list[str], tokenizer: TokenizerConfig, space: TokenSpace, counter: PairCounter,
                spool_path: Path | None):
    """Round 1: read the text once, count it and (if asked) spool its token ids. The reading
    thread tokenizes and resolves new raw types; a second thread maps, counts and spools."""
    from .._kernels.phrases import FILE_END
    from .tokenize import BLOCK_BYTES, RawTypeTable, scan_with_progress

    raw = RawTypeTable()
    mapper = RawMapper(space, tokenizer, add_words=True)
    spool = NpyAppender(spool_path, np.int32) if spool_path is not None else None
    counting = _counting(counter, spool)
    # raw type ids go to the second thread, which maps them with the arrays resolve() only appends to
    mapping = _pipe(lambda stream: mapper.map(stream, stream.shape[0], counting), np.int32, BLOCK_BYTES // 2 + 16)

    def on_block(stream: np.ndarray, n: int) -> None:
        mapper.resolve(raw)
        out = mapping.buffer()
        out[:n] = stream[:n]           # scan reuses its buffer for the next block
        mapping.send(out[:n])

    def after_block() -> None:
        if len(raw) > RAW_TYPES_HELD:  # bound memory on messy text: forget raw types, keep the words
            mapping.drain()            # (the mapping thread may still read them)
            raw.clear()
            mapper.reset()

    try:
        return scan_with_progress(files, tokenizer, raw, "phrases: counting", on_block=on_block,
                                  after_block=after_block, file_end_marker=FILE_END)
    finally:
        mapping.close()
        counting.close()
        if spool is not None:
            spool.close()


def _counting(counter: PairCounter, spool: NpyAppender | None) -> Sink:
    """A sink that counts token ids and appends them to the spool."""
    def consume(tokens: np.ndarray) -> None:
        counter.count(tokens)
        if spool is not None:
            spool.append(tokens)

    return Sink(consume)


def _pipe(consume, dtype=np.int32, size: int | None = None) -> Sink:
    """A sink running `consume` on a second thread when there is a second core."""
    return (ThreadedSink if default_threads() > 1 else Sink)(consume, dtype, size)


@contextlib.contextmanager
def _closing(sink: Sink) -> Iterator[Sink]:
    """The sink, closed (everything sent consumed, its thread ended) however the block ends."""
    try:
        yield sink
    finally:
        sink.close()


def _run(joiner: Joiner, spool_path: Path, sink: Sink) -> None:
    """Join the phrases of one round over a spooled stream, handing the result to `sink`."""
    joiner.restart()
    try:
        for chunk in _chunks(spool_path):
            joiner.apply(chunk, sink)
    finally:
        sink.close()


def _expected_pairs(files: list[str]) -> int:
    """Distinct pairs to size the counting table for: about one per 25 bytes of text (measured
    4.6M on 117 MB of English), fewer per byte on larger corpora; 0 when unknown (stdin)."""
    total = sum(os.path.getsize(f) for f in files if f != "-")
    return total // 25


def _finish_round(report: PhrasesReport, counter: PairCounter, space: TokenSpace, config: PhraseConfig) -> Joiner:
    """Score the round's pairs, record its phrases and return the joiner for them."""
    found: PhraseRound = counter.score(config.scoring, config.effective_threshold, config.min_count)
    report.table.rounds.append(found)
    report.rounds.append(RoundReport(tokens=counter.tokens, distinct_pairs=counter.distinct_pairs,
                                     prune_threshold=counter.prune_threshold, phrases=len(found)))
    log.debug(f"phrases: round {len(report.rounds)}: {counter.tokens:,} tokens, {counter.distinct_pairs:,} "
             f"distinct pairs, {len(found):,} phrases")
    return Joiner(space, found.phrases)


def join_phrases(table: PhraseTable, paths, output: str | os.PathLike, tokenizer: TokenizerConfig | None = None
                 ) -> dict:
    """Write the corpus with the table's phrases joined, round after round, one line per input
    line ("-": stdout). The tokenizer defaults to the one the table was learned with."""
    from ..util.atomic import check_output
    from .tokenize import input_files

    tokenizer = (tokenizer or table.tokenizer).validate()
    started = time.perf_counter()
    files = input_files(paths)
    if str(output) != "-":
        check_output(output, [("corpus", f) for f in files])
    space, joiners = compile_table(table)
    mapper = RawMapper(space, tokenizer, add_words=False)
    with _output_file(output) as f:
        with _closing(_pipe(f.write, np.uint8, TextWriter.bytes_needed(space))) as file_sink:
            stats = scan_joined(files, mapper, joiners, Sink(TextWriter(space, mapper, file_sink).write),
                                "phrases: joining")
    return {"tokens": stats.tokens, "bytes": stats.bytes, "files": stats.files,
            "joined": [int(j.joined[0]) for j in joiners], "seconds": round(time.perf_counter() - started, 3)}


def scan_joined(files: list[str], mapper: RawMapper, joiners: list[Joiner], sink: Sink, desc: str, *,
                before_reset: Callable[[], None] = lambda: None):
    """Read the text once and send its tokens, every round's phrases joined, to `sink` (lines end
    in NEWLINE, files in FILE_END; OOV words hold their text in `mapper`). `before_reset` runs
    before the raw types (and the OOV words' text) are forgotten to bound memory."""
    from .._kernels.phrases import FILE_END
    from .tokenize import RawTypeTable, scan_with_progress

    raw = RawTypeTable()
    for joiner in reversed(joiners):
        sink = Sink(lambda tokens, joiner=joiner, after=sink: joiner.apply(tokens, after))

    def on_block(stream: np.ndarray, n: int) -> None:
        mapper.resolve(raw)
        mapper.map(stream, n, sink)

    def after_block() -> None:
        if len(raw) > RAW_TYPES_HELD:
            before_reset()
            raw.clear()
            mapper.reset()

    return scan_with_progress(files, mapper.tokenizer, raw, desc, on_block=on_block, after_block=after_block,
                              file_end_marker=FILE_END)


def _chunks(path: Path) -> Iterator[np.ndarray]:
    """The spool in pieces of STREAM_CHUNK ids, read into one buffer reused for every piece
    (each is consumed before the next is read): no page faults of a memory map, no copies."""
    from ..util.npyfile import NpyReader

    spool = NpyReader(path)
    buffer = np.empty(STREAM_CHUNK, dtype=np.int32)
    for start in range(0, len(spool), STREAM_CHUNK):
        stop = min(start + STREAM_CHUNK, len(spool))
        yield spool.read(start, stop, buffer[: stop - start])


@contextlib.contextmanager
def _spool_folder() -> Iterator[Path]:
    """A temporary folder for the token spools, removed afterwards whatever happens."""
    work = Path(tempfile.mkdtemp(prefix="wordvec-phrases-"))
    try:
        yield work
    except OSError as exc:
        from ..util.atomic import _no_space

        if _no_space(exc):   # the output's own errors arrive as ResourceError already
            raise ResourceError(f"{work.parent}: cannot write the token spool (4 bytes a token): "
                                f"{exc.strerror or 'short write'}; free space or set TMPDIR to another disk") from None
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _output_file(output) -> Iterator:
    """The output opened for bytes: atomically replaced, or stdout for "-"."""
    if str(output) == "-":
        stdout = getattr(sys.stdout, "buffer", None)
        yield stdout if stdout is not None else _TextBytes(sys.stdout)
        sys.stdout.flush()
        return
    from ..util.atomic import atomic_file

    with atomic_file(output, "wb") as f:
        yield f


class _TextBytes:
    """Bytes written to a text stream that has no binary buffer (stdout captured in a test)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data) -> None:
        self.stream.write(bytes(data).decode("utf-8", "surrogateescape"))

"""Counting and encoding a corpus with a phrase table applied on the fly (`train ... --phrases`).

The text is read as `wordvec phrases --table` reads it (phrases.scan_joined): raw tokens, then
token ids of the table's space or OOV words, then every round's phrases joined. Instead of
writing text, the joined tokens are counted (the vocabulary) or mapped to vocabulary ids and
written as the encoded corpus by corpus.IdsWriter, so no joined copy of the corpus is made.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..config import TokenizerConfig
from ..util.handoff import Sink
from .phrase_stream import RawMapper, TokenSpace, compile_table
from .phrase_table import PhraseTable
from .vocab import Vocab, VocabReport


class _Counts:
    """Occurrences of the joined tokens: by id for the table's space, by text for OOV words."""

    def __init__(self, space: TokenSpace, mapper: RawMapper):
        self.space, self.mapper = space, mapper
        self.known = np.zeros(len(space), dtype=np.int64)
        self.oov = np.zeros(1 << 12, dtype=np.int64)
        self.words: dict[str, int] = {}

    def add(self, tokens: np.ndarray) -> None:
        self.known += np.bincount(tokens[tokens >= 0], minlength=len(self.space))
        items = -3 - tokens[tokens <= -3].astype(np.int64)
        if items.size:
            found = np.bincount(items)
            if found.shape[0] > self.oov.shape[0]:
                self.oov = np.concatenate([self.oov, np.zeros(found.shape[0], dtype=np.int64)])
            self.oov[: found.shape[0]] += found

    def fold(self) -> None:
        """Move the OOV counts to the word dict (before the mapper forgets their text)."""
        words, texts = self.words, self.mapper.oov_words
        for k in np.flatnonzero(self.oov[: len(texts)]).tolist():
            words[texts[k]] = words.get(texts[k], 0) + int(self.oov[k])
        self.oov[:] = 0

    def result(self) -> dict[str, int]:
        self.fold()
        for i in np.flatnonzero(self.known).tolist():
            text = self.space.texts[i]
            self.words[text] = self.words.get(text, 0) + int(self.known[i])
        return self.words


def count_joined(files: list[str], tokenizer: TokenizerConfig, table: PhraseTable) -> VocabReport:
    """Every word and phrase of the corpus with its count (min_count 1), phrases joined."""
    from ..errors import CorpusError
    from .phrases import scan_joined
    from .vocab import corpus_name

    started = time.perf_counter()
    space, joiners = compile_table(table)
    mapper = RawMapper(space, tokenizer, add_words=False)
    counts = _Counts(space, mapper)
    stats = scan_joined(files, mapper, joiners, Sink(counts.add), "counting (phrases joined)",
                        before_reset=counts.fold)
    words = counts.result()
    if not words:
        raise CorpusError(f"{corpus_name(files)}: no words found (empty, or only whitespace and punctuation)")
    return VocabReport(vocab=Vocab.from_counts(words), word_tokens=sum(words.values()), distinct=len(words),
                       raw_tokens=stats.tokens, bytes=stats.bytes, files=stats.files, cut_tokens=stats.cut_tokens,
                       seconds=time.perf_counter() - started)


class _Ids:
    """Joined tokens -> vocabulary ids, through corpus.IdsWriter: the table's tokens are types
    0..S-1 and OOV word k is type S + k, each standing for its vocabulary id or for nothing."""

    def __init__(self, writer, space: TokenSpace, mapper: RawMapper, vocab: Vocab):
        self.writer, self.mapper, self.index = writer, mapper, vocab.index
        self.known = np.array([self.index.get(t, -1) for t in space.texts], dtype=np.int64)
        self.oov: list[int] = []
        self.map_start = self.map_ids = np.zeros(0)
        self.mapped = -1

    def add(self, tokens: np.ndarray) -> None:
        from .._kernels.phrases import FILE_END
        from .._kernels.tokenize import NEWLINE

        texts = self.mapper.oov_words
        if self.mapped != len(texts):
            self.oov += [self.index.get(w, -1) for w in texts[len(self.oov):]]
            rows = np.concatenate([self.known, np.asarray(self.oov, dtype=np.int64)])
            self.map_start = np.zeros(rows.shape[0] + 1, dtype=np.int64)
            np.cumsum(rows >= 0, out=self.map_start[1:])
            self.map_ids = rows[rows >= 0].astype(np.int32)
            self.mapped = len(texts)
        types = tokens.copy()
        oov = types <= -3
        types[oov] = self.known.shape[0] - 3 - types[oov]
        types[types == FILE_END] = NEWLINE
        self.writer.write(types, types.shape[0], self.map_start, self.map_ids)

    def reset(self) -> None:
        self.oov = []
        self.mapped = -1


def encode_joined(folder: Path, files: list[str], vocab: Vocab, tokenizer: TokenizerConfig,
                  table: PhraseTable) -> dict:
    """Write ids.npy and offsets.npy of the corpus, phrases joined, into `folder`."""
    from .corpus import IdsWriter
    from .phrases import scan_joined

    space, joiners = compile_table(table)
    mapper = RawMapper(space, tokenizer, add_words=False)
    writer = IdsWriter(folder, tokenizer.max_sentence_length)
    ids = _Ids(writer, space, mapper, vocab)
    try:
        stats = scan_joined(files, mapper, joiners, Sink(ids.add), "encoding (phrases joined)",
                            before_reset=ids.reset)
    finally:
        writer.close()
    return dict(writer.info(files, stats, tokenizer, vocab), joined=[int(j.joined[0]) for j in joiners])

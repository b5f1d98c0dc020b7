"""Counting and encoding a corpus with a phrase table applied on the fly (`train ... --phrases`).

The text is read as `wordvec phrases --table` reads it (phrases.scan_joined): raw tokens, then
token ids of the table's space or OOV words, then every round's phrases joined. Instead of
writing text, the joined tokens are counted (the vocabulary) or mapped to vocabulary ids and
written as the encoded corpus by IdsWriter, so no joined copy of the corpus is made.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from ..config import TokenizerConfig
from ..errors import CorpusError
from ..util.npyfile import NpyAppender
from ..util.handoff import Sink
from .phrase_stream import RawMapper, TokenSpace, compile_table
from .phrase_table import PhraseTable
from .vocab import Vocab, VocabReport


class IdsWriter:
    """ids.npy and offsets.npy of one encoding, fed blocks of a raw stream with the map from its
    raw types to vocabulary ids (see _kernels/encode.map_stream); sentences cut at max_len.
    keep_empty_lines: one (possibly empty) sentence per line (see _encode_to)."""

    def __init__(self, folder: Path, max_len: int, keep_empty_lines: bool = False):
        self.ids_buf = np.empty(1 << 20, dtype=np.int32)
        self.ends_buf = np.empty(1 << 16, dtype=np.int64)
        self.ids = NpyAppender(folder / "ids.npy", np.int32)
        self.offsets = NpyAppender(folder / "offsets.npy", np.int64)
        self.offsets.append(np.zeros(1, dtype=np.int64))
        self.sentence_len = 0
        self.max_len = max_len
        self.keep_empty_lines = keep_empty_lines

    def write(self, stream: np.ndarray, n: int, map_start: np.ndarray, map_ids: np.ndarray) -> None:
        from .._kernels.encode import map_stream

        pos = 0
        while True:
            pos, ids_used, ends_used, self.sentence_len = map_stream(
                stream, pos, n, map_start, map_ids, self.ids_buf, 0, self.ids.count, self.ends_buf, 0,
                self.sentence_len, self.max_len, self.keep_empty_lines)
            self.ids.append(self.ids_buf[:ids_used])
            self.offsets.append(self.ends_buf[:ends_used])
            if pos >= n:
                break

    def close(self) -> None:
        self.ids.close()
        self.offsets.close()

    def info(self, files: list[str], stats, tokenizer: TokenizerConfig, vocab: Vocab) -> dict:
        """What meta.json records about the encoding; a corpus with no known word is an error."""
        if self.ids.count == 0:
            raise CorpusError(f"{files[0]}: no token of the corpus is in the vocabulary")
        return {"files": [os.path.abspath(f) if f != "-" else "-" for f in files], "bytes": stats.bytes,
                "raw_tokens": stats.tokens, "kept_tokens": self.ids.count, "sentences": self.offsets.count - 1,
                "tokenizer": tokenizer.to_dict(), "vocab_fingerprint": vocab.fingerprint(),
                "vocab_size": len(vocab), "empty_lines_kept": self.keep_empty_lines}


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
    """Joined tokens -> vocabulary ids, through IdsWriter: the table's tokens are types
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

"""The arrays behind the phrase kernels, and the small objects that feed them a stream.

TokenSpace: tokens by id (words, then the phrases each round adds) with their text.
RawMapper: raw token types of tokenize.scan -> token ids, resolved once per distinct raw token.
PairCounter: one round's counts (tokens, words, candidate pairs) with growth and pruning.
Joiner: one round's phrases applied to a stream.  TextWriter: a stream back to UTF-8 lines.
Each writes into a Sink (util/handoff.py) that hands its output on, possibly to another thread.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from ..config import TokenizerConfig
from ..util import handoff
from ..util.handoff import Sink
from ..util.progress import log
from .phrase_table import DELIMITER, PhraseRound

_MAX_LOAD = 0.625            # rows used / rows before a table doubles


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    """`array` with room for at least `size` entries along its first axis (doubling)."""
    if size <= array.shape[0]:
        return array
    new = np.zeros((max(size, 2 * array.shape[0]),) + array.shape[1:], dtype=array.dtype)
    new[: array.shape[0]] = array
    return new


class TokenSpace:
    """Token id <-> text, and which ids are connector words. Ids only grow, so a stream of an
    earlier round stays valid; a phrase whose text equals a known token gets that token's id
    (tokens are their text, as in gensim). The texts live in a byte-string hash table (UTF-8,
    text/bytetable.py), so the kernels that resolve raw tokens add words without Python, and the
    writer takes every text as it lies; the connector words hold the first ids."""

    def __init__(self, connectors: Iterable[str] = ()):
        from .bytetable import ByteTable

        self.connectors = frozenset(connectors)
        self.table = ByteTable()
        self._texts: list[str] = []     # decoded texts of ids 0..len-1, filled when asked
        self._is_connector = np.zeros(0, dtype=np.bool_)
        # the connectors take the first ids, so a connector met later is found, never added
        self.add_all(list(dict.fromkeys(connectors)))
        self._is_connector[: len(self)] = True

    def __len__(self) -> int:
        return len(self.table)

    def add_all(self, texts: list[str]) -> list[int]:
        """The id of each text, new texts added in order."""
        from .._kernels.bytetable import OK, intern_all

        bounds, arena = _packed(texts)
        ids = np.empty(len(texts), dtype=np.int64)
        first = 0
        while first < len(texts):
            first, status = intern_all(bounds, arena, first, *self.table.arrays(), ids)
            if status != OK:
                self.table.grow(status)
        self.grew()
        return ids.tolist()

    def find_all(self, texts: list[str]) -> list[int]:
        """The id of each text, -1 for those the space lacks."""
        return self.table.find_all(*_packed(texts)).tolist() if texts else []

    def grew(self) -> None:
        """Make room in is_connector for ids added since the last call (by add_all or a kernel):
        none of them is a connector, as the connectors hold the first ids."""
        self._is_connector = _grown(self._is_connector, len(self))

    def text(self, i: int) -> str:
        return self.table.string(i).decode("utf-8", "surrogatepass")

    def texts_of(self, ids: np.ndarray) -> list[str]:
        """The text of each id, decoding each distinct id once (a round's phrases name tens of
        thousands: one by one, through text(), that took 0.12 s on 20M tokens)."""
        unique, inverse = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
        bounds = self.table.bounds
        blob = self.table.arena[: int(bounds[len(self)])].tobytes()
        decoded = [blob[a:b].decode("utf-8", "surrogatepass")
                   for a, b in zip(bounds[unique].tolist(), bounds[unique + 1].tolist())]
        return [decoded[i] for i in inverse.tolist()]

    @property
    def texts(self) -> list[str]:
        """Every token's text by id (decoded once, as far as the space has grown)."""
        for i in range(len(self._texts), len(self)):
            self._texts.append(self.text(i))
        return self._texts

    @property
    def is_connector(self) -> np.ndarray:
        return self._is_connector

    def text_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(bytes of every token back to back, int64 offsets [len + 1]) for write_text."""
        n = len(self)
        bounds = self.table.bounds[: n + 1].copy()
        return self.table.arena[: int(bounds[-1])].copy(), bounds

    def longest(self) -> int:
        """Bytes of the longest token."""
        n = len(self)
        return int(np.diff(self.table.bounds[: n + 1]).max(initial=0))


def _packed(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(bounds, arena) of the texts in UTF-8, as the space's table stores them."""
    from .bytetable import pack

    return pack([t.encode("utf-8", "surrogatepass") for t in texts])


class RawMapper:
    """Raw type id -> token ids. With `add_words`, every new word joins the space (learning);
    without, a word outside it becomes an OOV value whose text is kept for the writer."""

    def __init__(self, space: TokenSpace, tokenizer: TokenizerConfig, add_words: bool):
        from .counting import kernel_tables
        from .tokenize import type_normalizer

        self.space = space
        self.tokenizer = tokenizer
        self.normalize = type_normalizer(tokenizer)
        self.fold, self.strip, _ = kernel_tables(tokenizer)
        self.add_words = add_words
        self.oov_words: list[str] = []     # the text of each OOV value, -3 - value
        self.map_start = np.zeros(1 << 16, dtype=np.int64)
        self.map_ids = np.zeros(1 << 16, dtype=np.int32)
        self.oov_text = np.zeros(1 << 16, dtype=np.uint8)
        self.oov_starts = np.zeros(1 << 12, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Forget every raw type (after the raw table was cleared to bound its memory)."""
        self.resolved = 0
        self.used = 0
        self.oov = 0
        self.oov_words = []

    def resolve(self, raw) -> None:
        """Map the raw types added to `raw` (a RawTypeTable) since the last call: ASCII ones in
        a kernel (resolve_types), the others, and OOV words, by the tokenizer's Python rules."""
        from .._kernels.phrases import NEEDS_PYTHON, resolve_types
        from .._kernels.bytetable import OK

        first, n = self.resolved, len(raw)
        if n == first:
            return
        found = np.empty(n - first, dtype=np.int64)
        table = self.space.table
        at = first
        while True:
            at, status = resolve_types(raw.starts, raw.lengths, raw.arena, at, n, self.fold, self.strip,
                                       self.add_words, *table.arrays(), found[at - first:])
            if status == OK:
                break
            table.grow(status)
        self.space.grew()
        counts = (found >= 0).astype(np.int64)
        slow = np.flatnonzero(found == NEEDS_PYTHON)
        extra: dict[int, list[int]] = {}
        if slow.size:
            words = [self.normalize(raw.arena[s: s + length].tobytes()) for s, length in
                     zip(raw.starts[first + slow].tolist(), raw.lengths[first + slow].tolist())]
            flat = [w for ws in words for w in ws]
            if self.add_words:
                ids = self.space.add_all(flat)
            else:
                ids = [i if i >= 0 else self._oov(w) for i, w in zip(self.space.find_all(flat), flat)]
            at = 0
            for k, ws in zip(slow.tolist(), words):
                extra[k] = ids[at: at + len(ws)]
                counts[k] = len(ws)
                at += len(ws)
        bounds = np.cumsum(counts) + self.used
        total = int(counts.sum())
        self.map_start = _grown(self.map_start, n + 1)
        self.map_start[first + 1: n + 1] = bounds
        self.map_ids = _grown(self.map_ids, self.used + total)
        single = found >= 0
        self.map_ids[bounds[single] - 1] = found[single]
        for k, ids in extra.items():
            self.map_ids[int(bounds[k]) - len(ids): int(bounds[k])] = ids
        self.used += total
        self.resolved = n

    def _oov(self, word: str) -> int:
        data = word.encode("utf-8", "surrogatepass")
        k = self.oov
        self.oov_starts = _grown(self.oov_starts, k + 2)
        end = int(self.oov_starts[k]) + len(data)
        self.oov_text = _grown(self.oov_text, end)
        self.oov_text[end - len(data): end] = np.frombuffer(data, dtype=np.uint8)
        self.oov_starts[k + 1] = end
        self.oov = k + 1
        self.oov_words.append(word)
        return -3 - k

    def map(self, stream: np.ndarray, n: int, sink: Sink) -> None:
        """Send stream[:n] (raw type ids) to `sink` as token ids, one buffer at a time."""
        from .._kernels.phrases import map_raw

        pos = 0
        while pos < n:
            out = sink.buffer()
            pos, used = map_raw(stream, pos, n, self.map_start, self.map_ids, out)
            sink.send(out[:used])


def _doubled(table: np.ndarray) -> np.ndarray:
    """A hash table twice the size holding the same rows."""
    from .._kernels.pairs import move_rows

    bigger = np.zeros((2 * table.shape[0], 2), dtype=table.dtype)
    move_rows(table, bigger, 1)
    return bigger


def new_state() -> np.ndarray:
    from .._kernels.phrases import NO_START, STATE_SIZE

    state = np.zeros(STATE_SIZE, dtype=np.int64)
    state[0] = NO_START
    return state


class PairCounter:
    """Counts of one round: every token, every word, every candidate pair (with connectors).

    Memory stays bounded: past `max_pairs` distinct pairs, those seen k times or fewer are
    forgotten, k growing by one each time (word2vec's ReduceVocab); a warning says so."""

    def __init__(self, space: TokenSpace, max_pairs: int, expected_pairs: int = 0, pairs: np.ndarray | None = None):
        self.space = space
        self.max_pairs = max_pairs
        # sized for the pairs expected (doubling a large table costs more than counting into it),
        # or an empty table made beforehand by pair_table()
        self.pairs = pair_table(expected_pairs, max_pairs) if pairs is None else pairs
        self.tags = np.zeros((1 << 10, 2), dtype=np.uint64)
        self.unigram = np.zeros(1 << 12, dtype=np.int64)
        self.sizes = np.zeros(3, dtype=np.int64)        # pairs used, tags used, tokens
        self.limits = np.zeros(2, dtype=np.int64)
        self.state = new_state()
        self.prune_threshold = 0
        self._set_limits()

    @property
    def tokens(self) -> int:
        return int(self.sizes[2])

    @property
    def distinct_pairs(self) -> int:
        return int(self.sizes[0])

    def _set_limits(self) -> None:
        self.limits[0] = int(self.pairs.shape[0] * _MAX_LOAD)
        self.limits[1] = int(self.tags.shape[0] * _MAX_LOAD)

    def count(self, stream: np.ndarray) -> None:
        """Count a piece of the stream (pieces continue each other), then prune if needed."""
        from .._kernels.phrases import MAX_CONNECTORS, count_pairs

        self.unigram = _grown(self.unigram, len(self.space))
        pos, n = 0, stream.shape[0]
        while True:
            pos = count_pairs(stream, pos, n, self.space.is_connector, self.unigram, self.pairs, self.tags,
                              self.state, self.sizes, self.limits)
            if pos >= n:
                break
            if self.sizes[0] >= self.limits[0]:
                self.pairs = _doubled(self.pairs)
            if self.sizes[1] + MAX_CONNECTORS > self.limits[1]:
                self.tags = _doubled(self.tags)
            self._set_limits()
        self._prune_if_needed()

    def _prune_if_needed(self) -> None:
        """Keep at most max_pairs distinct pairs (the most frequent)."""
        from .._kernels.pairs import VALUE_MASK, move_rows

        while self.sizes[0] > self.max_pairs:
            self.prune_threshold += 1
            keep = (self.pairs[:, 1] & VALUE_MASK) > np.uint64(self.prune_threshold)
            survivors = self.pairs[keep]
            self.pairs[:] = 0
            self.sizes[0] = move_rows(survivors, self.pairs, 1)
            log.warning(f"phrases: more than {self.max_pairs:,} distinct pairs (--max-pairs): forgot those "
                        f"seen {self.prune_threshold} time(s) or fewer so far (counts of rare pairs are "
                        "approximate)")

    def score(self, scoring: str, threshold: float, min_count: int) -> PhraseRound:
        """The pairs scoring above `threshold`, as a round of phrases (most frequent first)."""
        from .._kernels.pairs import TAG_SHIFT, VALUE_MASK, score_pairs

        rows = np.empty(max(1, int(self.sizes[0])), dtype=np.int64)
        scores = np.empty(rows.shape[0], dtype=np.float64)
        kept = score_pairs(self.pairs, self.unigram, self.tokens, min_count, scoring == "npmi", threshold,
                           rows, scores)
        rows, scores = rows[:kept], scores[:kept]
        keys, words = self.pairs[rows, 0], self.pairs[rows, 1]
        counts = (words & VALUE_MASK).astype(np.int64)
        firsts = self.space.texts_of((keys >> np.uint64(32)).astype(np.int64))
        lasts = self.space.texts_of((keys & np.uint64(0xFFFFFFFF)).astype(np.int64))
        tags = (words >> TAG_SHIFT).astype(np.int64)
        if tags.any():
            connectors = self._connector_sequences()
            phrases = [(a, *connectors[tag], b) for a, tag, b in zip(firsts, tags.tolist(), lasts)]
        else:
            phrases = list(zip(firsts, lasts))
        # most frequent first, ties in the order of their words
        by_words = np.array(sorted(range(kept), key=phrases.__getitem__), dtype=np.int64)
        order = by_words[np.argsort(-counts[by_words], kind="stable")]
        return PhraseRound([phrases[i] for i in order.tolist()], counts[order], scores[order], self.tokens)

    def _connector_sequences(self) -> dict[int, tuple[str, ...]]:
        """tag -> the connector words it stands for (the tags table chains (previous tag, word))."""
        from .._kernels.pairs import VALUE_MASK

        used = self.tags[self.tags[:, 1] != 0]
        links = dict(zip((used[:, 1] & VALUE_MASK).astype(np.int64).tolist(), used[:, 0].tolist()))
        sequences: dict[int, tuple[str, ...]] = {0: ()}

        def sequence(tag: int) -> tuple[str, ...]:
            if tag not in sequences:
                key = links[tag]
                sequences[tag] = sequence(key >> 32) + (self.space.text(key & 0xFFFFFFFF),)
            return sequences[tag]

        for tag in links:
            sequence(tag)
        return sequences


class Joiner:
    """One round's phrases, ready to join a stream of that round's tokens into the next's."""

    def __init__(self, space: TokenSpace, phrases: list[tuple[str, ...]]):
        from .._kernels.pairs import index_phrases

        self.space = space
        flat = np.array(space.add_all([t for p in phrases for t in p]), dtype=np.int32)
        self.phrase_token = np.array(space.add_all([DELIMITER.join(p) for p in phrases]), dtype=np.int32)
        ends = np.zeros(len(phrases) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in phrases], out=ends[1:])
        links = int(flat.shape[0]) - 2 * len(phrases)      # connector words over all phrases
        self.phrases = np.zeros((table_rows(len(phrases)), 2), dtype=np.uint64)
        self.tags = np.zeros((table_rows(links), 2), dtype=np.uint64)
        index_phrases(flat, ends, self.phrases, self.tags)
        self._firsts = flat[ends[:-1]] if len(phrases) else flat
        self._lasts = flat[ends[1:] - 1] if len(phrases) else flat
        self.roles = np.zeros(0, dtype=np.uint8)
        self.state = new_state()
        self.joined = np.zeros(1, dtype=np.int64)

    def _refresh_roles(self) -> None:
        """Roles of every token (the space may have grown since): connector, starts or ends a phrase."""
        from .._kernels.phrases import CONNECTOR, ENDS, STARTS

        roles = np.zeros(len(self.space), dtype=np.uint8)
        roles[self._firsts] |= STARTS
        roles[self._lasts] |= ENDS
        connector = self.space.is_connector[: len(self.space)]
        roles[connector] = CONNECTOR       # a connector never starts or ends a phrase
        self.roles = roles

    def restart(self) -> None:
        """A new pass over a stream: no candidate pending."""
        self.state = new_state()

    def apply(self, stream: np.ndarray, sink: Sink) -> None:
        from .._kernels.phrases import apply_phrases

        if self.roles.shape[0] < len(self.space):
            self._refresh_roles()
        pos, n = 0, stream.shape[0]
        while pos < n:
            out = sink.buffer()
            pos, used = apply_phrases(stream, pos, n, self.roles, self.phrases, self.tags, self.phrase_token,
                                      self.state, out, self.joined)
            sink.send(out[:used])


def compile_table(table) -> tuple[TokenSpace, list[Joiner]]:
    """The token space of a saved table (its connectors and every token its phrases hold;
    other words are OOV) and one Joiner per round."""
    space = TokenSpace(table.config.connectors)
    space.add_all([token for rnd in table.rounds for phrase in rnd.phrases for token in phrase])
    return space, [Joiner(space, rnd.phrases) for rnd in table.rounds]


def pair_table_shape(expected_pairs: int, max_pairs: int) -> tuple[int, int]:
    """The shape of an empty pair table for about `expected_pairs` pairs (at most max_pairs)."""
    return table_rows(min(max(expected_pairs, 1 << 14), max_pairs)), 2


def pair_table(expected_pairs: int, max_pairs: int) -> np.ndarray:
    return np.zeros(pair_table_shape(expected_pairs, max_pairs), dtype=np.uint64)


def table_rows(entries: int) -> int:
    """A power of two with room for `entries` rows under the load limit."""
    return 1 << max(6, int(entries / _MAX_LOAD + 1).bit_length())


class TextWriter:
    """Token streams -> UTF-8 lines, handed to `sink` (a Sink of bytes, e.g. a file's write on a
    second thread). OOV words take their text from `mapper`."""

    def __init__(self, space: TokenSpace, mapper: RawMapper | None, sink: Sink):
        self.text, self.starts = space.text_arrays()
        self.mapper = mapper
        self.sink = sink
        self.state = np.zeros(1, dtype=np.int64)

    def write(self, stream: np.ndarray) -> None:
        from .._kernels.phrases import write_text

        oov_text = self.mapper.oov_text if self.mapper is not None else self.text
        oov_starts = self.mapper.oov_starts if self.mapper is not None else self.starts
        pos, n = 0, stream.shape[0]
        while pos < n:
            out = self.sink.buffer()
            pos, used = write_text(stream, pos, n, self.text, self.starts, oov_text, oov_starts, self.state, out)
            self.sink.send(out[:used])

    @staticmethod
    def bytes_needed(space: TokenSpace) -> int:
        """A byte buffer size that holds any token of the space (and a lot of them)."""
        return max(handoff.SINK_BYTES, 2 * space.longest() + 16)

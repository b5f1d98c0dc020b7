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
    (tokens are their text, as in gensim)."""

    def __init__(self, connectors: Iterable[str] = ()):
        self.connectors = frozenset(connectors)
        self.texts: list[str] = []
        self.index: dict[str, int] = {}
        self._is_connector = np.zeros(1024, dtype=np.bool_)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, text: str) -> int:
        known = self.index.get(text)
        if known is not None:
            return known
        n = len(self.texts)
        self.texts.append(text)
        self.index[text] = n
        self._is_connector = _grown(self._is_connector, n + 1)
        self._is_connector[n] = text in self.connectors
        return n

    @property
    def is_connector(self) -> np.ndarray:
        return self._is_connector

    def text_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(bytes of every token back to back, int64 offsets [len + 1]) for write_text."""
        encoded = [t.encode("utf-8", "surrogatepass") for t in self.texts]
        starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=starts[1:])
        return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), starts


class RawMapper:
    """Raw type id -> token ids. With `add_words`, every new word joins the space (learning);
    without, a word outside it becomes an OOV value whose text is kept for the writer."""

    def __init__(self, space: TokenSpace, tokenizer: TokenizerConfig, add_words: bool):
        from .tokenize import type_normalizer

        self.space = space
        self.tokenizer = tokenizer
        self.normalize = type_normalizer(tokenizer)
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
        """Map the raw types added to `raw` (a RawTypeTable) since the last call."""
        first, n = self.resolved, len(raw)
        if n == first:
            return
        base = int(raw.starts[first])              # new types' bytes lie at the end of the arena
        data = raw.arena[base: int(raw.sizes[1])].tobytes()
        starts = raw.starts[first:n] - base
        ends = (starts + raw.lengths[first:n]).tolist()
        get, normalize = self.space.index.get, self.normalize
        new = self.space.add if self.add_words else self._oov
        ids: list[int] = []
        bounds: list[int] = []
        for s, e in zip(starts.tolist(), ends):
            for word in normalize(data[s:e]):
                token = get(word)
                ids.append(new(word) if token is None else token)
            bounds.append(len(ids))
        self.map_start = _grown(self.map_start, n + 1)
        self.map_start[first + 1: n + 1] = np.asarray(bounds, dtype=np.int64) + self.used
        self.map_ids = _grown(self.map_ids, self.used + len(ids))
        self.map_ids[self.used: self.used + len(ids)] = ids
        self.used += len(ids)
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

    def __init__(self, space: TokenSpace, max_pairs: int, expected_pairs: int = 0):
        self.space = space
        self.max_pairs = max_pairs
        # sized for the pairs expected (doubling a large table costs more than counting into it)
        self.pairs = np.zeros((table_rows(min(max(expected_pairs, 1 << 14), max_pairs)), 2), dtype=np.uint64)
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
        firsts = (keys >> np.uint64(32)).astype(np.int64).tolist()
        lasts = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64).tolist()
        connectors = self._connector_sequences()
        texts = self.space.texts
        phrases = [(texts[a], *connectors[tag], texts[b])
                   for a, tag, b in zip(firsts, (words >> TAG_SHIFT).astype(np.int64).tolist(), lasts)]
        order = sorted(range(kept), key=lambda i: (-int(counts[i]), phrases[i]))
        return PhraseRound([phrases[i] for i in order], counts[order], scores[order], self.tokens)

    def _connector_sequences(self) -> dict[int, tuple[str, ...]]:
        """tag -> the connector words it stands for (the tags table chains (previous tag, word))."""
        from .._kernels.pairs import VALUE_MASK

        used = self.tags[self.tags[:, 1] != 0]
        links = dict(zip((used[:, 1] & VALUE_MASK).astype(np.int64).tolist(), used[:, 0].tolist()))
        sequences: dict[int, tuple[str, ...]] = {0: ()}

        def sequence(tag: int) -> tuple[str, ...]:
            if tag not in sequences:
                key = links[tag]
                sequences[tag] = sequence(key >> 32) + (self.space.texts[key & 0xFFFFFFFF],)
            return sequences[tag]

        for tag in links:
            sequence(tag)
        return sequences


class Joiner:
    """One round's phrases, ready to join a stream of that round's tokens into the next's."""

    def __init__(self, space: TokenSpace, phrases: list[tuple[str, ...]]):
        from .._kernels.pairs import index_phrases

        self.space = space
        ids = [[space.add(t) for t in p] for p in phrases]
        self.phrase_token = np.array([space.add(DELIMITER.join(p)) for p in phrases], dtype=np.int32)
        flat = np.array([t for p in ids for t in p], dtype=np.int32)
        ends = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in ids], out=ends[1:])
        links = int(flat.shape[0]) - 2 * len(ids)          # connector words over all phrases
        self.phrases = np.zeros((table_rows(len(ids)), 2), dtype=np.uint64)
        self.tags = np.zeros((table_rows(links), 2), dtype=np.uint64)
        index_phrases(flat, ends, self.phrases, self.tags)
        self._firsts = flat[ends[:-1]] if len(ids) else flat
        self._lasts = flat[ends[1:] - 1] if len(ids) else flat
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
    for word in table.config.connectors:
        space.add(word)
    for rnd in table.rounds:
        for phrase in rnd.phrases:
            for token in phrase:
                space.add(token)
    return space, [Joiner(space, rnd.phrases) for rnd in table.rounds]


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
        longest = max((len(t.encode("utf-8", "surrogatepass")) for t in space.texts), default=0)
        return max(handoff.SINK_BYTES, 2 * longest + 16)

"""The vocabulary: words in row order with their counts, and vocab.txt files.

Row order is by descending count, then by word (code point order), so the same corpus always
gives the same ids. vocab.txt holds one ``word count`` line per word in that order; the same
reader accepts Stanford GloVe's ``vocab_count`` output and word2vec's ``-save-vocab`` output
(whose ``</s>`` sentence marker is skipped).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..util.atomic import atomic_file
from ..config import TokenizerConfig, VocabConfig
from ..errors import CorpusError, FormatError, WordvecError

SENTENCE_MARKER = "</s>"  # word2vec's end-of-line token; never a real word here


class Vocab:
    """Words (row order), their counts (int64) and a word→id index."""

    def __init__(self, words: list[str], counts: np.ndarray | Iterable[int], *, unique: bool = False):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        if len(self.words) != len(self.counts):
            raise ValueError("words and counts differ in length")
        self._index: dict[str, int] | None = None
        if not unique and len(self.index) != len(self.words):  # unique=True: the caller guarantees it
            raise ValueError("duplicate words in vocabulary")

    @property
    def index(self) -> dict[str, int]:
        """word → row, built on first use: the full counts of a corpus (every word seen once
        or more) are only saved and pruned, and their index would cost ~60 bytes a word."""
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.words)}
        return self._index

    @classmethod
    def from_counts(cls, counts: Mapping[str, int] | Iterable[tuple[str, int]],
                    min_count: int = 1, max_size: int | None = None) -> "Vocab":
        """Keep words seen at least `min_count` times, at most `max_size` of them, in canonical order."""
        if not isinstance(counts, Mapping):
            items = list(counts)
            counts = dict(items)
            if len(counts) != len(items):
                raise ValueError("duplicate words in vocabulary")
        # Sorting words, then a stable sort by count, gives (-count, word) order without a
        # tuple per word: the full counts of a corpus can hold millions of words.
        words = sorted(w for w, c in counts.items() if c >= min_count)
        values = np.fromiter((counts[w] for w in words), dtype=np.int64, count=len(words))
        order = np.argsort(-values, kind="stable")
        if max_size is not None:
            order = order[:max_size]
        return cls([words[i] for i in order.tolist()], values[order], unique=True)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __repr__(self) -> str:
        return f"Vocab({len(self)} words, {self.total_tokens} tokens)"

    def id(self, word: str) -> int:
        """Row of `word`; KeyError naming the word if it is not in the vocabulary."""
        try:
            return self.index[word]
        except KeyError:
            raise KeyError(f"{word!r} is not in the vocabulary") from None

    @property
    def total_tokens(self) -> int:
        return int(self.counts.sum())

    def fingerprint(self) -> str:
        """A hash of the words and counts in order: co-occurrence folders and caches are tied to it."""
        digest = hashlib.sha256()
        for word, count in zip(self.words, self.counts.tolist()):
            digest.update(f"{word}\t{count}\n".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    def prune(self, min_count: int = 1, max_size: int | None = None) -> "Vocab":
        """A new Vocab with the same rules as from_counts applied to this one."""
        if not self._canonical():  # built by hand in another order: sort
            return Vocab.from_counts(dict(zip(self.words, self.counts.tolist())), min_count, max_size)
        # rows are in canonical order: keeping a prefix of the qualifying rows is enough
        rows = np.flatnonzero(self.counts >= min_count)
        if max_size is not None:
            rows = rows[:max_size]
        return Vocab([self.words[i] for i in rows.tolist()], self.counts[rows], unique=True)

    def _canonical(self) -> bool:
        """Whether rows are ordered by descending count, then by word."""
        steps = np.diff(self.counts)
        if np.any(steps > 0):
            return False
        words = self.words
        return all(words[i] < words[i + 1] for i in np.flatnonzero(steps == 0).tolist())

    def save(self, path: str | Path) -> None:
        """Write ``word count`` lines atomically (UTF-8)."""
        with atomic_file(path, "w") as f:
            self.write(f)

    def write(self, stream) -> None:
        """Write ``word count`` lines to an open text stream (stdout for ``vocab -o -``)."""
        for start in range(0, len(self), 65536):
            stream.write("".join(f"{w} {c}\n" for w, c in zip(self.words[start:start + 65536],
                                                              self.counts[start:start + 65536].tolist())))

    @classmethod
    def load(cls, path: str | Path, min_count: int = 1, max_size: int | None = None) -> "Vocab":
        """Read vocab.txt, GloVe vocab_count or word2vec -save-vocab output (its </s> is skipped)."""
        from ..util.wordcounts import read_word_counts

        path = Path(path)
        if not path.exists():
            raise WordvecError(f"{path}: vocabulary file not found")
        words, values = read_word_counts(path, strict=True)
        counts: dict[str, int] = {}
        for word, count in zip(words, values.tolist()):
            if word == SENTENCE_MARKER:
                continue
            if word in counts:
                raise FormatError(f"{path}: word {word!r} appears twice")
            counts[word] = count
        if not counts:
            raise FormatError(f"{path}: vocabulary file has no words")
        vocab = cls.from_counts(counts, min_count, max_size)
        if not len(vocab):
            raise WordvecError(f"{path}: no word has a count of at least {min_count} (--min-count)")
        return vocab

    def check_fingerprint(self, expected: str | None, where: str, remedy: str) -> None:
        """Refuse data made with another vocabulary (a co-occurrence folder, an encoded corpus).

        expected: the fingerprint recorded with the data (None: not recorded, nothing to check).
        """
        if expected is not None and expected != self.fingerprint():
            raise WordvecError(f"{where} was made with another vocabulary than these {len(self):,} words "
                               f"(fingerprint {expected}, not {self.fingerprint()}): {remedy}")


# ----------------------------------------------------------------------------- building

DEFAULT_MAX_TYPES = 8_000_000  # distinct raw tokens held while counting (~60 bytes each) before pruning


@dataclass
class VocabReport:
    """A built vocabulary and what the counting pass saw."""

    vocab: Vocab
    word_tokens: int            # word tokens counted: what the tokenizer made of the raw tokens
    distinct: int               # distinct words before --min-count / --max-vocab
    raw_tokens: int             # whitespace-separated tokens read
    bytes: int
    files: int
    invalid_utf8_tokens: int = 0
    cut_tokens: int = 0
    prune_threshold: int = 0    # >0: rare raw tokens were forgotten while counting (ReduceVocab)
    seconds: float = 0.0

    @property
    def coverage(self) -> float:
        """Share of word tokens that are kept words (kept tokens / word tokens)."""
        return self.vocab.total_tokens / self.word_tokens if self.word_tokens else 0.0

    def to_dict(self) -> dict:
        return {"raw_tokens": self.raw_tokens, "word_tokens": self.word_tokens, "distinct_words": self.distinct,
                "kept_words": len(self.vocab), "kept_tokens": self.vocab.total_tokens,
                "coverage": round(self.coverage, 6), "bytes": self.bytes, "files": self.files,
                "invalid_utf8_tokens": self.invalid_utf8_tokens, "cut_tokens": self.cut_tokens,
                "prune_threshold": self.prune_threshold, "seconds": round(self.seconds, 3)}


def words_of_types(table, tokenizer, counts_out: dict[str, int] | None = None) -> tuple[dict[str, int], int]:
    """Normalise every raw type in `table` once and add its count to each word it yields.

    Returns (word counts, tokens whose bytes were not valid UTF-8).
    """
    from .tokenize import type_normalizer

    normalize = type_normalizer(tokenizer)
    counts: dict[str, int] = {} if counts_out is None else counts_out
    get = counts.get
    n = len(table)
    arena = table.arena[: int(table.sizes[1])].tobytes()
    invalid = 0
    for first in range(0, n, _TYPES_PER_SLICE):  # slices: three Python lists of n ints would be large
        last = min(n, first + _TYPES_PER_SLICE)
        starts = table.starts[first:last]
        ends = (starts + table.lengths[first:last]).tolist()
        for s, e, c in zip(starts.tolist(), ends, table.counts[first:last].tolist()):
            raw = arena[s:e]
            if not raw.isascii():
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    invalid += c
            for word in normalize(raw):
                counts[word] = get(word, 0) + c
    return counts, invalid


_TYPES_PER_SLICE = 1 << 16


def corpus_name(files: list[str]) -> str:
    """The corpus as messages name it: its files, the first three of them."""
    names = ["<stdin>" if f == "-" else f for f in files]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def build_vocab(paths, tokenizer: TokenizerConfig | None = None, min_count: int = 5,
                max_vocab: int | None = None, *, max_types: int = DEFAULT_MAX_TYPES) -> VocabReport:
    """Count words in one streaming pass and keep the frequent ones.

    Memory stays bounded on huge vocabularies: when more than `max_types` distinct raw tokens
    are held, those seen fewer than k times are forgotten and k grows by one each time, as
    word2vec's ReduceVocab does (the counts of rare words then become approximate; a warning
    says so).
    """
    from ..util.progress import log
    from .tokenize import RawTypeTable, input_files, scan_with_progress

    tokenizer = (tokenizer or TokenizerConfig()).validate()
    VocabConfig(min_count, max_vocab).validate()
    started = time.perf_counter()
    files = input_files(paths)
    table = RawTypeTable()
    threshold = 0

    def reduce_if_needed() -> None:
        nonlocal threshold
        while len(table) > max_types:
            threshold += 1
            table.prune(threshold + 1)
            log.warning(f"vocabulary table passed {max_types:,} distinct tokens: forgot those seen "
                        f"{threshold} time(s) or fewer so far (counts of rare words are approximate)")

    stats = scan_with_progress(files, tokenizer, table, "counting", after_block=reduce_if_needed)
    counts, invalid = words_of_types(table, tokenizer)
    del table  # its arrays are large; the word counts are all that is needed now
    tokens = sum(counts.values())
    where = corpus_name(files)
    if stats.tokens == 0 or tokens == 0:
        raise CorpusError(f"{where}: no words found (empty, or only whitespace and punctuation)")
    if invalid:
        log.warning(f"{invalid:,} tokens were not valid UTF-8 in {where} (another encoding?); "
                    "bad bytes were replaced with U+FFFD")
    if stats.cut_tokens:
        log.warning(f"{stats.cut_tokens:,} tokens longer than {tokenizer.max_token_bytes} bytes in {where} "
                    "were cut at a character boundary")
    vocab = Vocab.from_counts(counts, min_count, max_vocab)
    if not len(vocab):
        raise CorpusError(f"{where}: no word occurs at least {min_count} times (--min-count) among "
                          f"{len(counts):,} distinct words; lower --min-count")
    return VocabReport(vocab=vocab, word_tokens=tokens, distinct=len(counts), raw_tokens=stats.tokens,
                       bytes=stats.bytes, files=stats.files, invalid_utf8_tokens=invalid,
                       cut_tokens=stats.cut_tokens, prune_threshold=threshold,
                       seconds=time.perf_counter() - started)

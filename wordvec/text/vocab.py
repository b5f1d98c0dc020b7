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
        self._fingerprint: str | None = None
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
        """A hash of the words and counts in order: co-occurrence folders, caches and checkpoints
        are tied to it. Computed once (a Vocab is not changed after it is built)."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for word, count in zip(self.words, self.counts.tolist()):
                digest.update(f"{word}\t{count}\n".encode("utf-8", "surrogatepass"))
            self._fingerprint = digest.hexdigest()[:32]
        return self._fingerprint

    def prune(self, min_count: int = 1, max_size: int | None = None) -> "Vocab":
        """A new Vocab with the same rules as from_counts applied to this one."""
        if not self._canonical():  # built by hand in another order: sort
            return Vocab.from_counts(dict(zip(self.words, self.counts.tolist())), min_count, max_size)
        # rows are in canonical order: keeping a prefix of the qualifying rows is enough
        rows = np.flatnonzero(self.counts >= min_count)
        if max_size is not None:
            rows = rows[:max_size]
        return Vocab([self.words[i] for i in rows.tolist()], self.counts[rows], unique=True)

    def extended(self, counts: "Vocab", min_count: int = 1, max_size: int | None = None) -> "Vocab":
        """This vocabulary, rows unchanged, followed by the words of `counts` seen at least
        `min_count` times that it lacks (most frequent first, then by word), every word's count
        being the sum of both: the vocabulary of continued training (--init). `max_size` caps
        the total; this vocabulary's own words always stay.

        Example: [the 10, cat 5] extended by {the: 7, dog: 4, ant: 4, mat: 1}, min_count 2
        -> [the 17, cat 5, ant 4, dog 4].
        """
        index, theirs = counts.index, counts.counts
        summed = self.counts + np.fromiter((theirs[index[w]] if w in index else 0 for w in self.words),
                                           dtype=np.int64, count=len(self))
        known = self.index
        added = [w for w in counts.prune(min_count).words if w not in known]
        if max_size is not None:
            added = added[: max(0, max_size - len(self))]
        new = np.fromiter((theirs[index[w]] for w in added), dtype=np.int64, count=len(added))
        return Vocab(self.words + added, np.concatenate([summed, new]), unique=True)

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


def corpus_name(files: list[str]) -> str:
    """The corpus as messages name it: its files, the first three of them."""
    names = ["<stdin>" if f == "-" else f for f in files]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def build_vocab(paths, tokenizer: TokenizerConfig | None = None, min_count: int = 5,
                max_vocab: int | None = None, *, max_types: int | None = None,
                threads: int | None = None, passes=None) -> VocabReport:
    """Count words in one streaming pass over every core and keep the frequent ones.

    Memory stays bounded on huge vocabularies: when more than `max_types` distinct tokens are
    held, those seen fewer than k times are forgotten and k grows by one each time, as
    word2vec's ReduceVocab does (the counts of rare words then become approximate; a warning
    says so). The result does not depend on `threads`. `passes`: where the counting runs
    (wordvec.text.corpus.LocalPasses, or a cluster's).
    """
    from .counting import count_words
    from .tokenize import input_files

    started = time.perf_counter()
    tokenizer = (tokenizer or TokenizerConfig()).validate()
    VocabConfig(min_count, max_vocab).validate()
    files = input_files(paths)
    if passes is not None:
        counts = passes.count(files, tokenizer)
    else:
        counts = count_words(files, tokenizer, threads=threads,
                             **({} if max_types is None else {"max_types": max_types}))
    counts = counts.frequent(min_count, max_vocab)  # frees the counts of every other word
    report = report_of(counts, files, tokenizer, min_count, max_vocab)
    report.seconds = time.perf_counter() - started
    return report


def report_of(counts, files: list[str], tokenizer: TokenizerConfig, min_count: int,
              max_vocab: int | None) -> VocabReport:
    """The vocabulary kept from word counts (see wordvec.text.counting), with the warnings and
    errors about what the counting pass saw."""
    from ..util.progress import log

    where = corpus_name(files)
    tokens = counts.tokens
    if counts.raw_tokens == 0 or tokens == 0:
        raise CorpusError(f"{where}: no words found (empty, or only whitespace and punctuation)")
    if counts.invalid_utf8_tokens:
        log.warning(f"{counts.invalid_utf8_tokens:,} tokens were not valid UTF-8 in {where} (another encoding?); "
                    "bad bytes were replaced with U+FFFD")
    if counts.cut_tokens:
        log.warning(f"{counts.cut_tokens:,} tokens longer than {tokenizer.max_token_bytes} bytes in {where} "
                    "were cut at a character boundary")
    words, kept = counts.select(min_count, max_vocab)
    if not words:
        raise CorpusError(f"{where}: no word occurs at least {min_count} times (--min-count) among "
                          f"{counts.distinct:,} distinct words; lower --min-count")
    return VocabReport(vocab=Vocab(words, kept, unique=True), word_tokens=tokens, distinct=counts.distinct,
                       raw_tokens=counts.raw_tokens, bytes=counts.bytes, files=counts.files,
                       invalid_utf8_tokens=counts.invalid_utf8_tokens, cut_tokens=counts.cut_tokens,
                       prune_threshold=counts.prune_threshold, seconds=counts.seconds)

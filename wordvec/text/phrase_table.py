"""A learned phrase table: the settings it was learned with and its phrases, round by round.

Round 1 joins words ("new york" -> new_york); round 2 joins the tokens round 1 produced
("new_york city" -> new_york_city), and so on for `passes` rounds. The table is saved as UTF-8
text (docs/FORMAT.md): a versioned header, the settings as JSON, then one line per phrase:

    #wordvec-phrases 1
    #{"scoring": "npmi", "threshold": 0.5, ...}
    1<TAB>new york<TAB>count<TAB>score

Tokens never hold whitespace, so the phrase's tokens are separated by single spaces; the
joined token is those tokens joined by "_".
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import TokenizerConfig
from ..errors import FormatError, WordvecError

MAGIC = "#wordvec-phrases"
VERSION = 1
DELIMITER = "_"
SCORINGS = ("word2phrase", "npmi")
DEFAULT_THRESHOLDS = {"word2phrase": 100.0, "npmi": 0.5}
# gensim's ENGLISH_CONNECTOR_WORDS: articles, some prepositions and conjunctions (bank_of_america)
ENGLISH_CONNECTOR_WORDS = ("a", "an", "the", "for", "of", "with", "without", "at", "from", "to", "in",
                           "on", "by", "and", "or")


@dataclass(frozen=True)
class PhraseConfig:
    scoring: str = "word2phrase"     # "word2phrase": (count(ab) - min_count) * N / (count(a) * count(b)), N the
                                     # number of words, as word2phrase.c (gensim's original_scorer multiplies by
                                     # its vocabulary size instead); "npmi": normalised PMI in [-1, 1], gensim's
    threshold: float | None = None   # join a pair when its score is above this; None: 100 (word2phrase), 0.5 (npmi)
    min_count: int = 5               # pairs seen fewer times never join (word2phrase: nor words seen fewer times)
    passes: int = 1                  # rounds of learning; round k joins round k-1's tokens, so 2 finds up to 4-grams
    connector_words: tuple[str, ...] = ()  # words allowed inside a phrase, never at its ends (bank_of_america)
    max_pairs: int = 20_000_000      # distinct pairs held while counting (16-32 bytes each); beyond it the rarest
                                     # are forgotten, as word2vec's ReduceVocab does, and a warning says so

    @property
    def effective_threshold(self) -> float:
        return DEFAULT_THRESHOLDS[self.scoring] if self.threshold is None else float(self.threshold)

    def validate(self) -> "PhraseConfig":
        def require(ok: bool, message: str) -> None:
            if not ok:
                raise WordvecError(message)

        require(self.scoring in SCORINGS, f"--scoring must be one of {', '.join(SCORINGS)}, not {self.scoring!r}")
        threshold = self.effective_threshold
        require(math.isfinite(threshold), f"--threshold must be a number, not {self.threshold}")
        require(self.scoring != "npmi" or -1.0 <= threshold <= 1.0,
                f"--threshold must be between -1 and 1 with --scoring npmi, not {threshold}")
        require(self.min_count >= 1, f"--min-count must be at least 1, not {self.min_count}")
        require(self.passes >= 1, f"--passes must be at least 1, not {self.passes}")
        require(self.max_pairs >= 1000, f"--max-pairs must be at least 1000, not {self.max_pairs}")
        bad = [w for w in self.connector_words if not w or any(c.isspace() for c in w)]
        require(not bad, f"--connector-words: {bad[0]!r} is not a word" if bad else "")
        return self

    def to_dict(self) -> dict:
        return dict(dataclasses.asdict(self), threshold=self.effective_threshold,
                    connector_words=list(self.connector_words))


def connector_words_option(text: str | None) -> tuple[str, ...]:
    """--connector-words: "english" (gensim's list) or words separated by commas or spaces."""
    if not text:
        return ()
    if text.strip().lower() == "english":
        return ENGLISH_CONNECTOR_WORDS
    return tuple(dict.fromkeys(w for w in text.replace(",", " ").split()))


@dataclass
class PhraseRound:
    """The phrases one round found, each as its tokens (two ends and the connectors between)."""

    phrases: list[tuple[str, ...]]
    counts: np.ndarray               # int64: times the phrase was seen while counting
    scores: np.ndarray               # float64
    tokens: int = 0                  # tokens counted in this round (the N of the scores)

    def __len__(self) -> int:
        return len(self.phrases)

    def joined(self) -> list[str]:
        return [DELIMITER.join(p) for p in self.phrases]


@dataclass
class PhraseTable:
    """Settings plus the phrases of every round, in the order they are applied."""

    config: PhraseConfig
    tokenizer: TokenizerConfig
    rounds: list[PhraseRound] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(r) for r in self.rounds)

    def connector_set(self) -> frozenset[str]:
        return frozenset(self.config.connector_words)

    def save(self, path: str | Path) -> None:
        """Write the table atomically (UTF-8 text)."""
        from ..util.atomic import atomic_file

        header = {**self.config.to_dict(), "tokenizer": self.tokenizer.to_dict(),
                  "tokens_counted": [r.tokens for r in self.rounds], "delimiter": DELIMITER}
        with atomic_file(path, "w") as f:
            f.write(f"{MAGIC} {VERSION}\n#{json.dumps(header, ensure_ascii=False)}\n")
            for number, rnd in enumerate(self.rounds, 1):
                for tokens, count, score in zip(rnd.phrases, rnd.counts.tolist(), rnd.scores.tolist()):
                    f.write(f"{number}\t{' '.join(tokens)}\t{count}\t{score!r}\n")

    @classmethod
    def load(cls, path: str | Path) -> "PhraseTable":
        """Read a table written by save(); a clear FormatError naming the line otherwise."""
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise WordvecError(f"{path}: phrase table not found") from None
        except IsADirectoryError:
            raise WordvecError(f"{path}: is a folder, expected a phrase table") from None
        except UnicodeDecodeError as exc:
            raise FormatError(f"{path}: not a wordvec phrase table (not UTF-8 text: {exc.reason})") from None
        lines = text.split("\n")
        first = lines[0].split()
        if len(first) != 2 or first[0] != MAGIC:
            raise FormatError(f"{path}: not a wordvec phrase table (its first line is not '{MAGIC} {VERSION}')")
        if first[1] != str(VERSION):
            raise FormatError(f"{path}: phrase table version {first[1]!r} is not supported (this wordvec "
                              f"reads version {VERSION}); learn the table again")
        config, tokenizer, tokens = _settings(path, lines[1] if len(lines) > 1 else "")
        rounds = [PhraseRound([], np.zeros(0, np.int64), np.zeros(0), n) for n in tokens]
        rows: list[list] = [[] for _ in rounds]
        for number, line in enumerate(lines[2:], 3):
            if line:
                rnd, row = _phrase_line(path, number, line, len(rounds))
                rows[rnd].append(row)
        for rnd, found in zip(rounds, rows):
            rnd.phrases = [tokens for tokens, _, _ in found]
            rnd.counts = np.array([c for _, c, _ in found], dtype=np.int64)
            rnd.scores = np.array([s for _, _, s in found], dtype=np.float64)
        return cls(config, tokenizer, rounds)


def _settings(path: Path, line: str) -> tuple[PhraseConfig, TokenizerConfig, list[int]]:
    try:
        header = json.loads(line[1:]) if line.startswith("#") else None
        if not isinstance(header, dict):
            raise ValueError("no settings line")
        tokenizer = TokenizerConfig(**header.pop("tokenizer")).validate()
        tokens = [int(n) for n in header.pop("tokens_counted")]
        header.pop("delimiter", None)
        header["connector_words"] = tuple(header.get("connector_words", ()))
        names = {f.name for f in dataclasses.fields(PhraseConfig)}
        config = PhraseConfig(**{k: v for k, v in header.items() if k in names}).validate()
    except (ValueError, TypeError, KeyError, AttributeError, WordvecError) as exc:
        raise FormatError(f"{path}:2: damaged phrase table settings ({exc})") from None
    if len(tokens) != config.passes:
        raise FormatError(f"{path}:2: damaged phrase table settings ({len(tokens)} rounds counted, "
                          f"{config.passes} passes)")
    return config, tokenizer, tokens


def _phrase_line(path: Path, number: int, line: str, rounds: int) -> tuple[int, tuple]:
    fields = line.split("\t")
    if len(fields) != 4:
        raise FormatError(f"{path}:{number}: expected 'round<TAB>tokens<TAB>count<TAB>score', "
                          f"got {line[:60]!r}")
    try:
        rnd, count, score = int(fields[0]), int(fields[2]), float(fields[3])
    except ValueError:
        raise FormatError(f"{path}:{number}: round, count or score is not a number: {line[:60]!r}") from None
    tokens = tuple(fields[1].split(" "))
    if not 1 <= rnd <= rounds:
        raise FormatError(f"{path}:{number}: round {rnd} outside 1..{rounds}")
    if len(tokens) < 2 or not all(tokens):
        raise FormatError(f"{path}:{number}: a phrase needs two or more tokens separated by single spaces")
    return rnd - 1, (tokens, count, score)

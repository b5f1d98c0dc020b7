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
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import PhraseConfig, TokenizerConfig
from ..errors import FormatError, WordvecError

MAGIC = "#wordvec-phrases"
VERSION = 1
DELIMITER = "_"


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

    path: str | None = None          # where it was loaded from, for messages and metadata

    def __len__(self) -> int:
        return sum(len(r) for r in self.rounds)

    def fingerprint(self) -> str:
        """A hash of the settings and phrases: caches of corpora joined with the table key on it."""
        digest = hashlib.sha256(json.dumps([self.config.to_dict(), self.tokenizer.to_dict()]).encode())
        for number, rnd in enumerate(self.rounds, 1):
            for tokens in rnd.phrases:
                digest.update(f"{number}\t{' '.join(tokens)}\n".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    def summary(self) -> dict:
        """What meta.json records of a table applied while training."""
        return {"table": self.path, "fingerprint": self.fingerprint(), "phrases": len(self),
                "passes": len(self.rounds), "scoring": self.config.scoring,
                "threshold": self.config.effective_threshold}

    def save(self, path: str | Path) -> None:
        """Write the table atomically (UTF-8 text)."""
        from ..util.atomic import atomic_file

        header = {**self.config.to_dict(), "threshold": self.config.effective_threshold,
                  "connector_words": list(self.config.connectors), "tokenizer": self.tokenizer.to_dict(),
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
        return cls(config, tokenizer, rounds, path=str(path))


def _settings(path: Path, line: str) -> tuple[PhraseConfig, TokenizerConfig, list[int]]:
    try:
        header = json.loads(line[1:]) if line.startswith("#") else None
        if not isinstance(header, dict):
            raise ValueError("no settings line")
        tokenizer = TokenizerConfig(**header.pop("tokenizer")).validate()
        tokens = [int(n) for n in header.pop("tokens_counted")]
        header.pop("delimiter", None)
        header["connector_words"] = ",".join(header.get("connector_words", ())) or None
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

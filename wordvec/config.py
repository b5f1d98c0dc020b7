"""Frozen configurations for the tokenizer and the trainers.

Field names are the CLI flag names (``min_count`` is ``--min-count``) and the keys written
to ``meta.json``, so one spelling serves the library, the command line and saved files.
Each setting is documented where it is declared. ``validate()`` raises WordvecError with a
message that names the option.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from .errors import WordvecError

TOKEN_MODES = ("words", "raw")


def default_threads() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WordvecError(message)


@dataclass(frozen=True)
class TokenizerConfig:
    tokens: str = "words"            # "words": whitespace split, punctuation stripped from token
                                     # edges; "raw": whitespace split only (pre-tokenized text, item IDs)
    lowercase: bool = True           # lowercase every token (Unicode-aware)
    max_sentence_length: int = 1000  # longer lines are cut into pieces of this many tokens (word2vec's cap)
    max_token_bytes: int = 100       # longer tokens are cut at a UTF-8 character boundary (word2vec: 100)

    def validate(self) -> "TokenizerConfig":
        _require(self.tokens in TOKEN_MODES,
                 f"--tokens must be one of {', '.join(TOKEN_MODES)}, not {self.tokens!r}")
        _require(self.max_sentence_length >= 1, "max_sentence_length must be at least 1")
        _require(self.max_token_bytes >= 4, "max_token_bytes must be at least 4")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class VocabConfig:
    min_count: int = 5               # words seen fewer times are dropped
    max_vocab: int | None = None     # keep at most this many most frequent words (None: no cap)

    def validate(self) -> "VocabConfig":
        _require(self.min_count >= 1, f"--min-count must be at least 1, not {self.min_count}")
        _require(self.max_vocab is None or self.max_vocab >= 1,
                 f"--max-vocab must be at least 1, not {self.max_vocab}")
        return self


@dataclass(frozen=True)
class Word2VecConfig:
    arch: str = "skipgram"           # "skipgram" or "cbow"
    dim: int = 100                   # vector dimensionality
    window: int = 5                  # max distance to a context word; the effective window is drawn
                                     # uniformly in 1..window per word; 0 = the whole line (item2vec)
    negative: int = 5                # negative samples per positive
    ns_exponent: float = 0.75        # negatives drawn from count ** ns_exponent
    sample: float = 1e-3             # subsampling threshold for frequent words (0 disables)
    min_count: int = 5               # vocabulary: drop words seen fewer times
    max_vocab: int | None = None     # vocabulary: cap on the number of words
    epochs: int = 5                  # passes over the corpus
    lr: float | None = None          # starting learning rate; None: 0.025 skip-gram, 0.05 CBOW
    min_lr_ratio: float = 1e-4       # the rate decays linearly to lr * min_lr_ratio (word2vec)
    threads: int | None = None       # worker threads; None: all cores
    seed: int = 1                    # with threads=1 the output is bit-identical run after run
    exact: bool = False              # classic per-pair updates instead of shared-negative window batches
    vectors: str = "in"              # "in": input vectors (as the peers write); "in+out": w + c
    chunk_tokens: int = 1_000_000    # tokens per kernel call; progress and Ctrl-C act between chunks
    init_width: float = 2.0          # input vectors start uniform in (-init_width/dim, init_width/dim);
                                     # the C tool uses 0.5, gensim 1.0. Wider starts learn more in few
                                     # epochs: on 5M bench-en tokens 2.0 vs 0.5 gave analogy +1.3 points
                                     # (CBOW) and +0.5 (skip-gram), WS353/SimLex up too. 0.5 = the C tool

    @property
    def effective_lr(self) -> float:
        if self.lr is not None:
            return self.lr
        return 0.05 if self.arch == "cbow" else 0.025

    @property
    def effective_threads(self) -> int:
        return self.threads if self.threads is not None else default_threads()

    def validate(self) -> "Word2VecConfig":
        _require(self.arch in ("skipgram", "cbow"), f"arch must be skipgram or cbow, not {self.arch!r}")
        _require(self.dim >= 1, f"--dim must be at least 1, not {self.dim}")
        _require(self.window >= 0, f"--window must be 0 (whole line) or more, not {self.window}")
        _require(self.negative >= 0, f"--negative must be 0 or more, not {self.negative}")
        _require(self.negative >= 1, "--negative must be at least 1 (negative sampling is the only objective)")
        _require(self.sample >= 0, f"--sample must be 0 (off) or more, not {self.sample}")
        _require(self.epochs >= 1, f"--epochs must be at least 1, not {self.epochs}")
        _require(self.lr is None or self.lr > 0, f"--lr must be positive, not {self.lr}")
        _require(self.threads is None or self.threads >= 1, f"--threads must be at least 1, not {self.threads}")
        _require(self.vectors in ("in", "in+out"), f"--vectors must be in or in+out, not {self.vectors!r}")
        _require(self.chunk_tokens >= 1000, "chunk_tokens must be at least 1000")
        _require(self.init_width > 0, f"--init-width must be positive, not {self.init_width}")
        VocabConfig(self.min_count, self.max_vocab).validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class GloVeConfig:
    dim: int = 100                   # vector dimensionality
    window: int = 10                 # context words counted on each side
    symmetric: bool = True           # False (--asymmetric): left context only, as GloVe's -symmetric 0
    distance_weighting: bool = True  # each pair counts 1/distance (False: plain counts)
    min_count: int = 5               # vocabulary: drop words seen fewer times
    max_vocab: int | None = None     # vocabulary: cap on the number of words
    epochs: int = 25                 # passes over the non-zero co-occurrences (GloVe's -iter)
    lr: float = 0.05                 # AdaGrad initial learning rate (GloVe's -eta)
    x_max: float = 100.0             # weighting cutoff: f(x) = min(1, (x / x_max) ** alpha)
    alpha: float = 0.75              # weighting exponent
    threads: int | None = None       # worker threads; None: all cores
    seed: int = 1                    # with threads=1 the output is bit-identical run after run
    memory: float | None = None      # GiB budget for co-occurrence counting; None: a quarter of RAM
    vectors: str = "in+out"          # "in+out": W + W~ (GloVe's -model 2); "in": W only

    @property
    def effective_threads(self) -> int:
        return self.threads if self.threads is not None else default_threads()

    def validate(self) -> "GloVeConfig":
        _require(self.dim >= 1, f"--dim must be at least 1, not {self.dim}")
        _require(self.window >= 1, f"--window must be at least 1, not {self.window}")
        _require(self.epochs >= 1, f"--epochs must be at least 1, not {self.epochs}")
        _require(self.lr > 0, f"--lr must be positive, not {self.lr}")
        _require(self.x_max > 0, f"--x-max must be positive, not {self.x_max}")
        _require(self.alpha > 0, f"--alpha must be positive, not {self.alpha}")
        _require(self.threads is None or self.threads >= 1, f"--threads must be at least 1, not {self.threads}")
        _require(self.memory is None or self.memory * 1024 >= 16,
                 f"--memory must be at least 16 MiB (0.016 GiB), not {self.memory} GiB")
        _require(self.vectors in ("in", "in+out"), f"--vectors must be in or in+out, not {self.vectors!r}")
        VocabConfig(self.min_count, self.max_vocab).validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

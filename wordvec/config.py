"""Frozen configurations for the tokenizer, the vocabulary and the trainers.

Field names are the CLI flag names (``min_count`` is ``--min-count``) and the keys written
to ``meta.json``, so one spelling serves the library, the command line and saved files.
Each setting is declared once, with its default and its help text (``setting``); the CLI
derives its options from these fields (wordvec/cli/options.py), so a default lives in exactly
one place. ``validate()`` raises WordvecError with a message that names the option.
numpy-free and numba-free: the CLI imports this module to build its options.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

from .errors import WordvecError

TOKEN_MODES = ("words", "raw")
VECTOR_MODES = ("in", "in+out")
LOSSES = ("ns", "hs")
MAX_NGRAM = 32   # longer character n-grams are a typo in --subwords, not a model
# Vector file formats, and the other names users reach for (fastText's .vec is word2vec text;
# its binary model, fasttext-bin, is read but never written).
FORMATS = ("native", "word2vec", "word2vec-binary", "glove", "fasttext-bin")
READ_ONLY_FORMATS = ("fasttext-bin",)
FORMAT_ALIASES = {"fasttext": "word2vec", "vec": "word2vec", "text": "word2vec", "txt": "word2vec",
                  "binary": "word2vec-binary", "bin": "word2vec-binary"}
FORMAT_NAMES = FORMATS + tuple(FORMAT_ALIASES)
WRITABLE_FORMAT_NAMES = tuple(n for n in FORMAT_NAMES if n not in READ_ONLY_FORMATS)
# The format an output's name implies (convert TARGET); a folder, existing or ending in '/', is native.
FORMAT_SUFFIXES = {".wv": "native", ".bin": "word2vec-binary", ".vec": "word2vec", ".txt": "word2vec"}


def format_choices(writable: bool = False) -> str:
    """Every format name (only those wordvec writes, if asked), each alias with what it means:
    for help texts and errors."""
    names = [n for n in FORMATS if not (writable and n in READ_ONLY_FORMATS)]
    aliases = "; ".join(f"{', '.join(a for a, f in FORMAT_ALIASES.items() if f == name)} = {name}"
                        for name in names if name in FORMAT_ALIASES.values())
    return f"{', '.join(names)} (aliases: {aliases})"


def canonical_format(name: str | None) -> str | None:
    """A format name or alias as one of FORMATS (None stays None: 'sniff it')."""
    if name is None:
        return None
    name = FORMAT_ALIASES.get(name.lower(), name.lower())
    if name not in FORMATS:
        raise WordvecError(f"unknown vectors format {name!r}: use one of {format_choices()}")
    return name


def format_of_name(path: str | os.PathLike) -> str | None:
    """The format an output path's name implies (FORMAT_SUFFIXES), None when it implies none."""
    text = os.fspath(path)
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        return "native"
    return FORMAT_SUFFIXES.get(os.path.splitext(text)[1].lower())


def default_threads() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def setting(default: Any, help: str, *, choices: tuple[str, ...] | None = None, flag: str | None = None,
            default_text: str | None = None, metavar: str | None = None, cli: bool = True) -> Any:
    """A config field with what the command line needs to offer it as an option.

    help: the option's help text. choices: allowed strings. flag: the click declaration when
    the derived one does not fit (``"--symmetric/--asymmetric"``). default_text: what
    ``--help`` shows for a None default ("all cores"). metavar: the value's name in ``--help``
    ("MIN-MAX"). cli=False: library-only settings.
    """
    return dataclasses.field(default=default, metadata={"help": help, "choices": choices, "flag": flag,
                                                        "default_text": default_text, "metavar": metavar,
                                                        "cli": cli})


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WordvecError(message)


# Settings several configs share, each declared here once.
def _dim() -> Any:
    return setting(100, "Vector dimensionality.")


def _min_count() -> Any:
    return setting(5, "Drop words seen fewer times.")


def _max_vocab() -> Any:
    return setting(None, "Keep at most this many most frequent words.", default_text="no cap")


def _threads() -> Any:
    return setting(None, "Worker threads.", default_text="all cores")


def _seed() -> Any:
    return setting(1, "Random seed; with --threads 1 the output is bit-identical run after run.")


def _memory() -> Any:
    return setting(None, "At most this many GiB for co-occurrence counting (less when more would not be "
                         "faster); runs beyond it spill to temporary files.",
                   default_text="a quarter of RAM")


def _symmetric() -> Any:
    return setting(True, "Count context on both sides, or the left side only (GloVe's -symmetric 0).",
                   flag="--symmetric/--asymmetric")


def _distance_weighting() -> Any:
    return setting(True, "Each pair counts 1/distance; --no-distance-weighting counts every pair as 1.")


def _check_common(config: Any) -> None:
    """Checks of the settings trainers share: dim, epochs, threads and the vocabulary."""
    _require(config.dim >= 1, f"--dim must be at least 1, not {config.dim}")
    _require(config.epochs >= 1, f"--epochs must be at least 1, not {config.epochs}")
    _require(config.threads is None or config.threads >= 1, f"--threads must be at least 1, not {config.threads}")
    _require(config.vectors in VECTOR_MODES, f"--vectors must be in or in+out, not {config.vectors!r}")
    VocabConfig(config.min_count, config.max_vocab).validate()


class _Config:
    """What every config offers: a dict for meta.json and the thread count to use."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @property
    def effective_threads(self) -> int:
        threads = getattr(self, "threads", None)
        return threads if threads is not None else default_threads()


@dataclass(frozen=True)
class TokenizerConfig(_Config):
    tokens: str = setting("words", "words: split on whitespace and strip punctuation from token edges; raw: split "
                          "on whitespace only (pre-tokenized text, item IDs).", choices=TOKEN_MODES)
    lowercase: bool = setting(True, "Lowercase tokens (Unicode-aware).")
    max_sentence_length: int = setting(1000, "Longer lines are cut into pieces of this many tokens (word2vec's "
                                       "cap), so context windows never cross a cut.", cli=False)
    max_token_bytes: int = setting(100, "Longer tokens are cut at a UTF-8 character boundary (word2vec: 100).",
                                   cli=False)

    def validate(self) -> "TokenizerConfig":
        _require(self.tokens in TOKEN_MODES,
                 f"--tokens must be one of {', '.join(TOKEN_MODES)}, not {self.tokens!r}")
        _require(self.max_sentence_length >= 1, "max_sentence_length must be at least 1")
        _require(self.max_token_bytes >= 4, "max_token_bytes must be at least 4")
        return self


@dataclass(frozen=True)
class VocabConfig(_Config):
    min_count: int = _min_count()
    max_vocab: int | None = _max_vocab()
    threads: int | None = _threads()   # counting (and encoding) run on this many threads

    def validate(self) -> "VocabConfig":
        _require(self.min_count >= 1, f"--min-count must be at least 1, not {self.min_count}")
        _require(self.max_vocab is None or self.max_vocab >= 1,
                 f"--max-vocab must be at least 1, not {self.max_vocab}")
        _require(self.threads is None or self.threads >= 1, f"--threads must be at least 1, not {self.threads}")
        return self


@dataclass(frozen=True)
class Word2VecConfig(_Config):
    arch: str = setting("skipgram", "skipgram or cbow (the command chooses it).", cli=False)
    dim: int = _dim()
    window: int = setting(5, "Max distance to a context word; the effective window is drawn in 1..window per "
                          "word. 0: the whole line is the context (item2vec).")
    negative: int = setting(5, "Negative samples per positive example (not used by --loss hs).")
    loss: str = setting("ns", "ns: negative sampling; hs: hierarchical softmax over a Huffman tree of the "
                        "vocabulary (word2vec's -hs 1, gensim's hs=1 negative=0).", choices=LOSSES)
    subwords: str | None = setting(None, "Character n-grams MIN-MAX (fastText's subwords, e.g. 3-6): a word's "
                                   "vector is the mean of its own row and its n-grams' rows, so words never seen "
                                   "in training get vectors too.", default_text="off", metavar="MIN-MAX")
    buckets: int = setting(2_000_000, "Hash buckets for the n-grams of --subwords (rows of the n-gram matrix, "
                           "fastText's -bucket): memory is buckets x dim x 4 bytes.")
    # fastText draws negatives from count ** 0.5; with its subword model that measured +1.3 analogy
    # points over word2vec's 0.75 on 10M bench-en tokens (one seed), so --subwords follows fastText.
    ns_exponent: float | None = setting(None, "Negatives are drawn from count ** this (0: uniform; item data may "
                                        "want other values).", default_text="0.75; 0.5 with --subwords, as fastText")
    sample: float = setting(1e-3, "Subsampling threshold for frequent words (0: off); 1e-4 or 1e-5 for large "
                            "corpora.")
    min_count: int = _min_count()
    max_vocab: int | None = _max_vocab()
    epochs: int = setting(5, "Passes over the corpus.")
    lr: float | None = setting(None, "Starting learning rate, decayed linearly to lr * 1e-4 (word2vec's floor).",
                               default_text="0.025 skip-gram, 0.05 CBOW")
    min_lr_ratio: float = setting(1e-4, "The rate decays linearly to lr * this (word2vec's floor).", cli=False)
    threads: int | None = _threads()
    seed: int = _seed()
    exact: bool = setting(False, "Skip-gram: per-pair updates (the C tool's; fastText's with --loss hs) instead "
                          "of one batch per center word (slower, same quality); with --subwords, where updates "
                          "are per pair already, the center is recomposed from its rows for every pair.")
    vectors: str = setting("in", "Write the input vectors, or input + output vectors (Levy et al. 2015).",
                           choices=VECTOR_MODES)
    chunk_tokens: int = setting(1_000_000, "Tokens per kernel call; progress and Ctrl-C act between chunks.",
                                cli=False)
    # The C tool starts at 0.5, gensim at 1.0. Wider starts learn more in few epochs: on 5M bench-en
    # tokens 2.0 vs 0.5 gave analogy +1.3 points (CBOW) and +0.5 (skip-gram), WS353/SimLex up too.
    init_width: float = setting(2.0, "Input vectors start uniform in (-W/dim, W/dim): 0.5 is the word2vec C "
                                "tool's start, 1.0 gensim's; the wider default learns more in few epochs.")

    @property
    def effective_lr(self) -> float:
        if self.lr is not None:
            return self.lr
        return 0.05 if self.arch == "cbow" else 0.025

    @property
    def effective_ns_exponent(self) -> float:
        if self.ns_exponent is not None:
            return self.ns_exponent
        return 0.5 if self.subwords is not None else 0.75

    @property
    def ngram_lengths(self) -> tuple[int, int] | None:
        """(MIN, MAX) of --subwords, or None without subwords."""
        if self.subwords is None:
            return None
        low, sep, high = str(self.subwords).partition("-")
        if not (low.isdigit() and (high.isdigit() or not sep)):
            raise WordvecError(f"--subwords must be MIN-MAX character lengths such as 3-6, not {self.subwords!r}")
        return int(low), int(high or low)

    def validate(self) -> "Word2VecConfig":
        _require(self.arch in ("skipgram", "cbow"), f"arch must be skipgram or cbow, not {self.arch!r}")
        _check_common(self)
        _require(self.window >= 0, f"--window must be 0 (whole line) or more, not {self.window}")
        _require(self.loss in LOSSES, f"--loss must be ns or hs, not {self.loss!r}")
        _require(self.negative >= 1 or self.loss == "hs",
                 "--negative must be at least 1 with negative sampling (or use --loss hs)")
        lengths = self.ngram_lengths
        if lengths is not None:
            _require(1 <= lengths[0] <= lengths[1] <= MAX_NGRAM,
                     f"--subwords must be MIN-MAX with 1 <= MIN <= MAX <= {MAX_NGRAM}, not {self.subwords!r}")
            _require(1 <= self.buckets < 2**31 - 2**28, f"--buckets must be between 1 and 1,879,048,191, "
                     f"not {self.buckets}")
        _require(self.vectors == "in" or (lengths is None and self.loss == "ns"),
                 "--vectors in+out needs plain negative sampling (without --subwords and --loss hs)")
        _require(self.sample >= 0, f"--sample must be 0 (off) or more, not {self.sample}")
        _require(self.lr is None or self.lr > 0, f"--lr must be positive, not {self.lr}")
        _require(self.chunk_tokens >= 1000, "chunk_tokens must be at least 1000")
        _require(self.init_width > 0, f"--init-width must be positive, not {self.init_width}")
        return self


@dataclass(frozen=True)
class CooccurConfig(_Config):
    """How co-occurrences are counted (GloVe's first stage, also `wordvec cooccur`)."""

    window: int = setting(10, "Context words counted on each side.")
    symmetric: bool = _symmetric()
    distance_weighting: bool = _distance_weighting()
    memory: float | None = _memory()
    threads: int | None = _threads()

    def validate(self) -> "CooccurConfig":
        _require(self.window >= 1, f"--window must be at least 1, not {self.window}")
        _require(self.threads is None or self.threads >= 1, f"--threads must be at least 1, not {self.threads}")
        _require(self.memory is None or self.memory * 1024 >= 16,
                 f"--memory must be at least 16 MiB (0.016 GiB), not {self.memory} GiB")
        return self


@dataclass(frozen=True)
class GloVeConfig(_Config):
    dim: int = _dim()
    window: int = setting(10, "Context words counted on each side.")
    symmetric: bool = _symmetric()
    distance_weighting: bool = _distance_weighting()
    min_count: int = _min_count()
    max_vocab: int | None = _max_vocab()
    epochs: int = setting(25, "Passes over the non-zero co-occurrences (GloVe's -iter).")
    lr: float = setting(0.05, "AdaGrad initial learning rate (GloVe's -eta).")
    x_max: float = setting(100.0, "Weighting cutoff: f(x) = min(1, (x / x_max) ** alpha); GloVe's demo uses 10 on "
                           "small corpora.")
    alpha: float = setting(0.75, "Weighting exponent.")
    threads: int | None = _threads()
    seed: int = _seed()
    memory: float | None = _memory()
    vectors: str = setting("in+out", "in+out: word + context vectors (GloVe's -model 2); in: word vectors only.",
                           choices=VECTOR_MODES)

    @property
    def cooccur(self) -> CooccurConfig:
        """The counting settings of this run."""
        return CooccurConfig(window=self.window, symmetric=self.symmetric,
                             distance_weighting=self.distance_weighting, memory=self.memory, threads=self.threads)

    def validate(self) -> "GloVeConfig":
        _check_common(self)
        self.cooccur.validate()
        _require(self.lr > 0, f"--lr must be positive, not {self.lr}")
        _require(self.x_max > 0, f"--x-max must be positive, not {self.x_max}")
        _require(self.alpha > 0, f"--alpha must be positive, not {self.alpha}")
        return self


SCORINGS = ("word2phrase", "npmi")
DEFAULT_THRESHOLDS = {"word2phrase": 100.0, "npmi": 0.5}
# gensim's ENGLISH_CONNECTOR_WORDS: articles, some prepositions and conjunctions (bank_of_america)
ENGLISH_CONNECTOR_WORDS = ("a", "an", "the", "for", "of", "with", "without", "at", "from", "to", "in", "on", "by",
                           "and", "or")


@dataclass(frozen=True)
class PhraseConfig(_Config):
    """How phrases are learned (`wordvec phrases`): gensim's Phrases with word2phrase.c's score."""

    scoring: str = setting("word2phrase", "word2phrase: (count(ab) - min_count) * N / (count(a) * count(b)), N the "
                           "number of words, as word2phrase.c (gensim's original_scorer multiplies by its vocabulary "
                           "size instead); npmi: normalised PMI in [-1, 1], as gensim's npmi_scorer.",
                           choices=SCORINGS)
    threshold: float | None = setting(None, "Join a pair when its score is above this.",
                                      default_text="100 for word2phrase, 0.5 for npmi")
    min_count: int = setting(5, "Pairs seen fewer times never join (word2phrase: nor words seen fewer times).")
    passes: int = setting(1, "Rounds of learning; round k joins round k-1's tokens, so 2 finds phrases of up to "
                          "4 words.")
    connector_words: str | None = setting(None, "Words allowed inside a phrase but never at its ends (bank_of_america): "
                                   "a comma-separated list, or 'english' for gensim's list (a, an, the, of, ...).",
                                   default_text="none")
    max_pairs: int = setting(20_000_000, "Distinct pairs held while counting (16-32 bytes each); past it the "
                             "rarest are forgotten, as word2vec's ReduceVocab does, with a warning.")

    @property
    def effective_threshold(self) -> float:
        return DEFAULT_THRESHOLDS.get(self.scoring, 0.0) if self.threshold is None else float(self.threshold)

    @property
    def connectors(self) -> tuple[str, ...]:
        """The connector words: 'english' expanded, duplicates dropped, in the order given."""
        text = (self.connector_words or "").strip()
        if text.lower() == "english":
            return ENGLISH_CONNECTOR_WORDS
        return tuple(dict.fromkeys(text.replace(",", " ").split()))

    def validate(self) -> "PhraseConfig":
        import math

        _require(self.scoring in SCORINGS, f"--scoring must be one of {', '.join(SCORINGS)}, not {self.scoring!r}")
        threshold = self.effective_threshold
        _require(math.isfinite(threshold), f"--threshold must be a number, not {self.threshold}")
        _require(self.scoring != "npmi" or -1.0 <= threshold <= 1.0,
                 f"--threshold must be between -1 and 1 with --scoring npmi, not {threshold}")
        _require(self.min_count >= 1, f"--min-count must be at least 1, not {self.min_count}")
        _require(self.passes >= 1, f"--passes must be at least 1, not {self.passes}")
        _require(self.max_pairs >= 1000, f"--max-pairs must be at least 1000, not {self.max_pairs}")
        return self


@dataclass(frozen=True)
class InteractionsConfig(_Config):
    """How an interactions input is read (wordvec.text.interactions): a sequences file, or a table."""

    user_col: str | None = setting(None, "Table: the user column, by header name or number (1 = first). With "
                                   "--item-col it makes the input a table; without both, INTERACTIONS is a "
                                   "sequences file (one user, session or basket per line, items separated by spaces).")
    item_col: str | None = setting(None, "Table: the item column, by header name or number.")
    time_col: str | None = setting(None, "Table: a column of numbers or ISO 8601 dates that orders each user's "
                                   "items (without it, the file's order).")
    header: bool | None = setting(None, "Table: the first row holds column names (or not).  [default: detected]",
                                  flag="--header/--no-header")
    dedupe: bool = setting(False, "Keep only the first occurrence of an item in each user's sequence.")
    tokens: str = setting("raw", "raw: item IDs are split on whitespace only, as given; words: punctuation is "
                          "stripped from their edges too.", choices=TOKEN_MODES)
    lowercase: bool = setting(False, "Lowercase item IDs (IDs keep their case by default).")

    @property
    def is_table(self) -> bool:
        return self.user_col is not None or self.item_col is not None

    def validate(self) -> "InteractionsConfig":
        _require((self.user_col is None) == (self.item_col is None),
                 f"a table needs both --user-col and --item-col ({'--item-col' if self.item_col is None else '--user-col'}"
                 " is missing); a sequences file needs neither")
        _require(self.time_col is None or self.is_table,
                 "--time-col orders the rows of a table: give --user-col and --item-col too")
        _require(self.header is None or self.is_table,
                 "--header/--no-header apply to tables: give --user-col and --item-col too")
        _require(self.tokens in TOKEN_MODES, f"--tokens must be one of {', '.join(TOKEN_MODES)}, not {self.tokens!r}")
        return self


@dataclass(frozen=True)
class Item2VecConfig(_Config):
    """Skip-gram on item sequences (wordvec.train.item2vec), user vectors and tuning."""

    dim: int = setting(64, "Vector dimensionality.")
    window: int = setting(0, "0: the whole sequence is the context of every item (item2vec); N: word2vec's "
                          "dynamic window of up to N items on each side.")
    negative: int = setting(5, "Negative samples per positive example.")
    ns_exponent: float = setting(0.0, "Negatives are drawn in proportion to count ** this. 1 draws popular items "
                                 "as often as they occur, so the model learns what goes together beyond "
                                 "popularity; 0 draws every item alike, so the context vectors keep popularity, "
                                 "which helps predict what comes next; word2vec's 0.75 is in between; negative "
                                 "values favour rare items. Items often want 0 or below (Caselles-Dupre et al. "
                                 "2018); --tune searches it.")
    sample: float = setting(1e-3, "Subsampling threshold: items above this share of all interactions are thinned "
                            "as word2vec thins frequent words (0: off).")
    min_count: int = setting(1, "Drop items seen fewer times.")
    max_vocab: int | None = setting(None, "Keep at most this many most frequent items.", default_text="no cap")
    epochs: int = setting(10, "Passes over the interactions.")
    lr: float = setting(0.025, "Starting learning rate, decayed linearly to lr * 1e-4.")
    min_lr_ratio: float = setting(1e-4, "The rate decays linearly to lr * this (word2vec's floor).", cli=False)
    threads: int | None = _threads()
    seed: int = _seed()
    exact: bool = setting(True, "Per-pair updates with fresh negatives for every (context, item) pair (the C "
                          "tool's rule); --no-exact shares one set of negatives among --group contexts (measured "
                          "a little faster and 0.2 point lower in hit rate: docs/BENCHMARKS.md).")
    group: int = setting(8, "With --no-exact: contexts that share one set of negatives; their gradients are "
                         "applied together, so a larger group is faster and less exact.")
    max_context: int = setting(20, "Window 0: an item whose sequence has more than this many other items is "
                               "trained with this many of them drawn at random, so a sequence of n items costs "
                               "n x this instead of n x n pairs.")
    vectors: str = setting("in", "Write the input vectors, or input + output vectors.", choices=VECTOR_MODES)
    chunk_pairs: int = setting(2_000_000, "Training pairs per kernel call; progress and Ctrl-C act between "
                               "calls.", cli=False)
    init_width: float = setting(2.0, "Input vectors start uniform in (-W/dim, W/dim).")
    users: bool = setting(False, "Also write one vector per user (the mean of the unit vectors of their items, "
                          "in the items' space, stored apart from the items).")
    recency: float = setting(0.0, "User vectors and recommendations: the weight of an item halves every this "
                             "many items back from the latest (0: every item counts the same).")
    tune: bool = setting(False, "Hold the last item of a sample of users out, search --sample, --ns-exponent, "
                         "--epochs and --dim for the best hit rate@10 on them, then train with the best.")
    tune_minutes: float = setting(5.0, "Time budget of --tune (the final training comes on top).")

    @property
    def effective_lr(self) -> float:
        return self.lr

    def validate(self) -> "Item2VecConfig":
        _check_common(self)
        _require(self.window >= 0, f"--window must be 0 (whole sequence) or more, not {self.window}")
        _require(self.negative >= 1, "--negative must be at least 1 (negative sampling is the only objective)")
        _require(self.sample >= 0, f"--sample must be 0 (off) or more, not {self.sample}")
        _require(self.lr > 0, f"--lr must be positive, not {self.lr}")
        _require(self.group >= 1, f"--group must be at least 1, not {self.group}")
        _require(self.max_context >= 1, f"--max-context must be at least 1, not {self.max_context}")
        _require(self.chunk_pairs >= 1000, "chunk_pairs must be at least 1000")
        _require(self.init_width > 0, f"--init-width must be positive, not {self.init_width}")
        _require(self.recency >= 0, f"--recency must be 0 (off) or a half-life in items, not {self.recency}")
        _require(self.tune_minutes > 0, f"--tune-minutes must be positive, not {self.tune_minutes}")
        return self


def fields_of(config_class: type) -> dict[str, dataclasses.Field]:
    """The settings of a config class by name, in declaration order."""
    return {f.name: f for f in dataclasses.fields(config_class)}


def build(config_class: type, options: dict[str, Any], **fixed: Any) -> Any:
    """A validated config from the command's options: the keys that are its fields, plus `fixed`."""
    names = fields_of(config_class)
    values = {k: v for k, v in options.items() if k in names}
    return config_class(**values, **fixed).validate()

"""The trainers a sweep can run, and which of their settings it can sweep.

One line per trainer: its command name, its config class (the sweep command's options and the
values held fixed come from its fields), the settings its command leaves out, the function
that trains it (imported in the training process only) and how its models are scored (a
Measure of wordvec.sweep.quality, which also says what the command reads and what is held out
of it). A trainer whose config declares a co-occurrence stage (GloVe) shares one counting
between the runs unless the swept setting changes the counting itself.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass

from ..config import CooccurConfig, GloVeConfig, Item2VecConfig, Word2VecConfig, fields_of
from ..train.tune import SEARCH

# min_count and max_vocab change the prepared corpus, which every run shares; memory only
# bounds GloVe's counting, which the runs share too
NOT_SWEPT = ("min_count", "max_vocab", "memory")
DEFAULT_VALUES = {"dim": "25,50,100,200,300", "window": "2,5,10", "negative": "2,5,10,20", "epochs": "1,2,5,10"}


@dataclass(frozen=True)
class SweepTrainer:
    name: str                     # the command: wordvec sweep NAME
    config: type                  # its config dataclass
    fixed: dict                   # config values the command sets (arch)
    train: str                    # "module:function" taking (corpus, vocab, config, **shared) -> TrainResult
    quality: str = "words"        # a key of sweep.quality.MEASURES ("words": analogies and word pairs)
    exclude: tuple[str, ...] = ()  # settings the trainer's command does not offer
    defaults: dict = dataclasses.field(default_factory=dict)  # values swept when none are given, over DEFAULT_VALUES

    def default_values(self, name: str) -> str | None:
        return self.defaults.get(name, DEFAULT_VALUES.get(name))

    @property
    def counts_cooccurrences(self) -> bool:
        return hasattr(self.config, "cooccur")

    def sweepable(self) -> tuple[str, ...]:
        """Numeric command-line settings that leave the prepared corpus as it is."""
        hints = typing.get_type_hints(self.config)
        names = []
        for name, field in fields_of(self.config).items():
            kinds = set(typing.get_args(hints[name])) - {type(None)} or {hints[name]}  # int | None -> {int}
            if field.metadata.get("cli") and kinds <= {int, float} and name not in NOT_SWEPT + self.exclude:
                names.append(name)
        return tuple(names)


TRAINERS = {t.name: t for t in (
    SweepTrainer("skipgram", Word2VecConfig, {"arch": "skipgram"}, "wordvec.train.word2vec:train_word2vec"),
    SweepTrainer("cbow", Word2VecConfig, {"arch": "cbow"}, "wordvec.train.word2vec:train_word2vec",
                 exclude=("exact",)),
    SweepTrainer("glove", GloVeConfig, {}, "wordvec.train.glove:train_glove"),
    # user vectors and --tune have no place in a sweep; its default values are those --tune
    # searches, smaller dimensions (items often need fewer than words) and windows from the
    # whole sequence (0, item2vec's own) to word2vec-like ones
    SweepTrainer("item2vec", Item2VecConfig, {}, "wordvec.train.item2vec:train_item_sequences", quality="items",
                 exclude=("users", "tune", "tune_minutes"),
                 defaults={**{name: ",".join(f"{v:g}" for v in values) for name, values in SEARCH.items()},
                           "dim": "16,32,64,128", "window": "0,2,5,10"}),
)}


def changes_counting(param: str) -> bool:
    """Whether a GloVe setting belongs to the co-occurrence counting (then each run counts its own)."""
    return param in {f.name for f in dataclasses.fields(CooccurConfig)} and param != "threads"

"""How a sweep scores its models: one Measure per kind of trainer.

Words: the protocol of docs/BENCHMARKS.md, Google analogies answered among the 30,000 most
frequent words (3CosAdd) and Spearman's rho on WordSim-353 and SimLex-999, all bundled.

Items: the last item of each user with two or more is held out once, before any run (as
`wordvec split` and --tune do, wordvec.text.split); every run trains on the rest and is asked
for the held-out items back, recommending as `wordvec recommend` does (from the context vectors,
which its runs therefore keep): hit rate@10, NDCG@10 and MRR (wordvec.vectors.nextitem), with the
popularity baseline computed once for scale. numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

# (key in a run's quality, column title) of each figure, in table order
WORD_COLUMNS = (("analogy", "analogy (3CosAdd)"), ("wordsim353", "WS353 ρ"), ("simlex999", "SimLex ρ"))
ITEM_COLUMNS = (("hit@10", "hit rate@10"), ("ndcg@10", "NDCG@10"), ("mrr", "MRR"))
ITEM_KS = (10,)
# figures shown as percentages in the table (a share of questions or of users), the others as numbers
PERCENT_KEYS = ("analogy", "hit@", "coverage@")


def word_quality(kv) -> dict:
    """{"analogy": {"accuracy", "answered", "questions"}, "wordsim353": {"spearman", "found", "pairs"}, ...}."""
    from ..vectors.evaluate import DEFAULT_PAIRS, evaluate_analogies, evaluate_pairs

    analogies = evaluate_analogies(kv, methods=("3cosadd",))["total"]
    quality = {"analogy": {"accuracy": analogies["accuracy"]["3cosadd"], "answered": analogies["answered"],
                           "questions": analogies["questions"]}}
    for path in DEFAULT_PAIRS:
        pairs = evaluate_pairs(kv, path)
        quality[Path(path).stem] = {"spearman": pairs["spearman"], "found": pairs["found"], "pairs": pairs["pairs"]}
    return quality


def _score_words(model: Path, held_out: None) -> dict:
    from ..vectors.formats import load

    return word_quality(load(model))


def _as_read(data) -> tuple[Any, Any, None]:
    """Words: every run trains on the prepared corpus as it is (scored on bundled sets)."""
    vocab, corpus = data
    return vocab, corpus, None


def hold_out_items(interactions) -> tuple[Any, Any, Any]:
    """(training items, training sequences, the Split): the last item of each user with two or
    more items leaves the data every run trains on."""
    from ..text.split import hold_out_last

    split = hold_out_last(interactions)
    return split.train.items, split.train.corpus, split


def item_quality(model: Path, split) -> dict:
    """{"hit@10", "ndcg@10", "mrr", "coverage@10", "scoring"} of a saved item model on the held-out items."""
    from ..vectors.formats import load, load_context
    from ..vectors.nextitem import evaluate_rows

    kv = load(model)
    recency = float((kv.meta.get("config") or {}).get("recency", 0.0))
    report = evaluate_rows(kv, split.test_ids, split.test_offsets, split.test_targets, ks=ITEM_KS, recency=recency,
                           popularity=False, context=load_context(model))
    return {**report["vectors"], "scoring": report["scoring"]}


def describe_items(split) -> dict:
    """sweep.json's account of the held-out items, and the popularity baseline's figures on them."""
    from ..vectors.nextitem import case_counts, popularity_metrics

    counts = split.train.items.counts
    cases = case_counts(split.test_ids, split.test_offsets, split.test_targets)
    return {"held_out": {"rule": "the last item of each user with two items or more", **cases},
            "baselines": {"popularity": popularity_metrics(counts, split.test_ids, split.test_offsets,
                                                           split.test_targets, ITEM_KS)}}


def headline(quality: dict, key: str) -> float | None:
    """The one number a table cell or a chart point shows for a quality entry: the entry itself
    when it is a number (items), else its main field (words: accuracy or Spearman's rho)."""
    entry = quality.get(key)
    if isinstance(entry, (int, float)) and not isinstance(entry, bool):
        return entry
    for field in ("accuracy", "spearman"):
        if field in (entry or {}):
            return entry[field]
    return None


@dataclass(frozen=True)
class Measure:
    """How the models of one kind of trainer are scored, and what that asks of the input."""

    columns: tuple[tuple[str, str], ...]       # (key of a run's quality, column title), in table order
    score: Callable[[Path, Any], dict]        # (saved model, held-out data or None) -> the run's quality
    label: str                                # the chart's quality axis
    about: str                                # what the figures are, for the command's help
    reads: str = "corpus"                     # the command's input: "corpus" (text) or "interactions"
    unit: str = "words"                       # what the runs' speed counts (their history's key)
    # the one preparation hook, once before any run: the input as read -> (vocab, the encoded
    # corpus every run trains on, held-out data for `score` or None)
    hold_out: Callable[[Any], tuple[Any, Any, Any]] = _as_read
    describe: Callable[[Any], dict] | None = None  # held-out data -> more sweep.json keys (baselines)
    context: bool = False                     # the runs keep their context vectors (`score` reads them)


MEASURES = {
    "words": Measure(WORD_COLUMNS, _score_words, "quality (accuracy, Spearman ρ)",
                     "analogies among the 30,000 most frequent words, WS353 and SimLex-999"),
    "items": Measure(ITEM_COLUMNS, item_quality, "quality on held-out items (hit rate, NDCG, MRR)",
                     "hit rate@10, NDCG@10 and MRR on the last item of each user, held out of every run's "
                     "training, beside the popularity baseline", reads="interactions", unit="items",
                     hold_out=hold_out_items, describe=describe_items, context=True),
}

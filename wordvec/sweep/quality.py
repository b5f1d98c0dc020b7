"""The quality figures of a sweep: one analogy accuracy and two word-pair correlations per model.

The protocol of docs/BENCHMARKS.md: Google analogies answered among the 30,000 most frequent
words (3CosAdd), and Spearman's rho on WordSim-353 and SimLex-999, all bundled. numpy only.
"""

from __future__ import annotations

from pathlib import Path

from ..vectors.evaluate import DEFAULT_PAIRS, evaluate_analogies, evaluate_pairs

# (key in sweep.json, column title) of each figure, in table order
WORD_COLUMNS = (("analogy", "analogy (3CosAdd)"), ("wordsim353", "WS353 ρ"), ("simlex999", "SimLex ρ"))


def word_quality(kv) -> dict:
    """{"analogy": {"accuracy", "answered", "questions"}, "wordsim353": {"spearman", "found", "pairs"}, ...}."""
    analogies = evaluate_analogies(kv, methods=("3cosadd",))["total"]
    quality = {"analogy": {"accuracy": analogies["accuracy"]["3cosadd"], "answered": analogies["answered"],
                           "questions": analogies["questions"]}}
    for path in DEFAULT_PAIRS:
        pairs = evaluate_pairs(kv, path)
        quality[Path(path).stem] = {"spearman": pairs["spearman"], "found": pairs["found"], "pairs": pairs["pairs"]}
    return quality


def headline(quality: dict, key: str) -> float | None:
    """The one number a table cell or a chart point shows for a quality entry."""
    entry = quality.get(key) or {}
    for field in ("accuracy", "spearman", "hit_rate"):
        if field in entry:
            return entry[field]
    return None


# How each kind of trainer is scored: the function of a saved model and the table's columns.
# Trainers of items (item2vec) add their entry here: a hit rate on held-out baskets.
MEASURES = {"words": (word_quality, WORD_COLUMNS)}

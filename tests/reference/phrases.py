"""Phrases in plain Python and numpy: the oracle for wordvec._kernels.phrases and .pairs.

Follows gensim's Phrases (_learn_vocab, analyze_sentence) with tuples instead of joined
strings: a candidate is a word, the connector words after it, the next word; a candidate
holding more than `max_connectors` connectors is given up. Scores as the kernels compute them.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

NO_START = None


def count(sentences: list[list[str]], connectors: frozenset[str], max_connectors: int
          ) -> tuple[Counter, Counter, int]:
    """(word counts, candidate counts keyed by token tuples, tokens seen)."""
    words: Counter = Counter()
    pairs: Counter = Counter()
    total = 0
    for sentence in sentences:
        start, between = NO_START, []
        for token in sentence:
            total += 1
            if token in connectors:
                if start is not NO_START:
                    if len(between) == max_connectors:
                        start, between = NO_START, []
                    else:
                        between.append(token)
                continue
            words[token] += 1
            if start is not NO_START:
                pairs[(start, *between, token)] += 1
            start, between = token, []
    return words, pairs, total


def score(count_a: int, count_b: int, count_ab: int, total: int, min_count: int, scoring: str) -> float | None:
    """The score of a candidate, or None when it may never join (too rare)."""
    if count_ab < min_count:
        return None
    if scoring == "npmi":
        n = float(total)
        pab = count_ab / n
        return math.log(pab / ((count_a / n) * (count_b / n))) / -math.log(pab)
    if count_a < min_count or count_b < min_count:
        return None
    f32 = np.float32
    return float(f32(count_ab - min_count) / f32(count_a) / f32(count_b) * f32(total))


def learn_round(sentences, connectors, min_count, threshold, scoring, max_connectors
                ) -> dict[tuple[str, ...], tuple[int, float]]:
    """phrase tokens -> (count, score) for every candidate scoring above `threshold`."""
    words, pairs, total = count(sentences, connectors, max_connectors)
    found = {}
    for tokens, n in pairs.items():
        value = score(words[tokens[0]], words[tokens[-1]], n, total, min_count, scoring)
        above = value is not None and (np.float32(value) > np.float32(threshold) if scoring == "word2phrase"
                                       else value > threshold)
        if above:
            found[tokens] = (n, value)
    return found


def apply(sentence: list[str], phrases, connectors: frozenset[str], max_connectors: int) -> list[str]:
    """Greedy left-to-right joining, as gensim's analyze_sentence."""
    out: list[str] = []
    start, between = NO_START, []
    for token in sentence:
        if token in connectors:
            if start is not NO_START and len(between) < max_connectors:
                between.append(token)
            else:
                out += ([start] if start is not NO_START else []) + between + [token]
                start, between = NO_START, []
            continue
        if start is not NO_START:
            candidate = (start, *between, token)
            if candidate in phrases:
                out.append("_".join(candidate))
                start, between = NO_START, []
                continue
            out += [start] + between
        start, between = token, []
    if start is not NO_START:
        out += [start] + between
    return out


def learn(sentences, connectors=frozenset(), min_count=5, threshold=0.5, scoring="npmi", passes=1,
          max_connectors=14) -> tuple[list[dict], list[list[str]]]:
    """Every round's phrases and the sentences with all rounds applied."""
    rounds = []
    for _ in range(passes):
        found = learn_round(sentences, connectors, min_count, threshold, scoring, max_connectors)
        rounds.append(found)
        sentences = [apply(s, found, connectors, max_connectors) for s in sentences]
    return rounds, sentences

"""Typo suggestions: the vectorised optimal-string-alignment distance against a plain one."""

from __future__ import annotations

import random

import numpy as np

from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.typos import close_words, distances


def osa(a: str, b: str) -> int:
    """Levenshtein distance plus swaps of neighbouring characters, the textbook table."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_distances_match_the_textbook_table():
    rng = random.Random(5)
    alphabet = "abcdé"
    for _ in range(40):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        candidates = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(30)]
        assert distances(word, candidates).tolist() == [osa(word, c) for c in candidates]


def test_close_words_rank_by_distance_then_row():
    words = ["the", "god", "dog", "dig", "do", "dogs", "dgo", "cat"]
    assert close_words("dgo", words) == ["dog", "do"]  # dig is 2 edits away; dgo itself is no suggestion
    assert close_words("goverment", ["movement", "government", "govern"]) == ["government", "movement"]
    assert close_words("x", []) == []


def test_keyedvectors_suggest_case_variants_then_typos():
    words = ["dog", "the", "Paris", "go"]
    kv = KeyedVectors(np.eye(4, dtype=np.float32), words)
    assert kv.suggestions("dgo") == ["dog", "go"]
    assert kv.suggestions("paris") == ["Paris"]
    assert "did you mean dog, go?" in str(kv.unknown(["dgo"]))


def test_the_character_bound_sets_aside_no_close_word():
    rng = random.Random(11)
    alphabet = "abcde"
    words = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(3000)})
    for _ in range(25):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 7)))
        limit = 1 if len(word) <= 4 else 2
        expected = sorted((osa(word, w), i) for i, w in enumerate(words) if 0 < osa(word, w) <= limit)
        assert close_words(word, words, n=len(words)) == [words[i] for _, i in expected]

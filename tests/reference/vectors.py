"""Slow, obvious twins of the vector queries and evaluation, plus small test vectors.

Everything here loops word by word in float64 so the fast batched code in
wordvec.vectors.similarity / wordvec.vectors.evaluate can be checked against it.
"""

from __future__ import annotations

import numpy as np


def unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def most_similar(matrix: np.ndarray, positive: list[int], negative: list[int], topn: int,
                 method: str = "3cosadd", restrict: int | None = None) -> list[tuple[int, float]]:
    """Rank every row one at a time; the query rows are skipped."""
    rows = range(len(matrix) if restrict is None else min(restrict, len(matrix)))
    query = unit(sum(unit(matrix[p]) for p in positive) - sum((unit(matrix[n]) for n in negative),
                                                                np.zeros(matrix.shape[1])))
    scored = []
    for r in rows:
        if r in positive or r in negative:
            continue
        x = unit(matrix[r])
        if method == "3cosadd":
            score = float(x @ query)
        else:
            score = np.prod([(1 + x @ unit(matrix[p])) / 2 for p in positive])
            if negative:
                score /= np.prod([(1 + x @ unit(matrix[n])) / 2 for n in negative]) + 1e-6
        scored.append((r, float(score)))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:topn]


def analogy_accuracy(words: list[str], matrix: np.ndarray, questions: list[tuple[str, str, str, str]],
                     restrict: int, method: str) -> tuple[int, int]:
    """(answered, correct) for questions in the first ``restrict`` rows, case-insensitively."""
    lookup: dict[str, int] = {}
    for i, w in enumerate(words[:restrict]):
        lookup.setdefault(w.upper(), i)
    canonical = [lookup[w.upper()] for w in words[:restrict]]
    answered = correct = 0
    for quad in questions:
        quad = [w.upper() for w in quad]
        if not all(w in lookup for w in quad):
            continue
        a, b, c, d = (lookup[w] for w in quad)
        answered += 1
        ranked = most_similar(matrix[:restrict], [b, c], [a], topn=restrict, method=method)
        for row, _ in ranked:
            if canonical[row] not in (a, b, c):
                correct += canonical[row] == d
                break
    return answered, correct


def spearman(x, y) -> float:
    """Spearman's rho by the textbook route: average ranks for ties, then Pearson."""
    def ranks(values):
        values = list(values)
        order = sorted(range(len(values)), key=lambda i: values[i])
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return np.array(out)

    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def royal_vectors() -> tuple[np.ndarray, list[str]]:
    """A hand-built space with known answers: axes royalty, male, female, fruit, noise.

    king - man + woman = queen exactly; apple and pear are the fruit pair.
    """
    words = ["man", "woman", "king", "queen", "prince", "apple", "pear", "boy", "girl"]
    matrix = np.array([
        [0.0, 1.0, 0.0, 0.0, 0.1],   # man
        [0.0, 0.0, 1.0, 0.0, 0.1],   # woman
        [1.0, 1.0, 0.0, 0.0, 0.0],   # king
        [1.0, 0.0, 1.0, 0.0, 0.0],   # queen
        [0.9, 1.0, 0.0, 0.0, 0.3],   # prince
        [0.0, 0.0, 0.0, 1.0, 0.2],   # apple
        [0.0, 0.0, 0.0, 1.0, 0.35],  # pear
        [0.0, 0.9, 0.0, 0.0, 0.5],   # boy
        [0.0, 0.0, 0.9, 0.0, 0.5],   # girl
    ], dtype=np.float32)
    return matrix, words


def planted_analogies(path: str, dim: int = 24, seed: int = 3, noise: float = 0.9,
                      keep: int | None = None) -> tuple[np.ndarray, list[str]]:
    """Vectors for the words of an analogy file where b ≈ a + section offset + noise.

    Some questions come out right and some wrong, so counts can be compared exactly. A few
    case variants ('Paris', 'ATHENS') are inserted to exercise case-insensitive matching.
    """
    rng = np.random.default_rng(seed)
    vectors: dict[str, np.ndarray] = {}
    offset = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(":"):
                offset = rng.standard_normal(dim)
                continue
            fields = line.lower().split()
            if len(fields) != 4:
                continue
            a, b, c, d = fields
            for x, y in ((a, b), (c, d)):
                vectors.setdefault(x, rng.standard_normal(dim))
                vectors.setdefault(y, vectors[x] + offset + noise * rng.standard_normal(dim))
    words = list(vectors)
    rng.shuffle(words)
    if keep is not None:
        words = words[:keep]
    half = len(words) // 2
    words = words[:half] + ["Paris", "ATHENS", "Greece"] + words[half:] + [f"filler{i}" for i in range(50)]
    matrix = np.array([vectors[w] if w in vectors else
                       (vectors.get(w.lower(), rng.standard_normal(dim)) if w != "ATHENS" else rng.standard_normal(dim))
                       for w in words], dtype=np.float32)
    return matrix, words

"""Score vectors on analogy questions and on word-pair similarity judgements.

Analogies (the Google ``questions-words`` format: ``: section`` headers, then ``a b c d``
meaning a : b :: c : d) follow word2vec's compute-accuracy and gensim's
``evaluate_word_analogies``: words are compared case-insensitively (the first row of each
upper-cased form wins), answers and questions are restricted to the most frequent words
(30,000 by default), questions with unknown words are skipped and counted, and the three
question words (and their case variants) never answer.

Speed: the ~900 distinct question words are multiplied once against each block of candidate
rows; every question's 3CosAdd and 3CosMul scores are then sums and products of three rows
of that small table, so 19,544 questions cost a few seconds rather than 19,544 products.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from . import similarity as sim
from ..errors import FormatError, WordvecError
from ..util.progress import log
from .keyedvectors import METHODS, KeyedVectors

DATA = Path(__file__).parent / "data"
DEFAULT_ANALOGIES = DATA / "questions-words.txt"
DEFAULT_PAIRS = (DATA / "wordsim353.tsv", DATA / "simlex999.tsv")
ANALOGY_RESTRICT = 30000   # word2vec compute-accuracy's threshold
PAIRS_RESTRICT = 300000    # gensim's evaluate_word_pairs default


def _read_text(path: Path) -> list[str]:
    try:
        return Path(path).read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise WordvecError(f"{path}: cannot read it ({exc.strerror})") from None


def restricted_rows(kv: KeyedVectors, restrict: int | None) -> np.ndarray:
    """Rows allowed in an evaluation, in row order: the ``restrict`` highest counts when counts
    are known, else the first ``restrict`` rows (as gensim's restrict_vocab)."""
    if restrict is None or restrict >= len(kv):
        return np.arange(len(kv))
    if restrict < 1:
        raise WordvecError(f"--restrict must be at least 1, not {restrict}")
    if kv.counts is not None and kv.counts.any():
        return np.sort(np.argsort(-kv.counts, kind="stable")[:restrict])
    return np.arange(restrict)


def _upper_lookup(kv: KeyedVectors, rows: np.ndarray) -> tuple[dict[str, int], np.ndarray]:
    """Upper-cased word → position in ``rows`` (first occurrence wins), and for every
    position the position of its canonical (first) case variant."""
    lookup: dict[str, int] = {}
    canonical = np.empty(len(rows), dtype=np.int64)
    words = kv.words
    for pos, row in enumerate(rows.tolist()):
        canonical[pos] = lookup.setdefault(words[row].upper(), pos)
    return lookup, canonical


def _candidates(kv: KeyedVectors, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(rows) == len(kv):
        return kv.vectors, kv.inv_norms
    if rows[-1] == len(rows) - 1:  # a prefix: slice, no copy
        return kv.vectors[:len(rows)], kv.inv_norms[:len(rows)]
    return np.asarray(kv.vectors[rows]), kv.inv_norms[rows]


def read_analogies(path: Path) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """[(section name, [(A, B, C, D) upper-cased])]; malformed question lines are ignored."""
    sections: list[tuple[str, list]] = []
    for line_no, line in enumerate(_read_text(path), 1):
        if line.startswith(": "):
            sections.append((line[2:].strip(), []))
            continue
        fields = line.upper().split()
        if len(fields) != 4:
            continue
        if not sections:
            raise FormatError(f"{path}: line {line_no} comes before any ': section' header")
        sections[-1][1].append(tuple(fields))
    if not any(questions for _, questions in sections):
        raise FormatError(f"{path}: no analogy questions found (expected ': section' headers and 'a b c d' lines)")
    return sections


def _ban_question_words(scores: np.ndarray, quads: np.ndarray, start: int, canonical: np.ndarray,
                        variants: np.ndarray) -> None:
    """Set -inf where a candidate (column ``start + j``) is a question word or its case variant."""
    width = scores.shape[1]
    for k in range(3):
        local = quads[:, k] - start
        inside = np.nonzero((local >= 0) & (local < width))[0]
        scores[inside, local[inside]] = -np.inf
        if len(variants):  # rare: rows whose upper-cased word appeared earlier
            hit_rows, hit_cols = np.nonzero(canonical[variants][None, :] == quads[:, k][:, None])
            scores[hit_rows, variants[hit_cols] - start] = -np.inf


def _best_answers(cand: np.ndarray, inv: np.ndarray, canonical: np.ndarray, quads: np.ndarray,
                  methods: tuple[str, ...], block_rows: int = 4096, batch: int = 256) -> dict:
    """Position of the best answer of each question (rows of ``quads``: positions a b c)."""
    unique, slots = np.unique(quads[:, :3], return_inverse=True)
    slots = slots.reshape(-1, 3)
    units = sim.gather_unit(cand, inv, unique)                   # [Q, D] distinct question words
    variants = np.nonzero(canonical != np.arange(len(canonical)))[0]
    n = len(quads)
    best = {m: (np.full(n, -np.inf, np.float32), np.zeros(n, np.int64)) for m in methods}
    for start in range(0, len(cand), block_rows):
        block = np.asarray(cand[start:start + block_rows], dtype=np.float32)
        table = (units @ block.T) * inv[start:start + len(block)]    # cos(question word, candidate)
        in_block = variants[(variants >= start) & (variants < start + len(block))]
        for q0 in range(0, n, batch):
            q = slice(q0, q0 + batch)
            cos_a, cos_b, cos_c = (table[slots[q, k]] for k in range(3))
            for method in methods:
                if method == "3cosadd":  # cos(x, b - a + c) up to a positive factor per question
                    scores = cos_b - cos_a
                    scores += cos_c
                else:                    # 3CosMul on cosines shifted to [0, 1]
                    scores = (cos_b + 1) * (cos_c + 1)
                    scores /= (cos_a + 1) * 2 + np.float32(4 * sim.COSMUL_EPSILON)
                _ban_question_words(scores, quads[q], start, canonical, in_block)
                arg = np.argmax(scores, axis=1)
                value = scores[np.arange(len(arg)), arg]
                top_value, top_pos = best[method]
                better = value > top_value[q]  # strict: ties keep the earlier row
                top_value[q][better] = value[better]
                top_pos[q][better] = arg[better] + start
    return {m: pos for m, (_, pos) in best.items()}


def _accuracy(correct: dict, answered: int) -> dict:
    return {m: (c / answered if answered else None) for m, c in correct.items()}


def evaluate_analogies(kv: KeyedVectors, path: str | Path = DEFAULT_ANALOGIES,
                       restrict: int | None = ANALOGY_RESTRICT,
                       methods: tuple[str, ...] = METHODS) -> dict:
    """Accuracy per section and for semantic / syntactic (``gram*`` sections) / total.

    Returns a JSON-ready dict; accuracy is correct / answered, coverage is answered / questions.
    """
    methods = tuple(methods)
    for method in methods:
        if method not in METHODS:
            raise WordvecError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    path = Path(path)
    sections = read_analogies(path)
    rows = restricted_rows(kv, restrict)
    lookup, canonical = _upper_lookup(kv, rows)
    quads, owner, counts = [], [], []
    for s, (_, questions) in enumerate(sections):
        known = [tuple(lookup[w] for w in quad) for quad in questions if all(w in lookup for w in quad)]
        quads.extend(known)
        owner.extend([s] * len(known))
        counts.append((len(questions), len(known)))
    quads_arr = np.array(quads, dtype=np.int64).reshape(-1, 4)
    owner_arr = np.array(owner, dtype=np.int64)
    cand, inv = _candidates(kv, rows)
    answers = _best_answers(cand, inv, canonical, quads_arr, methods) if len(quads) else \
        {m: np.zeros(0, np.int64) for m in methods}
    hits = {m: canonical[answers[m]] == quads_arr[:, 3] for m in methods}

    def summary(name: str, members: list[int]) -> dict:
        mask = np.isin(owner_arr, members)
        questions = sum(counts[s][0] for s in members)
        answered = int(mask.sum())
        correct = {m: int(hits[m][mask].sum()) for m in methods}
        return {"section": name, "questions": questions, "answered": answered,
                "skipped": questions - answered, "coverage": answered / questions if questions else None,
                "correct": correct, "accuracy": _accuracy(correct, answered)}

    semantic = [s for s, (name, _) in enumerate(sections) if not name.startswith("gram")]
    syntactic = [s for s in range(len(sections)) if s not in semantic]
    return {"file": str(path), "restrict": len(rows), "methods": list(methods),
            "sections": [summary(name, [s]) for s, (name, _) in enumerate(sections)],
            "semantic": summary("semantic", semantic), "syntactic": summary("syntactic", syntactic),
            "total": summary("total", list(range(len(sections))))}


# --- word pairs ----------------------------------------------------------------------------
def read_pairs(path: Path) -> tuple[list[tuple[str, str]], np.ndarray, int]:
    """(pairs upper-cased, gold scores, malformed lines). Tab- or space-separated; '#' comments."""
    pairs, gold, bad = [], [], 0
    for line in _read_text(path):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        try:
            w1, w2, score = (f.strip() for f in fields)
            value = float(score)
        except ValueError:
            bad += 1
            continue
        pairs.append((w1.upper(), w2.upper()))
        gold.append(value)
    if not pairs:
        raise FormatError(f"{path}: no 'word1 word2 score' lines found")
    return pairs, np.array(gold, dtype=np.float64), bad


def rankdata(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties given their average rank (as scipy.stats.rankdata's default)."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]           # first element of each tie group
    edges = np.r_[np.nonzero(starts)[0], len(values)]
    average = (edges[:-1] + edges[1:] - 1) / 2 + 1              # mean of ranks start+1 .. end
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = average[np.cumsum(starts) - 1]
    return ranks


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x = np.asarray(x, np.float64) - np.mean(x)
    y = np.asarray(y, np.float64) - np.mean(y)
    denominator = math.sqrt(float(x @ x) * float(y @ y))
    return float(x @ y) / denominator if denominator > 0 else float("nan")


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson correlation of the (tie-averaged) ranks."""
    return pearson(rankdata(x), rankdata(y))


def evaluate_pairs(kv: KeyedVectors, path: str | Path, restrict: int | None = PAIRS_RESTRICT) -> dict:
    """Spearman and Pearson correlation of cosine similarity with human scores.

    Pairs with a word outside the (restricted, case-insensitive) vocabulary are skipped;
    ``skipped_share`` reports how many. Vectors with subwords also get ``all_pairs``: the same
    correlations over every pair, a word outside the vocabulary composed from the n-grams of
    its lower-cased form (the fastText paper's second figure).
    """
    path = Path(path)
    pairs, gold, bad = read_pairs(path)
    rows = restricted_rows(kv, restrict)
    lookup, _ = _upper_lookup(kv, rows)
    known = [i for i, (a, b) in enumerate(pairs) if a in lookup and b in lookup]
    result = {"file": str(path), "pairs": len(pairs), "found": len(known), "skipped": len(pairs) - len(known),
              "skipped_share": (len(pairs) - len(known)) / len(pairs), "malformed_lines": bad,
              "spearman": None, "pearson": None}
    if len(known) >= 2:
        first = rows[[lookup[pairs[i][0]] for i in known]]
        second = rows[[lookup[pairs[i][1]] for i in known]]
        model = np.einsum("ij,ij->i", sim.gather_unit(kv.vectors, kv.inv_norms, first),
                          sim.gather_unit(kv.vectors, kv.inv_norms, second))
        result.update(_correlations(gold[known], model))
    if kv.subwords is not None:
        result["all_pairs"] = _all_pairs(kv, pairs, gold, path)
    return result


def _correlations(gold: np.ndarray, model: np.ndarray) -> dict:
    found = {"spearman": spearman(gold, model), "pearson": pearson(gold, model)}
    return {name: None if math.isnan(value) else value for name, value in found.items()}


def _all_pairs(kv: KeyedVectors, pairs: list[tuple[str, str]], gold: np.ndarray, path: Path) -> dict:
    """Correlations over every pair: vocabulary words (any row, case-insensitive) by their
    vectors, the others composed from n-grams; a word without any n-gram drops its pair."""
    lookup, _ = _upper_lookup(kv, np.arange(len(kv)))
    units: dict[str, np.ndarray | None] = {}
    for word in dict.fromkeys(w for pair in pairs for w in pair):
        if word in lookup:
            units[word] = sim.gather_unit(kv.vectors, kv.inv_norms, np.array([lookup[word]]))[0]
        else:
            composed = kv.subwords.compose(word.lower())
            units[word] = None if composed is None else sim.normalize(composed)
    usable = [i for i, (a, b) in enumerate(pairs) if units[a] is not None and units[b] is not None]
    composed_words = sum(1 for w, u in units.items() if w not in lookup and u is not None)
    if composed_words:
        log.info("%s: %d word(s) not in the vocabulary were composed from their character n-grams",
                 path.name, composed_words)
    model = np.array([float(units[pairs[i][0]] @ units[pairs[i][1]]) for i in usable])
    result = {"pairs": len(usable), "composed_words": composed_words, "spearman": None, "pearson": None}
    if len(usable) >= 2:
        result.update(_correlations(gold[usable], model))
    return result

"""KeyedVectors: a read-mostly table of word vectors and the questions users ask of it.

It holds the matrix (possibly a read-only memory map), the words in row order, a word→row
index, optional counts and metadata. Unit vectors are derived lazily, once, into a separate
array: the stored vectors are never modified. The arithmetic lives in wordvec.vectors.similarity;
this class only translates words to rows and back. numpy only (the query path never
imports numba).

With subword information (``subwords``, a wordvec.vectors.subwords.Subwords: fastText's
character n-grams), a word outside the vocabulary still has a vector, composed from its
n-gram rows, and every query accepts it; ``"w" in kv`` keeps meaning "w is in the
vocabulary" (a row of its own), as ``len(kv)`` counts vocabulary words.
"""

from __future__ import annotations

from typing import Iterable, Sequence, Union

import numpy as np

from . import similarity as sim
from .subwords import Subwords
from ..errors import WordvecError
from .wordtable import ListWords, PackedWords
from ..util.progress import log

Term = Union[str, np.ndarray]
METHODS = ("3cosadd", "3cosmul")


class UnknownWordError(KeyError):
    """A query word is not in the vocabulary; the message names it and suggests close words."""

    def __init__(self, message: str, words: Sequence[str]):
        super().__init__(message)
        self.words = list(words)

    def __str__(self) -> str:  # KeyError would print the repr with quotes
        return str(self.args[0])


class KeyedVectors:
    """Word vectors in row order with a word→row index.

    vectors: float32 [V, D] (a read-only memory map is fine); words: V strings in row order
    (the first occurrence of a duplicated word wins in the index); counts: int64 [V] or None;
    meta: free-form dict saved as meta.json by the native format; subwords: the n-gram matrix
    and settings of a subword model (fastText's), or None.
    """

    def __init__(self, vectors: np.ndarray, words: list[str] | ListWords | PackedWords,
                 counts: np.ndarray | None = None, meta: dict | None = None, subwords: Subwords | None = None,
                 norms: np.ndarray | None = None):
        if not isinstance(vectors, np.ndarray) or vectors.dtype != np.float32:
            vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise WordvecError(f"vectors must be a 2-D matrix, got shape {vectors.shape}")
        table = words if isinstance(words, (ListWords, PackedWords)) else ListWords(list(words))
        if len(table) != vectors.shape[0]:
            raise WordvecError(f"{len(table):,} words for {vectors.shape[0]:,} vector rows")
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(table),):
                raise WordvecError(f"counts has shape {counts.shape}, expected ({len(table)},)")
        self.vectors = vectors
        self.table = table
        self._counts = counts
        self._counts_read = False  # a native folder's counts are read from vocab.txt on first use
        self.meta = dict(meta or {})
        if subwords is not None and subwords.ngrams.shape[1] != vectors.shape[1]:
            raise WordvecError(f"the n-gram matrix has {subwords.ngrams.shape[1]} columns for "
                               f"{vectors.shape[1]}-dimensional vectors")
        self.subwords = subwords
        self._announced: set[str] = set()  # unseen words whose composition was logged
        self.source: dict | None = None  # {"path", "format"} when loaded from a file
        self._norms = norms  # ||v|| per row when known in advance (a native folder's norms.npy)
        self._inv_norms: np.ndarray | None = None
        self._unit: np.ndarray | None = None
        self.users = None  # UserVectors (wordvec.vectors.users) in the same space, kept apart from the rows
        self._lengths: np.ndarray | None = None  # len() of each word, for typo suggestions

    # --- container protocol -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, word: object) -> bool:
        """True when ``word`` is in the vocabulary (has a row), even if subwords could compose it."""
        return isinstance(word, str) and self.table.find(word) >= 0

    def __getitem__(self, word: str | Sequence[str]) -> np.ndarray:
        """A copy of the word's vector ([D]), or of several words' vectors ([n, D]) for a list.

        With subwords, a word outside the vocabulary gets its composed vector."""
        if isinstance(word, (list, tuple)):
            return self.word_vectors(word)[0]
        return self.word_vectors([word])[0][0]

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words × {self.dim} dims)"

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        """A copy of the word's vector (composed from n-grams if need be), unit length when ``norm``."""
        return (self.unit_word_vectors if norm else self.word_vectors)([word])[0][0]

    def has_vector(self, word: str) -> bool:
        """True when ``word`` is in the vocabulary or, with subwords, has an n-gram to compose from."""
        if word in self:
            return True
        return self.subwords is not None and isinstance(word, str) and len(self.subwords.ids(word)) > 0

    def word_vectors(self, words: Sequence[str]) -> tuple[np.ndarray, list[int | None]]:
        """Vectors [n, D] (copies) of ``words`` and each one's row (None for a composed vector).

        A word outside the vocabulary is composed from its character n-grams when the vectors
        carry subwords (logged once per word); otherwise, or when it has no n-gram, it is
        unknown, and UnknownWordError names every such word at once.
        """
        words = list(words)
        out = np.empty((len(words), self.dim), dtype=np.float32)
        rows: list[int | None] = []
        missing = []
        for i, word in enumerate(words):
            found = self.table.find(word) if isinstance(word, str) else -1
            row = found if found >= 0 else None
            composed = None
            if row is None and self.subwords is not None and isinstance(word, str):
                composed = self.subwords.compose(word)
            if row is not None:
                out[i] = self.vectors[row]
            elif composed is not None:
                out[i] = composed
                self._announce(word)
            else:
                missing.append(word)
            rows.append(row)
        if missing:
            raise self.unknown(missing)
        return out, rows

    def unit_word_vectors(self, words: Sequence[str]) -> tuple[np.ndarray, list[int | None]]:
        """word_vectors scaled to unit length; vocabulary rows use the cached norms."""
        vectors, rows = self.word_vectors(words)
        units = sim.normalize(vectors)
        known = [i for i, r in enumerate(rows) if r is not None]
        if known:
            units[known] = sim.gather_unit(self.vectors, self.inv_norms, np.array([rows[i] for i in known]))
        return units, rows

    def _announce(self, word: str) -> None:
        if word not in self._announced:
            self._announced.add(word)
            log.info("%r is not in the vocabulary: its vector was composed from its character n-grams", word)

    # --- lazily derived data -------------------------------------------------------------
    @property
    def words(self) -> list[str]:
        """Every word in row order (a native folder decodes its vocab.txt on first use)."""
        return self.table.as_list()

    def word(self, row: int) -> str:
        """The word of one row, without decoding the others."""
        return self.table.word(row)

    @property
    def counts(self) -> np.ndarray | None:
        """int64 corpus counts per row, or None when unknown (all zero in a native folder)."""
        if self._counts is None and isinstance(self.table, PackedWords) and not self._counts_read:
            self._counts_read = True
            counts = self.table.counts()
            self._counts = counts if counts is not None and counts.any() else None
        return self._counts

    @property
    def stored_norms(self) -> np.ndarray | None:
        """||v|| per row when given at construction (a native folder's norms.npy), else None."""
        return self._norms

    @property
    def index(self) -> dict[str, int]:
        """word → row as a dict, built on first use (first occurrence wins for duplicated words)."""
        return self.table.index

    @property
    def inv_norms(self) -> np.ndarray:
        """1/||v|| per row (0 for zero rows), computed once (or read from a native folder)."""
        if self._inv_norms is None:
            self._inv_norms = sim.invert_norms(self._norms) if self._norms is not None \
                else sim.inverse_norms(self.vectors)
        return self._inv_norms

    @property
    def unit_vectors(self) -> np.ndarray:
        """Unit-length copy of the vectors, computed once (the stored vectors stay as they are)."""
        if self._unit is None:
            self._unit = sim.unit_rows(self.vectors, self.inv_norms)
        return self._unit

    # --- word ↔ row ----------------------------------------------------------------------
    def row(self, word: str) -> int:
        """The row of ``word``; UnknownWordError naming it (with suggestions) if absent."""
        found = self.table.find(word) if isinstance(word, str) else -1
        if found < 0:
            raise self.unknown([word])
        return found

    def rows(self, words: Iterable[str]) -> np.ndarray:
        words = list(words)
        found = [self.table.find(w) if isinstance(w, str) else -1 for w in words]
        missing = [w for w, r in zip(words, found) if r < 0]
        if missing:
            raise self.unknown(missing)
        return np.array(found, dtype=np.int64)

    def suggestions(self, word: str, n: int = 3) -> list[str]:
        """Close words: case variants first, then words of the vocabulary within a small edit
        distance (one or two typos; wordvec.vectors.typos), the more frequent first."""
        from .typos import close_words

        found = [v for v in dict.fromkeys((word.lower(), word.capitalize(), word.upper(), word.title()))
                 if v in self and v != word]
        if self._lengths is None:
            self._lengths = np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))
        close = close_words(word, self.words, n=n, lengths=self._lengths)
        return list(dict.fromkeys(found + close))[:n]

    def unknown(self, words: Sequence[str]) -> UnknownWordError:
        parts = []
        for word in dict.fromkeys(words):
            hints = self.suggestions(word)
            parts.append(f"{word!r}" + (f" (did you mean {', '.join(hints)}?)" if hints else ""))
        noun = "word" if len(parts) == 1 else "words"
        return UnknownWordError(f"unknown {noun}: {'; '.join(parts)}", list(words))

    # --- queries -------------------------------------------------------------------------
    def _candidates(self, restrict: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows eligible as answers: the first ``restrict`` rows (all when None)."""
        if restrict is not None and restrict < 1:
            raise WordvecError(f"--restrict must be at least 1, not {restrict}")
        end = len(self) if restrict is None else min(restrict, len(self))
        return self.vectors[:end], self.inv_norms[:end]

    def _terms(self, terms: Term | Sequence[Term] | None) -> tuple[np.ndarray, list[int]]:
        """Unit vectors [n, D] of words or raw vectors, and the rows of the words among them
        (a composed word has no row, so nothing to exclude from the answers)."""
        if terms is None:
            return np.empty((0, self.dim), np.float32), []
        if isinstance(terms, (str, np.ndarray)) and not (isinstance(terms, np.ndarray) and terms.ndim == 2):
            terms = [terms]
        words = [t for t in terms if isinstance(t, str)]
        word_units, rows = self.unit_word_vectors(words) if words else (None, [])
        units, word_rows, it = [], [], iter(zip(word_units if words else [], rows))
        for term in terms:
            if isinstance(term, str):
                unit, r = next(it)
                if r is not None:
                    word_rows.append(r)
                units.append(unit)
            else:
                vector = np.asarray(term, dtype=np.float32)
                if vector.shape != (self.dim,):
                    raise WordvecError(f"a query vector must have shape ({self.dim},), not {vector.shape}")
                units.append(sim.normalize(vector))
        return np.array(units, dtype=np.float32).reshape(len(units), self.dim), word_rows

    def _answer(self, scores: np.ndarray, topn: int, exclude: list[list[int]]) -> list[list[tuple[str, float]]]:
        best, values = sim.top_k(scores, topn, exclude)
        return [[(self.table.word(i), float(v)) for i, v in zip(b, s) if v > -np.inf]
                for b, s in zip(best, values)]

    def most_similar(self, positive: Term | Sequence[Term] | None = None,
                     negative: Term | Sequence[Term] | None = None, topn: int = 10,
                     restrict: int | None = None, method: str = "3cosadd") -> list[tuple[str, float]]:
        """Words closest to sum(positive) - sum(negative) (unit vectors), query words excluded.

        3cosadd ranks by cosine with that direction; 3cosmul by the product form of Levy &
        Goldberg (2014). ``restrict`` limits answers to the first N rows. Returns
        [(word, score)] best first.
        """
        if method not in METHODS:
            raise WordvecError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
        every = [t for terms in (positive, negative) if terms is not None
                 for t in ([terms] if isinstance(terms, (str, np.ndarray)) else terms)]
        self.word_vectors([t for t in every if isinstance(t, str)])  # names every unknown word at once
        pos, pos_rows = self._terms(positive)
        neg, neg_rows = self._terms(negative)
        if len(pos) + len(neg) == 0:
            raise WordvecError("most_similar needs at least one positive or negative term")
        candidates, inv = self._candidates(restrict)
        if method == "3cosadd":
            scores = sim.cos_add_scores(candidates, inv, pos[None], neg[None])
        else:
            scores = sim.cos_mul_scores(candidates, inv, pos[None], neg[None])
        exclude = [r for r in pos_rows + neg_rows if r < len(candidates)]
        return self._answer(scores, topn, [exclude])[0]

    def most_similar_many(self, words: Sequence[str], topn: int = 10,
                          restrict: int | None = None) -> list[list[tuple[str, float]]]:
        """Neighbours of each word in ``words`` with one matrix product (each word excluded from its list)."""
        units, rows = self.unit_word_vectors(words)
        candidates, inv = self._candidates(restrict)
        scores = sim.cosine_scores(candidates, inv, units)
        return self._answer(scores, topn, [[r] if r is not None and r < len(candidates) else [] for r in rows])

    def similar_by_word(self, word: str, topn: int = 10, restrict: int | None = None) -> list[tuple[str, float]]:
        return self.most_similar_many([word], topn, restrict)[0]

    def similar_by_vector(self, vector: np.ndarray, topn: int = 10,
                          restrict: int | None = None) -> list[tuple[str, float]]:
        """Words closest to a raw vector (nothing excluded)."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn, restrict=restrict)

    def analogy(self, a: str, b: str, c: str, method: str = "3cosadd", topn: int = 10,
                restrict: int | None = None) -> list[tuple[str, float]]:
        """a : b :: c : ? — words near b - a + c (3CosAdd) or by 3CosMul; a, b, c never answer."""
        return self.most_similar(positive=[b, c], negative=[a], topn=topn, restrict=restrict, method=method)

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words."""
        units = self.unit_word_vectors([word1, word2])[0]
        return float(np.dot(units[0], units[1]))

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The odd one out: the word whose unit vector has the lowest cosine with their mean."""
        return self.odd_one_out(words)[0][0]

    def odd_one_out(self, words: Sequence[str]) -> list[tuple[str, float]]:
        """[(word, cosine with the mean of the words' unit vectors)], the odd one out first."""
        words = list(words)
        if len(words) < 2:
            raise WordvecError("doesnt_match needs at least two words")
        units = self.unit_word_vectors(words)[0]
        scores = units @ sim.normalize(units.mean(axis=0))
        order = np.argsort(scores, kind="stable")
        return [(words[i], float(scores[i])) for i in order]

    # --- persistence ---------------------------------------------------------------------
    def save(self, path, format: str = "native", context: np.ndarray | None = None) -> None:
        """Write atomically in ``format`` (see wordvec.vectors.formats.save)."""
        from .formats import save

        save(self, path, format=format, context=context)

    def save_word2vec(self, path, binary: bool = False) -> None:
        self.save(path, format="word2vec-binary" if binary else "word2vec")

"""Continued training (`--init OLD`): start word2vec from trained vectors and learn from new text.

OLD is any vectors file wordvec reads (native folder, word2vec text or binary, GloVe text,
fastText .vec) or a checkpoint. Its words keep their rows and vectors; the new corpus's words
that pass --min-count follow as fresh rows (Vocab.extended), and counts are summed so that
subsampling and negative sampling see both corpora. The output (context) vectors come from
OLD when it has them (a native folder saved with --save-context, a word2vec checkpoint);
otherwise they start at zero, as in a new run, and the first updates move the old vectors
towards a context layer that knows nothing yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import WordvecError
from ..util.progress import log


@dataclass
class Initial:
    """Trained vectors to start from: words in row order, their counts (0 when the file has
    none), input vectors and, when known, output (context) vectors."""

    words: list[str]
    counts: np.ndarray
    vectors: np.ndarray
    context: np.ndarray | None
    source: str

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def vocab(self):
        from ..text.vocab import Vocab

        return Vocab(self.words, self.counts, unique=True)

    def describe(self) -> dict:
        """What meta.json records of the start."""
        return {"from": self.source, "words": len(self.words), "dim": self.dim,
                "context": self.context is not None, "counts": bool(self.counts.any())}


def load_initial(path: str | Path) -> Initial:
    """The vectors (and context vectors, and counts) of OLD; a duplicated word keeps its first row."""
    path = Path(path)
    from .checkpoint import is_checkpoint

    if (path / "meta.json").is_file() and is_checkpoint(path):
        return _from_checkpoint(path)
    from ..vectors.formats import load, load_context

    kv = load(path, mmap=False)
    vectors = np.array(kv.vectors, dtype=np.float32)
    context = load_context(path, mmap=False) if kv.source and kv.source["format"] == "native" else None
    if context is not None:
        context = np.array(context, dtype=np.float32)
        if context.shape != vectors.shape:
            raise WordvecError(f"{path}: context.npy is {context.shape[0]} x {context.shape[1]} but the vectors are "
                               f"{vectors.shape[0]} x {vectors.shape[1]}; the folder is damaged")
        if (kv.meta.get("config") or {}).get("vectors") == "in+out":
            vectors -= context        # the folder holds w_in + w_out: training starts from w_in
    counts = kv.counts if kv.counts is not None else np.zeros(len(kv.words), dtype=np.int64)
    return _unique(Initial(list(kv.words), np.asarray(counts, dtype=np.int64), vectors, context, str(path)))


def _from_checkpoint(path: Path) -> Initial:
    from .checkpoint import load_checkpoint

    saved = load_checkpoint(path)
    words, counts = saved.vocab.words, saved.vocab.counts
    if saved.trainer.startswith("word2vec"):
        return Initial(words, counts, saved.arrays["w_in"], saved.arrays["w_out"], str(path))
    # GloVe's context vectors are not word2vec's output layer: start from its word vectors only
    return Initial(words, counts, saved.arrays["w"], None, str(path))


def _unique(initial: Initial) -> Initial:
    """Drop the later rows of a word listed twice (some published files repeat words)."""
    seen: dict[str, int] = {}
    for row, word in enumerate(initial.words):
        seen.setdefault(word, row)
    if len(seen) == len(initial.words):
        return initial
    rows = np.array(sorted(seen.values()), dtype=np.int64)
    log.warning(f"{initial.source}: {len(initial.words) - len(rows):,} repeated words; their first rows are kept")
    context = initial.context[rows] if initial.context is not None else None
    return Initial([initial.words[i] for i in rows.tolist()], initial.counts[rows], initial.vectors[rows], context,
                   initial.source)


def initial_weights(initial: Initial, vocab, dim: int, seed: int, width: float) -> tuple[np.ndarray, np.ndarray]:
    """(w_in, w_out) for `vocab` (OLD's words first, in OLD's order, then new words): OLD's rows
    copied, new rows started as a new run starts them (w_in uniform, w_out zero)."""
    from .word2vec import init_weights

    old = len(initial.words)
    if vocab.words[:old] != initial.words:
        raise WordvecError("the vocabulary does not start with the --init vectors' words")  # pragma: no cover
    if dim != initial.dim:
        raise WordvecError(f"--dim {dim} differs from the --init vectors' {initial.dim} dimensions: drop --dim "
                           "(it follows the --init vectors)")
    w_in, w_out = init_weights(len(vocab), dim, seed, width)
    w_in[:old] = initial.vectors
    if initial.context is not None:
        w_out[:old] = initial.context
    return w_in, w_out

"""Interactions: who used which items, in which order, as the encoded corpus trainers read.

Two inputs give the same result:

- a sequences file: one user, session or basket per line, item IDs separated by whitespace
  (read by the corpus pipeline with raw tokens, case kept and no cut of long lines; a line's
  user is its line number, 1 = first line);
- a table (CSV or TSV; see wordvec.text.table) with a user column, an item column and
  optionally a time column that orders each user's items (ties keep the file's order).

The result holds the items as a Vocab (rows by descending count, then ID), one sequence of
item rows per user in an EncodedCorpus (int32 ids + int64 offsets, as the word trainers
read) and the user of each sequence. `dedupe` keeps only the first occurrence of an item in
each sequence; `min_count`/`max_vocab` drop rare items afterwards, and users left with no item
are dropped with them. Everything after reading is whole-array numpy work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import InteractionsConfig, TokenizerConfig
from ..errors import CorpusError
from ..util.progress import log
from .corpus import EncodedCorpus
from .vocab import Vocab

# Item sequences are never cut into pieces while reading: how a trainer handles a sequence of
# thousands of items is its own decision (the word pipeline cuts lines at 1,000 tokens).
WHOLE_LINES = 1 << 62


@dataclass
class Interactions:
    """Items, one sequence of item rows per user, and who each sequence belongs to."""

    items: Vocab                     # rows by descending count, then ID; counts = uses kept
    corpus: EncodedCorpus            # sequence s: corpus.ids[offsets[s]:offsets[s+1]], in order
    users: list[str]                 # the user (a table's ID, or a line number) of each sequence
    report: dict = field(default_factory=dict)

    @property
    def n_users(self) -> int:
        return len(self.users)

    def sequence(self, s: int) -> np.ndarray:
        return np.asarray(self.corpus.ids[self.corpus.offsets[s]:self.corpus.offsets[s + 1]])

    def sequence_items(self, s: int) -> list[str]:
        words = self.items.words
        return [words[r] for r in self.sequence(s).tolist()]


# ----------------------------------------------------------------------------- array steps

def sequence_of_positions(offsets: np.ndarray) -> np.ndarray:
    """The sequence index of every position: [0, 0, 1, 1, 1, ...] for offsets [0, 2, 5, ...]."""
    lengths = np.diff(np.asarray(offsets, dtype=np.int64))
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def first_occurrences(ids: np.ndarray, offsets: np.ndarray, n_items: int) -> np.ndarray:
    """Boolean mask of the positions holding the first occurrence of their item in their sequence."""
    ids = np.asarray(ids, dtype=np.int64)
    key = sequence_of_positions(offsets) * max(n_items, 1) + ids
    order = np.argsort(key, kind="stable")            # equal keys keep position order
    sorted_key = key[order]
    first_in_run = np.ones(len(key), dtype=bool)
    first_in_run[1:] = sorted_key[1:] != sorted_key[:-1]
    mask = np.empty(len(key), dtype=bool)
    mask[order] = first_in_run
    return mask


def keep_positions(ids: np.ndarray, offsets: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ids[mask] and the offsets that follow from it (sequences may become empty)."""
    kept_before = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
    return np.asarray(ids)[mask], kept_before[np.asarray(offsets, dtype=np.int64)]


def _finish(names: list[str], codes: np.ndarray, offsets: np.ndarray, users: list[str], *, dedupe: bool,
            min_count: int, max_vocab: int | None, report: dict, source: str, vocab_path=None) -> Interactions:
    """From item codes (indices into `names`) per user to the canonical Interactions; with
    `vocab_path`, the items (rows and counts) of that file, and others dropped."""
    offsets = np.asarray(offsets, dtype=np.int64)
    if dedupe:
        mask = first_occurrences(codes, offsets, len(names))
        report["duplicates_dropped"] = int(len(mask) - mask.sum())
        codes, offsets = keep_positions(codes, offsets, mask)
    counts = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), np.int64)
    present = counts > 0
    if vocab_path is not None:
        vocab = Vocab.load(vocab_path, min_count, max_vocab)
    else:
        vocab = Vocab.from_counts({n: int(c) for n, c, p in zip(names, counts.tolist(), present.tolist()) if p},
                                  min_count, max_vocab)
    report["distinct_items"] = int(present.sum())
    if not len(vocab):
        raise CorpusError(f"{source}: no item occurs at least {min_count} times (--min-count) among "
                          f"{int(present.sum()):,} distinct items; lower --min-count")
    row_of = np.full(len(names), -1, dtype=np.int64)
    index = vocab.index
    row_of[:] = [index.get(n, -1) for n in names]
    rows = row_of[codes]
    kept = rows >= 0
    if not kept.all():
        report["items_dropped"] = int(np.count_nonzero(present & (row_of < 0)))
        report["interactions_dropped"] = int(len(rows) - kept.sum())
        rows, offsets = keep_positions(rows, offsets, kept)
    lengths = np.diff(offsets)
    nonempty = np.flatnonzero(lengths > 0)
    if len(nonempty) < len(lengths):
        report["users_dropped"] = int(len(lengths) - len(nonempty))
        offsets = np.concatenate(([0], offsets[nonempty + 1]))
        users = [users[s] for s in nonempty.tolist()]
    report.update(users=len(users), items=len(vocab), interactions=int(len(rows)),
                  longest_sequence=int(np.diff(offsets).max()))
    corpus = EncodedCorpus.from_arrays(rows, offsets, {"interactions": dict(report)})
    return Interactions(items=vocab, corpus=corpus, users=users, report=report)


# ----------------------------------------------------------------------------- reading

def read_interactions(path: str, config: InteractionsConfig | None = None, *, min_count: int = 1,
                      max_vocab: int | None = None, cache: bool = True, vocab_path=None) -> Interactions:
    """Read a sequences file or a table (see the module docstring) into Interactions.

    vocab_path: keep only the items of this vocabulary file, in its order and with its counts."""
    config = (config or InteractionsConfig()).validate()
    path = str(path)
    keep = {"min_count": min_count, "max_vocab": max_vocab, "vocab_path": vocab_path}
    if config.is_table:
        inter = _from_table(path, config, keep)
    else:
        inter = _from_sequences(path, config, keep, cache)
    _log_report(path, inter.report)
    return inter


def _from_sequences(path: str, config: InteractionsConfig, keep: dict, cache: bool) -> Interactions:
    from .corpus import prepare_corpus
    from .tokenize import input_files

    files = input_files([path])
    if len(files) != 1:
        raise CorpusError(f"{path}: a folder of {len(files)} files; give one sequences file (lines are named by number)")
    tokenizer = TokenizerConfig(tokens=config.tokens, lowercase=config.lowercase, max_sentence_length=WHOLE_LINES)
    vocab, corpus = prepare_corpus(files, tokenizer, min_count=1, cache=cache, keep_empty_lines=True)
    try:
        offsets = np.asarray(corpus.offsets, dtype=np.int64)
        lengths = np.diff(offsets)
        lines = np.flatnonzero(lengths > 0)
        users = (lines + 1).astype(str).tolist()
        report = {"input": "sequences", "sequences_read": int(len(lines))}
        offsets = np.concatenate(([0], offsets[lines + 1]))
        ids = np.array(corpus.ids, dtype=np.int32)   # a copy in memory: the cache entry may be evicted
    finally:
        corpus.close()
    return _finish(vocab.words, ids, offsets, users, dedupe=config.dedupe, report=report, source=path, **keep)


def _from_table(path: str, config: InteractionsConfig, keep: dict) -> Interactions:
    from .table import read_table

    if path == "-":
        raise CorpusError("a table is read from a file, not from stdin (-); save it first")
    normalize = None
    if config.tokens != "raw" or config.lowercase:
        from .tokenize import type_normalizer

        normalize = type_normalizer(TokenizerConfig(tokens=config.tokens, lowercase=config.lowercase))
    table = read_table(path, config.user_col, config.item_col, config.time_col, config.header, normalize)
    rows = len(table.user_codes)
    report = {"input": "table", "delimiter": table.delimiter, "header": table.header, "rows": rows,
              "rows_skipped": dict(table.skipped), "ids_with_spaces": table.renamed}
    if rows == 0:
        reasons = ", ".join(f"{n:,} {why}" for why, n in table.skipped.items()) or "no data rows"
        raise CorpusError(f"{path}: no usable rows ({reasons})")
    # each user's rows together, in time order (then file order): one stable sort
    keys = (table.times, table.user_codes) if table.times is not None else (table.user_codes,)
    order = np.lexsort(keys) if table.times is not None else np.argsort(table.user_codes, kind="stable")
    codes = table.item_codes[order]
    per_user = np.bincount(table.user_codes, minlength=len(table.users))
    offsets = np.concatenate(([0], np.cumsum(per_user)))
    return _finish(table.items, codes, offsets, table.users, dedupe=config.dedupe, report=report, source=path,
                   **keep)


def _log_report(path: str, report: dict) -> None:
    skipped = report.get("rows_skipped") or {}
    if skipped:
        total = sum(skipped.values())
        reasons = ", ".join(f"{n:,} {why}" for why, n in skipped.items())
        log.warning(f"{path}: skipped {total:,} of {report['rows'] + total:,} rows ({reasons})")
    if report.get("ids_with_spaces"):
        log.warning(f"{path}: {report['ids_with_spaces']:,} IDs contained whitespace, replaced by '_'")
    if report.get("users_dropped"):
        log.info(f"{path}: {report['users_dropped']:,} users had no item left after --min-count")
    log.info(f"{path}: {report['users']:,} users, {report['items']:,} items, {report['interactions']:,} "
             f"interactions (longest sequence {report['longest_sequence']:,})"
             + (f", {report['duplicates_dropped']:,} repeats dropped" if "duplicates_dropped" in report else ""))

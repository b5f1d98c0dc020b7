"""Leave-last-out splits of interactions, for offline evaluation and for tuning.

Each chosen user (by default every user with two items or more) loses the last item of their
sequence: the rest stays in the training data and is the test history, the last item is what
the model should recommend next. Users with a single item stay whole in the training data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CorpusError
from ..util.atomic import atomic_file
from .interactions import Interactions, _finish, keep_positions


@dataclass
class Split:
    """Training interactions, and for the chosen users their history and held-out item."""

    train: Interactions
    test_users: np.ndarray           # int64: the chosen users' sequence indices in train
    test_ids: np.ndarray             # int32 item rows of train.items: the chosen users' histories
    test_offsets: np.ndarray         # int64 [T+1]
    test_targets: np.ndarray         # int64 item rows of train.items, -1 when only the held-out use had it
    held_out: list[str]              # the held-out items by name (also those without a row)

    @property
    def n_test(self) -> int:
        return len(self.test_targets)

    def test_history_items(self, t: int) -> list[str]:
        words = self.train.items.words
        return [words[r] for r in self.test_ids[self.test_offsets[t]:self.test_offsets[t + 1]].tolist()]


def hold_out_last(inter: Interactions, sample: int | None = None, seed: int = 1) -> Split:
    """Take the last item of every user with two items or more (or of ``sample`` of them,
    drawn with ``seed``) out of the training data."""
    ids = np.asarray(inter.corpus.ids)
    offsets = np.asarray(inter.corpus.offsets, dtype=np.int64)
    eligible = np.flatnonzero(np.diff(offsets) >= 2)
    if not len(eligible):
        raise CorpusError("no user has two items or more: nothing to hold out")
    chosen = eligible
    if sample is not None and sample < len(eligible):
        chosen = np.sort(np.random.default_rng(seed).choice(eligible, size=sample, replace=False))
    last = offsets[chosen + 1] - 1
    mask = np.ones(len(ids), dtype=bool)
    mask[last] = False
    codes, train_offsets = keep_positions(ids, offsets, mask)
    report = {"input": "split", "held_out": int(len(chosen))}
    # the same users stay in the same order (none becomes empty); item rows are renumbered by
    # the training counts, and a held-out item seen nowhere else has no row (-1)
    train = _finish(inter.items.words, codes, train_offsets, inter.users, dedupe=False, min_count=1,
                    max_vocab=None, report=report, source="the training part")
    index = train.items.index
    row_of = np.array([index.get(w, -1) for w in inter.items.words], dtype=np.int64)
    targets = row_of[ids[last]]
    starts, ends = train.corpus.offsets[chosen], train.corpus.offsets[chosen + 1]
    lengths = ends - starts
    test_offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    take = np.repeat(starts - test_offsets[:-1], lengths) + np.arange(test_offsets[-1])
    test_ids = np.asarray(train.corpus.ids)[take].astype(np.int32)
    return Split(train=train, test_users=chosen.astype(np.int64), test_ids=test_ids, test_offsets=test_offsets,
                 test_targets=targets, held_out=[inter.items.words[r] for r in ids[last].tolist()])


def write_split(split: Split, train_path: str, test_path: str, as_table: bool) -> None:
    """The training part (a user<TAB>item table with a header, or one sequence per line) and the
    test cases as ``history<TAB>held-out`` lines; both written atomically."""
    train = split.train
    words = train.items.words
    ids = np.asarray(train.corpus.ids)
    offsets = np.asarray(train.corpus.offsets)
    with atomic_file(train_path, "w") as f:
        if as_table:
            f.write("user\titem\n")
        for s, user in enumerate(train.users):
            items = [words[r] for r in ids[offsets[s]:offsets[s + 1]].tolist()]
            if as_table:
                f.write("".join(f"{user}\t{item}\n" for item in items))
            else:
                f.write(" ".join(items) + "\n")
    # the held-out item is named from the original data even when training never saw it
    with atomic_file(test_path, "w") as f:
        for t in range(split.n_test):
            f.write(" ".join(split.test_history_items(t)) + "\t" + split.held_out[t] + "\n")

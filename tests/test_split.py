"""Leave-last-out splits: what is held out, what stays for training, and the files written."""

from __future__ import annotations

import numpy as np

from wordvec.config import InteractionsConfig
from wordvec.text.interactions import read_interactions
from wordvec.text.split import hold_out_last, write_split


def test_hold_out_last_item_of_each_user(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("a b c\nsolo\nc d\nb a e\n")
    inter = read_interactions(str(path), cache=False)
    split = hold_out_last(inter)
    train = {u: split.train.sequence_items(s) for s, u in enumerate(split.train.users)}
    assert train == {"1": ["a", "b"], "2": ["solo"], "3": ["c"], "4": ["b", "a"]}
    assert split.held_out == ["c", "d", "e"] and split.test_users.tolist() == [0, 2, 3]
    assert [split.test_history_items(t) for t in range(3)] == [["a", "b"], ["c"], ["b", "a"]]
    # d and e occur only as held-out items: no row in the training vocabulary
    words = split.train.items.words
    assert [words[r] if r >= 0 else None for r in split.test_targets.tolist()] == ["c", None, None]
    assert sorted(words) == ["a", "b", "c", "solo"]


def test_sampled_split_is_reproducible():
    from wordvec.text.interactions import Interactions, _finish

    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 6, size=200)
    codes = rng.integers(0, 30, size=lengths.sum())
    inter: Interactions = _finish([f"i{k}" for k in range(30)], codes, np.concatenate(([0], np.cumsum(lengths))),
                                  [f"u{k}" for k in range(200)], dedupe=False, min_count=1, max_vocab=None,
                                  report={}, source="test")
    a, b = hold_out_last(inter, sample=25, seed=4), hold_out_last(inter, sample=25, seed=4)
    assert a.n_test == 25 and a.test_users.tolist() == b.test_users.tolist()
    assert all(lengths[u] >= 2 for u in a.test_users.tolist())
    assert a.train.corpus.n_tokens == inter.corpus.n_tokens - 25


def test_write_split_as_table_and_as_sequences(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("user,item,t\nu1,a,2\nu2,x,1\nu1,b,1\nu1,c,3\nu2,y,2\n")
    inter = read_interactions(str(path), InteractionsConfig(user_col="user", item_col="item", time_col="t"))
    split = hold_out_last(inter)
    write_split(split, str(tmp_path / "train.tsv"), str(tmp_path / "test.tsv"), as_table=True)
    assert (tmp_path / "train.tsv").read_text() == "user\titem\nu1\tb\nu1\ta\nu2\tx\n"
    assert (tmp_path / "test.tsv").read_text() == "b a\tc\nx\ty\n"
    again = read_interactions(str(tmp_path / "train.tsv"), InteractionsConfig(user_col="user", item_col="item"))
    assert again.users == ["u1", "u2"] and again.sequence_items(0) == ["b", "a"]
    write_split(split, str(tmp_path / "train.txt"), str(tmp_path / "test2.tsv"), as_table=False)
    assert (tmp_path / "train.txt").read_text() == "b a\nx\n"

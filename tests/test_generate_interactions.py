"""The generated interaction data has the properties its calibration claims (scripts/generate_interactions.py)."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from tests.conftest import interactions_generator

gen = interactions_generator()


@pytest.fixture(scope="module")
def data():
    return gen.generate()        # the defaults the docstring describes (about 1 s)


def popularity_hit_rate(data) -> float:
    train = np.concatenate([s[:-1] for s in data.sequences])
    order = np.argsort(-np.bincount(train, minlength=len(data.item_ids)), kind="stable")
    hits = cases = 0
    for seq in data.sequences:
        if len(seq) < 2:
            continue
        history = set(seq[:-1].tolist())
        top = [i for i in order[:10 + len(history)].tolist() if i not in history][:10]
        hits += int(seq[-1]) in top
        cases += 1
    return hits / cases


def test_calibration_matches_the_docstring(data):
    lengths = np.array([len(s) for s in data.sequences])
    counts = np.sort(np.bincount(np.concatenate(data.sequences)))[::-1]
    top_share = counts[:len(counts) // 100].sum() / counts.sum()
    assert 0.2 <= top_share <= 0.4                       # strong popularity skew
    assert np.median(lengths) <= 3 and lengths.min() >= 2   # many short sequences
    assert 3 <= np.sum(lengths > 1000) <= 15 and lengths.max() <= 10000   # and some very long ones
    assert 0.05 <= popularity_hit_rate(data) <= 0.1
    # taste: most of a user's items come from their planted groups
    inside = np.mean([np.isin(data.item_group[s], g).mean() for s, g in zip(data.sequences, data.user_groups)])
    assert 0.85 <= inside <= 0.95
    assert len({len(g) for g in data.user_groups}) == 3    # one, two or three groups


def test_same_seed_same_data_and_files(tmp_path):
    a, b = gen.generate(users=50, seed=3), gen.generate(users=50, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(a.sequences, b.sequences))
    gen.write_table(a, tmp_path / "t.csv")
    gen.write_sequences(a, tmp_path / "s.txt")
    gen.write_titles(a, tmp_path / "titles.tsv")
    rows = list(csv.reader(open(tmp_path / "t.csv")))
    assert rows[0] == ["user", "item", "timestamp"] and len(rows) == 1 + sum(len(s) for s in a.sequences)
    lines = (tmp_path / "s.txt").read_text().splitlines()
    assert lines[0].split() == [a.item_ids[i] for i in a.sequences[0]]
    first = (tmp_path / "titles.tsv").read_text().splitlines()[0].split("\t")
    assert first[0] == a.item_ids[0] and first[1].split(" #")[0] in gen.GROUP_NAMES

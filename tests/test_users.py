"""User vectors: the numpy twin, recency weights, and storage apart from the items."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import users as ref
from wordvec.errors import FormatError
from wordvec.vectors import users as users_module
from wordvec.vectors.formats import load, save
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.users import build_user_vectors, mean_unit_vectors, recency_weights


def random_items(n=40, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    return KeyedVectors(rng.standard_normal((n, dim)).astype(np.float32), [f"i{k}" for k in range(n)],
                        counts=np.arange(n, 0, -1))


def histories(n_items, n_users, seed=1):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, size=n_users)
    lengths[3] = 300                                          # one long history
    ids = rng.integers(0, n_items, size=lengths.sum()).astype(np.int32)
    return ids, np.concatenate(([0], np.cumsum(lengths)))


@pytest.mark.parametrize("recency", [0.0, 1.0, 3.5])
def test_mean_unit_vectors_matches_the_twin(recency, monkeypatch):
    kv = random_items()
    ids, offsets = histories(len(kv), 30)
    monkeypatch.setattr(users_module, "BLOCK_ITEMS", 16)      # many blocks, one history longer than a block
    got = mean_unit_vectors(kv.unit_vectors, ids, offsets, recency)
    for s in range(len(offsets) - 1):
        want = ref.user_vector(kv.vectors, ids[offsets[s]:offsets[s + 1]].tolist(), recency)
        np.testing.assert_allclose(got[s], want, rtol=2e-5, atol=2e-6)


def test_recency_weights_halve_every_half_life():
    w = recency_weights(np.array([0, 3, 4]), 1.0)
    assert w.tolist() == [0.25, 0.5, 1.0, 1.0]
    assert recency_weights(np.array([0, 3]), 0.0) is None


def test_users_saved_apart_from_items_and_round_trip(tmp_path):
    kv = random_items()
    ids, offsets = histories(len(kv), 30)
    names = [f"user{k}" for k in range(30)]
    kv.users = build_user_vectors(kv, names, ids, offsets, recency=2.0)
    save(kv, tmp_path / "x.wv")
    files = sorted(p.name for p in (tmp_path / "x.wv").iterdir())
    assert files == ["meta.json", "norms.npy", "user_items.npy", "user_offsets.npy", "users.npy", "users.txt",
                     "vectors.npy", "vocab.index.npy", "vocab.txt"]
    back = load(tmp_path / "x.wv")
    assert len(back) == 40 and back.words == kv.words                 # no user among the items
    assert back.users.words == names and back.meta["users"]["recency"] == 2.0
    np.testing.assert_array_equal(back.users.vectors, kv.users.vectors)
    assert back.users.history("user3").tolist() == ids[offsets[3]:offsets[4]].tolist()
    assert back.users.counts.tolist() == np.diff(offsets).tolist()
    # item queries never return users: every answer is an item
    for answer, _ in back.most_similar("i0", topn=39):
        assert answer in kv.index
    with pytest.raises(KeyError, match="unknown user"):
        back.users.history("nobody")
    # saved again (items only) the user files go away
    back.users = None
    save(back, tmp_path / "y.wv")
    assert not (tmp_path / "y.wv" / "users.npy").exists() and "users" not in load(tmp_path / "y.wv").meta


def test_damaged_user_files_are_named(tmp_path):
    kv = random_items()
    ids, offsets = histories(len(kv), 5)
    kv.users = build_user_vectors(kv, [f"u{k}" for k in range(5)], ids, offsets)
    save(kv, tmp_path / "x.wv")
    np.save(tmp_path / "x.wv" / "user_items.npy", np.full(len(ids), 99, dtype=np.int32))
    with pytest.raises(FormatError, match="user_items.npy: item rows outside 0..39"):
        load(tmp_path / "x.wv")
    (tmp_path / "x.wv" / "users.npy").write_bytes(b"junk")
    with pytest.raises(FormatError, match="users.npy: cannot read it"):
        load(tmp_path / "x.wv")

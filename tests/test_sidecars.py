"""A native folder's derived files: norms.npy is used only while it matches vectors.npy."""

from __future__ import annotations

import os

import numpy as np
import pytest

from wordvec.errors import FormatError
from wordvec.vectors import similarity as sim
from wordvec.vectors.formats import load, save
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.sidecars import NORMS_FILE

WORDS = [f"w{i}" for i in range(200)]


@pytest.fixture
def kv():
    vectors = np.random.default_rng(3).standard_normal((len(WORDS), 6)).astype(np.float32)
    vectors[7] = 0  # a zero row has norm 0 and cosine 0 with everything
    return KeyedVectors(vectors, WORDS)


def test_stored_norms_give_the_same_answers(kv, tmp_path):
    save(kv, tmp_path / "v.wv")
    np.testing.assert_array_equal(np.load(tmp_path / "v.wv" / NORMS_FILE), sim.row_norms(kv.vectors))
    with_norms = load(tmp_path / "v.wv")
    assert with_norms.stored_norms is not None
    os.remove(tmp_path / "v.wv" / NORMS_FILE)
    without = load(tmp_path / "v.wv")
    assert without.stored_norms is None
    np.testing.assert_array_equal(with_norms.inv_norms, without.inv_norms)
    np.testing.assert_array_equal(with_norms.inv_norms, kv.inv_norms)
    for word in ("w0", "w7", "w150"):
        assert with_norms.most_similar(word) == without.most_similar(word) == kv.most_similar(word)
    assert len(load(tmp_path / "v.wv", limit=10).inv_norms) == 10


def test_norms_of_other_vectors_are_ignored(kv, tmp_path):
    save(kv, tmp_path / "v.wv")
    np.save(tmp_path / "v.wv" / "vectors.npy", kv.vectors * 2)  # changed after the save
    reloaded = load(tmp_path / "v.wv")
    assert reloaded.stored_norms is None
    np.testing.assert_allclose(reloaded.inv_norms, kv.inv_norms / 2, rtol=1e-6)


def test_nonfinite_rows_are_found_through_the_norms(kv, tmp_path):
    vectors = np.array(kv.vectors)
    vectors[5, 1] = np.nan
    vectors[9] = 3e30  # finite, but its squared norm overflows float32: a suspect, not a culprit
    save(KeyedVectors(vectors, WORDS), tmp_path / "v.wv")
    assert not np.isfinite(np.load(tmp_path / "v.wv" / NORMS_FILE)[[5, 9]]).any()
    with pytest.raises(FormatError, match=r"1 row contains NaN or infinity \(first: row 6, 'w5'\)"):
        load(tmp_path / "v.wv")
    assert np.isnan(load(tmp_path / "v.wv", allow_nonfinite=True).vectors[5, 1])

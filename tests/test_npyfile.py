"""Streaming .npy files: appended chunks load as one array; slices read back without a map."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.util.npyfile import NpyAppender, NpyReader


def test_appended_chunks_read_back_whole_and_in_slices(tmp_path):
    path = tmp_path / "a.npy"
    writer = NpyAppender(path, np.int64)
    for first in range(0, 1000, 137):
        writer.append(np.arange(first, min(first + 137, 1000)))
    writer.close()
    assert np.array_equal(np.load(path), np.arange(1000))
    reader = NpyReader(path)
    assert len(reader) == 1000 and reader.dtype == np.int64
    assert reader.read(990, 1000).tolist() == list(range(990, 1000)) and len(reader.read(5, 5)) == 0
    out = np.zeros(4, np.float64)
    assert reader.read(3, 7, out).tolist() == [3.0, 4.0, 5.0, 6.0]   # converted into the given array
    np.save(tmp_path / "b.npy", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="1-D"):
        NpyReader(tmp_path / "b.npy")

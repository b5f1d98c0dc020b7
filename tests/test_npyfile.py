"""Streaming .npy files: appended chunks load as one array; slices read back without a map."""

from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize("shape, dtype", [((1 << 22,), np.float32), ((4099, 1031), np.float32),
                                          ((3, (1 << 24) + 5), np.uint8), ((1 << 21, 2), np.uint64)])
def test_direct_writes_load_as_ordinary_npy_files(tmp_path, monkeypatch, shape, dtype):
    """Past the page cache: a 4096-byte header, data in aligned blocks, a last block padded and
    cut back; the file is an ordinary .npy of the exact size, its CRC that of the data."""
    from wordvec.util import npyfile

    monkeypatch.setattr(npyfile, "_PIECE", 1 << 20)        # several pieces, the last one partial
    rng = np.random.default_rng(1)
    array = (rng.random(shape) * 200).astype(dtype)
    path = tmp_path / "a.npy"
    crc = npyfile.save_npy(path, array, direct=True)
    assert crc == npyfile.crc32_of(array)
    loaded = np.load(path)
    assert loaded.dtype == array.dtype and np.array_equal(loaded, array)
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        np.lib.format.read_array_header_1_0(f)
        header = f.tell()
    assert path.stat().st_size == header + array.nbytes
    if _takes_direct_writes(tmp_path):
        assert header == 4096


def _takes_direct_writes(folder) -> bool:
    """Whether the folder's file system accepts an aligned O_DIRECT write."""
    import os

    from wordvec.util.npyfile import _aligned_buffer

    probe = folder / "probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_DIRECT)
    except (OSError, AttributeError):
        return False
    try:
        os.write(fd, memoryview(_aligned_buffer(4096)))
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
        probe.unlink()


def test_direct_writes_fall_back_where_the_file_system_refuses_them(tmp_path, monkeypatch):
    """tmpfs and some others refuse O_DIRECT: the ordinary writer takes over."""
    import os

    from wordvec.util import npyfile

    def refuse(*args, **kwargs):
        raise OSError(22, "Invalid argument")

    array = np.arange(1 << 23, dtype=np.float32)          # 32 MiB: large enough to go direct
    monkeypatch.setattr(os, "open", refuse)
    crc = npyfile.save_npy(tmp_path / "a.npy", array, fsync=False, direct=True)
    monkeypatch.undo()
    assert crc == npyfile.crc32_of(array) and np.array_equal(np.load(tmp_path / "a.npy"), array)
    if os.path.isdir("/dev/shm"):
        shm = Path("/dev/shm") / f"wordvec-test-{os.getpid()}.npy"
        try:
            npyfile.save_npy(shm, array, direct=True)
            assert np.array_equal(np.load(shm), array)
        finally:
            shm.unlink(missing_ok=True)

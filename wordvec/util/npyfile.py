"""Streaming a 1-D .npy file whose length is known only at the end.

The header is written first for the largest possible length and rewritten with the real one
on close: numpy pads headers to a multiple of 64 bytes, so both take the same room and the
data never moves. The result is an ordinary .npy file that numpy.load can memory-map.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_PLACEHOLDER_LENGTH = 1 << 62


class NpyAppender:
    """Append chunks to a 1-D .npy file; `count` is the number of values written so far."""

    def __init__(self, path: str | Path, dtype):
        self.path = Path(path)
        self.dtype = np.dtype(dtype)
        self.count = 0
        self.file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._header_bytes = self._write_header(_PLACEHOLDER_LENGTH)

    def _write_header(self, length: int) -> int:
        start = self.file.tell()
        np.lib.format.write_array_header_1_0(
            self.file, {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False,
                        "shape": (length,)})
        return self.file.tell() - start

    def append(self, chunk: np.ndarray) -> None:
        self.file.write(memoryview(np.ascontiguousarray(chunk, dtype=self.dtype)))
        self.count += len(chunk)

    def close(self) -> None:
        """Write the real length into the header and close the file."""
        if self.file.closed:
            return
        try:
            self.file.seek(0)
            if self._write_header(self.count) != self._header_bytes:  # pragma: no cover - numpy pads to 64
                raise RuntimeError(f"{self.path}: .npy header changed size")
        finally:
            self.file.close()


def write_array(path: str | Path, array: np.ndarray, rows_per_write: int) -> None:
    """A .npy file written through Python's file object, `rows_per_write` rows at a time.

    Not np.save: for small arrays its C-level write goes through a stdio buffer whose failure
    at close is not reported, so a full disk could leave a silently truncated file.
    """
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(array))
        for start in range(0, array.shape[0], rows_per_write):
            f.write(memoryview(np.ascontiguousarray(array[start:start + rows_per_write])).cast("B"))


_PIECE = 1 << 26   # bytes per write and per checksum step


def save_npy(path: str | Path, array: np.ndarray, fsync: bool = True, direct: bool = False) -> int:
    """Write a C-contiguous array as an ordinary .npy file (flushed to disk unless fsync=False);
    returns the CRC-32 of its data. Large writes in 64 MiB pieces (np.save was measured up to
    10x slower on a busy machine for gigabyte arrays) with the checksum computed on the way.

    With `direct`, arrays of DIRECT_MIN_BYTES or more bypass the page cache (O_DIRECT) where the
    file system allows it, and plain writes are used where it does not."""
    import os
    import zlib

    array = np.ascontiguousarray(array)
    if direct and array.nbytes >= DIRECT_MIN_BYTES and hasattr(os, "O_DIRECT"):
        crc = _save_direct(path, array, fsync)
        if crc is not None:
            return crc
    crc = 0
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(array))
        f.flush()
        data = memoryview(array.reshape(-1)).cast("B")
        for start in range(0, len(data), _PIECE):
            piece = data[start: start + _PIECE]
            crc = zlib.crc32(piece, crc)
            f.write(piece)
        f.flush()
        if fsync:
            os.fsync(f.fileno())
    return crc


DIRECT_MIN_BYTES = 1 << 24     # smaller arrays gain nothing from bypassing the page cache
_ALIGN = 4096                  # O_DIRECT: buffer address, file offset and length in these units


def _save_direct(path: str | Path, array: np.ndarray, fsync: bool) -> int | None:
    """save_npy's O_DIRECT writer, or None (nothing left behind) where the file system refuses
    O_DIRECT, for the caller to write it the usual way.

    Why: a 2.4 GB checkpoint written through the page cache took 2-7 s with its fsync on the
    bench machine, first filling gigabytes of cache (and evicting what was there, the corpus
    say); written directly it took 1.3 s. The .npy header is padded to 4096 bytes so the data
    starts aligned; the data goes through an aligned 64 MiB buffer, the last block is padded
    with zeros and the file cut back to its exact length."""
    import os
    import zlib

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_DIRECT, 0o666)
    except OSError:
        return None
    try:
        header = _aligned_header(array)
        bounce = _aligned_buffer(max(_PIECE, len(header)))
        bounce[: len(header)] = np.frombuffer(header, dtype=np.uint8)
        try:
            os.write(fd, memoryview(bounce[: len(header)]))
        except OSError:            # O_DIRECT accepted at open but not for writes (some FUSE, tmpfs)
            os.close(fd)
            fd = -1
            os.unlink(path)
            return None
        data = memoryview(array.reshape(-1)).cast("B")
        crc = 0
        for start in range(0, len(data), _PIECE):
            piece = data[start: start + _PIECE]
            crc = zlib.crc32(piece, crc)
            size = len(piece)
            padded = -(-size // _ALIGN) * _ALIGN
            bounce[:size] = np.frombuffer(piece, dtype=np.uint8)
            bounce[size:padded] = 0
            view = memoryview(bounce[:padded])
            while view:
                view = view[os.write(fd, view):]
        os.ftruncate(fd, len(header) + len(data))
        if fsync:
            os.fsync(fd)
        return crc
    finally:
        if fd >= 0:
            os.close(fd)


def _aligned_header(array: np.ndarray) -> bytes:
    """The .npy (version 1.0) header of `array`, padded with spaces to 4096 bytes; numpy reads
    any header length up to 65535."""
    fields = np.lib.format.header_data_from_array_1_0(array)
    text = "{" + "".join(f"{key!r}: {value!r}, " for key, value in sorted(fields.items())) + "}"
    prefix = np.lib.format.magic(1, 0)
    room = _ALIGN - len(prefix) - 2 - 1                  # the length field, the final newline
    if len(text) > room:  # pragma: no cover - a shape of thousands of dimensions
        raise ValueError("array header too long for an aligned .npy header")
    body = (text + " " * (room - len(text)) + "\n").encode("latin1")
    return prefix + len(body).to_bytes(2, "little") + body


def _aligned_buffer(size: int) -> np.ndarray:
    """`size` bytes whose address is a multiple of 4096."""
    raw = np.empty(size + _ALIGN, dtype=np.uint8)
    skip = -raw.ctypes.data % _ALIGN
    return raw[skip: skip + size]


def crc32_of(array: np.ndarray) -> int:
    """The CRC-32 save_npy computed for the same array."""
    import zlib

    data = memoryview(np.ascontiguousarray(array).reshape(-1)).cast("B")
    crc = 0
    for start in range(0, len(data), _PIECE):
        crc = zlib.crc32(data[start: start + _PIECE], crc)
    return crc


class NpyReader:
    """Read slices of a 1-D .npy file with plain reads, not a memory map: the pages read do not
    stay in the reader's resident memory (a map's do, until the map is dropped), so a process
    that streams through files larger than its budget keeps to its budget."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            version = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, self.dtype = read_header(f)
            self._offset = f.tell()
        if len(shape) != 1 or fortran:
            raise ValueError(f"{self.path}: expected a 1-D array, found shape {shape}")
        self.length = shape[0]

    def __len__(self) -> int:
        return self.length

    def read(self, start: int, stop: int, out: np.ndarray | None = None) -> np.ndarray:
        """Entries start..stop-1 (into `out`, converted to its dtype, when given: read straight
        into it when it has the file's dtype). EOFError if the file is shorter than its header says."""
        n = max(stop - start, 0)
        straight = out is not None and out.dtype == self.dtype and out.flags.c_contiguous
        raw = out[:n] if straight else np.empty(n, self.dtype)
        with open(self.path, "rb") as f:
            f.seek(self._offset + start * self.dtype.itemsize)
            view = memoryview(raw).cast("B")
            if (f.readinto(view) or 0) < len(view):
                raise EOFError(f"{self.path}: shorter than its header says")
        if out is None:
            return raw
        if not straight:
            out[:n] = raw
        return out

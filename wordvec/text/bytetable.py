"""ByteTable: the numpy arrays of a hash table of byte strings (see wordvec._kernels.bytetable).

Counting tables hold every distinct token of a corpus, so their growth is planned for memory:
the slot array can be reserved up front at its largest size (`max_strings`) and rehashed in
place when it doubles, and the per-string arrays and the arena reserved the same way
(`max_arena`); numpy's zeroed arrays cost no memory until written, so reserving is free and
growth copies nothing.
"""

from __future__ import annotations

import mmap

import numpy as np

from .._kernels import bytetable as k


def _power_of_two_at_least(n: int) -> int:
    return 1 << max(int(n) - 1, 1).bit_length()


class ByteTable:
    """Distinct byte strings with an int64 value each, in insertion order."""

    def __init__(self, strings: int = 1 << 12, arena: int = 1 << 16, *, max_strings: int | None = None,
                 max_arena: int | None = None):
        slots = _power_of_two_at_least(strings * k.MAX_LOAD_DEN // k.MAX_LOAD_NUM + 1)
        reserve = strings if max_strings is None else max(strings, max_strings)
        self.slots = zeros(_power_of_two_at_least(reserve * k.MAX_LOAD_DEN // k.MAX_LOAD_NUM + 1), np.uint64)
        self.bounds = zeros(reserve + 2, np.int64)
        self.values = zeros(reserve + 1, np.int64)
        self.arena = zeros(max(arena, max_arena or 0, 16), np.uint8)
        self.sizes = np.array([0, 0, slots], np.int64)

    def __len__(self) -> int:
        return int(self.sizes[0])

    def arrays(self) -> tuple:
        """The arrays in the order the kernels take them (slots, bounds, values, arena, sizes)."""
        return self.slots, self.bounds, self.values, self.arena, self.sizes

    @property
    def nbytes_used(self) -> int:
        """Bytes the table's contents occupy (what a memory estimate should count)."""
        n = len(self)
        return 8 * int(self.sizes[2]) + 16 * n + int(self.sizes[1])

    def grow(self, status: int) -> None:
        """Make room after a kernel returned `status`."""
        n = len(self)
        if status == k.NEED_SLOTS:
            size = 2 * int(self.sizes[2])
            if size > self.slots.shape[0]:
                self.slots = zeros(size, np.uint64)
            self.sizes[2] = size
            k.rehash(self.slots, self.bounds, self.arena, self.sizes)
        elif status == k.NEED_TYPES:
            size = 2 * self.values.shape[0]
            self.bounds = _resized(self.bounds, size + 1, n + 1)
            self.values = _resized(self.values, size, n)
        elif status == k.NEED_ARENA:
            self.arena = _resized(self.arena, 2 * self.arena.shape[0], int(self.sizes[1]))
        else:  # pragma: no cover - kernel contract
            raise AssertionError(f"unknown table status {status}")

    def clear(self) -> None:
        """Empty the table, keeping its arrays."""
        self.slots[: int(self.sizes[2])] = 0
        self.sizes[0] = self.sizes[1] = 0

    def string(self, t: int) -> bytes:
        return self.arena[self.bounds[t]: self.bounds[t + 1]].tobytes()

    def add(self, bounds: np.ndarray, values: np.ndarray, arena: np.ndarray, rows: np.ndarray | None = None) -> None:
        """Add the values of strings laid out as a table's (bounds, values, arena), those at
        `rows` (default: all of `values`), adding the strings this table lacks."""
        rows = np.arange(len(values), dtype=np.int64) if rows is None else rows
        hashes, seen = np.empty(k.AHEAD, np.uint64), np.empty(k.AHEAD, np.int64)
        first = 0
        while first < len(rows):
            first, status = k.add_rows(bounds, values, arena, rows, first, hashes, seen, *self.arrays())
            if status != k.OK:
                self.grow(status)

    def merge(self, other: "ByteTable", rows: np.ndarray | None = None) -> None:
        """Add the strings of `other` (those at `rows`, default all) with their values."""
        self.add(other.bounds, other.values, other.arena,
                 np.arange(len(other), dtype=np.int64) if rows is None else rows)

    def group_by_shard(self, shard_bits: int) -> tuple[np.ndarray, np.ndarray]:
        """(order, starts): the strings of shard k (by hash) are order[starts[k]:starts[k+1]]."""
        return group_by_shard(self.bounds, self.arena, len(self), shard_bits)

    def find_all(self, bounds: np.ndarray, arena: np.ndarray) -> np.ndarray:
        """Ids of the strings laid out as (bounds, arena) in this table, -1 where absent."""
        out = np.empty(len(bounds) - 1, np.int64)
        k.find_all(bounds, arena, self.slots, self.bounds, self.arena, self.sizes, out)
        return out

    def keep(self, mask: np.ndarray) -> None:
        """Keep the strings where mask is True (in order) and forget the others."""
        k.compact(np.ascontiguousarray(mask, dtype=np.bool_), self.bounds, self.values, self.arena, self.sizes)
        k.rehash(self.slots, self.bounds, self.arena, self.sizes)

    def high_byte_mask(self) -> np.ndarray:
        """True for the strings holding a byte >= 0x80 (raw, not ASCII)."""
        out = np.empty(len(self), np.bool_)
        k.has_high_byte(self.bounds, self.arena, len(self), out)
        return out

    def extract(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bounds, values, arena) of the strings at `rows`, packed in that order."""
        rows = np.asarray(rows, np.int64)
        starts, ends = self.bounds[rows], self.bounds[rows + 1]
        lengths = ends - starts
        bounds = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=bounds[1:])
        arena = np.empty(int(bounds[-1]), np.uint8)
        k.gather(self.arena, starts, lengths, bounds, arena)
        return bounds, self.values[rows].copy(), arena

    @classmethod
    def from_strings(cls, strings: list[bytes], values: np.ndarray | None = None) -> "ByteTable":
        """A table of distinct strings with the given values (default: their positions)."""
        bounds, arena = pack(strings)
        table = cls(max(len(strings), 16), max(len(arena), 16))
        table.add(bounds, np.arange(len(strings), dtype=np.int64) if values is None
                  else np.asarray(values, np.int64), arena)
        if len(table) != len(strings):
            raise ValueError("duplicate strings")
        return table


def pack(strings: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(bounds, arena) of byte strings laid back to back."""
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    bounds = np.zeros(len(strings) + 1, np.int64)
    np.cumsum(lengths, out=bounds[1:])
    arena = np.frombuffer(b"".join(strings), dtype=np.uint8) if strings else np.zeros(0, np.uint8)
    return bounds, arena


def unpack(bounds: np.ndarray, arena: np.ndarray) -> list[bytes]:
    """The byte strings of (bounds, arena)."""
    blob = arena.tobytes()
    ends = bounds.tolist()
    return [blob[a:b] for a, b in zip(ends[:-1], ends[1:])]


def group_by_shard(bounds: np.ndarray, arena: np.ndarray, n: int, shard_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): strings 0..n-1 of (bounds, arena) by shard: order[starts[k]:starts[k+1]]."""
    order = np.empty(n, np.int64)
    starts = np.zeros((1 << shard_bits) + 1, np.int64)
    k.group_by_shard(bounds, arena, n, shard_bits, order, starts, np.empty(n, np.int64),
                     np.empty(1 << shard_bits, np.int64))
    return order, starts


def zeros(n: int, dtype) -> np.ndarray:
    """A zeroed array whose memory is taken page by page as it is written.

    Large arrays get their own anonymous map, in 4 KiB pages: numpy asks for 2 MiB huge pages
    on arrays of 4 MiB and more, and a table reserved at its largest size but written only in
    part would then hold up to 2 MiB more per array than it uses (tens of MiB over the shards).
    """
    nbytes = int(n) * np.dtype(dtype).itemsize
    if nbytes < 1 << 20:
        return np.zeros(n, dtype)
    return np.frombuffer(mmap.mmap(-1, nbytes), dtype=dtype, count=int(n))


def _resized(array: np.ndarray, size: int, used: int) -> np.ndarray:
    new = zeros(size, array.dtype)
    new[:used] = array[:used]
    return new


"""The byte-string hash table in plain Python: a dict in insertion order, and the hash computed
with Python integers. The oracle for wordvec._kernels.bytetable."""

from __future__ import annotations

_MASK = (1 << 64) - 1
_SEED, _MUL1, _MUL2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def hash_bytes(data: bytes) -> int:
    """The kernel's hash: 8-byte little-endian words xored in and mixed, then a final mix."""
    h = _SEED ^ len(data)
    for start in range(0, len(data) - len(data) % 8, 8):
        h = ((h ^ int.from_bytes(data[start:start + 8], "little")) * _MUL1) & _MASK
        h ^= h >> 31
    tail = data[len(data) - len(data) % 8:]
    h = ((h ^ int.from_bytes(tail, "little")) * _MUL1) & _MASK
    h ^= h >> 30
    h = (h * _MUL2) & _MASK
    return h ^ (h >> 31)


def shard_of(data: bytes, shard_bits: int) -> int:
    return (hash_bytes(data) >> 32) & ((1 << shard_bits) - 1)


class DictTable:
    """Strings in insertion order with a value each."""

    def __init__(self):
        self.values: dict[bytes, int] = {}

    def add(self, key: bytes, value: int) -> None:
        self.values[key] = self.values.get(key, 0) + value

    def keep(self, predicate) -> None:
        self.values = {k: v for k, v in self.values.items() if predicate(k, v)}

    def items(self) -> list[tuple[bytes, int]]:
        return list(self.values.items())

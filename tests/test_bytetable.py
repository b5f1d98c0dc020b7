"""The byte-string hash table against a dict: interning, growth, merging, pruning, shards."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tests.reference.bytetable import DictTable, hash_bytes, shard_of
from wordvec.text.bytetable import ByteTable, pack, unpack


def _items(table: ByteTable) -> list[tuple[bytes, int]]:
    n = len(table)
    return list(zip(unpack(table.bounds[: n + 1], table.arena[: int(table.sizes[1])]), table.values[:n].tolist()))


def _random_strings(rng: random.Random, n: int) -> list[bytes]:
    alphabet = b"abcdefghij\x00\xff\xc3\xa9 ."
    return [bytes(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 2, 3, 7, 8, 9, 16, 40])))
            for _ in range(n)]


def test_hash_matches_the_python_reference():
    from wordvec._kernels.bytetable import hash_bytes as kernel_hash

    identity = np.arange(256, dtype=np.uint8)
    for data in (b"", b"a", b"the", b"abcdefgh", b"abcdefghi", bytes(range(256)), "日本語".encode()):
        array = np.frombuffer(data, np.uint8) if data else np.zeros(0, np.uint8)
        assert int(kernel_hash(array, 0, len(data), identity)) == hash_bytes(data)


def test_adding_from_tiny_tables_grows_and_equals_a_dict():
    rng = random.Random(5)
    table = ByteTable(2, 16)          # every structure has to grow several times
    reference = DictTable()
    for _ in range(20):
        strings = _random_strings(rng, 300)
        values = [rng.randrange(1, 5) for _ in strings]
        batch = DictTable()
        for s, v in zip(strings, values):
            batch.add(s, v)
            reference.add(s, v)
        keys = [k for k, _ in batch.items()]
        bounds, arena = pack(keys)
        table.add(bounds, np.array([v for _, v in batch.items()], np.int64), arena)
    assert _items(table) == reference.items()    # same strings, values and insertion order
    found = table.find_all(*pack([k for k, _ in reference.items()] + [b"never seen"]))
    assert found.tolist() == list(range(len(reference.items()))) + [-1]


def test_merge_of_selected_rows_keep_and_shards():
    rng = random.Random(9)
    block = ByteTable(4, 16)
    strings = list(dict.fromkeys(_random_strings(rng, 2000)))
    block.add(*_pack_with_values(strings, rng))
    order, starts = block.group_by_shard(3)
    shards = [ByteTable(4, 16) for _ in range(8)]
    for k, shard in enumerate(shards):
        rows = order[starts[k]:starts[k + 1]]
        shard.merge(block, rows)
        assert all(shard_of(s, 3) == k for s, _ in _items(shard))
    merged = sorted(item for shard in shards for item in _items(shard))
    assert merged == sorted(_items(block))
    # within a shard, strings keep the block's order
    positions = {s: i for i, (s, _) in enumerate(_items(block))}
    for shard in shards:
        assert [positions[s] for s, _ in _items(shard)] == sorted(positions[s] for s, _ in _items(shard))
    expected = [(s, v) for s, v in _items(block) if v > 2]
    block.keep(block.values[: len(block)] > 2)
    assert _items(block) == expected
    assert block.find_all(*pack([s for s, _ in expected])).tolist() == list(range(len(expected)))


def _pack_with_values(strings, rng):
    bounds, arena = pack(strings)
    return bounds, np.array([rng.randrange(1, 6) for _ in strings], np.int64), arena


def test_extract_high_bytes_and_duplicates():
    table = ByteTable.from_strings([b"plain", "caf\u00e9".encode(), b"x\xff", b""], [5, 6, 7, 8])
    assert table.high_byte_mask().tolist() == [False, True, True, False]
    bounds, values, arena = table.extract(np.array([2, 0]))
    assert unpack(bounds, arena) == [b"x\xff", b"plain"] and values.tolist() == [7, 5]
    with pytest.raises(ValueError, match="duplicate"):
        ByteTable.from_strings([b"a", b"a"])

"""A hash table of byte strings with an int64 value each (a count, or a vocabulary row).

Layout, all owned by Python (wordvec.text.bytetable.ByteTable), so no kernel allocates:

  slots   uint64[>= S]  open addressing with linear probing over the first S entries (S, a power
                        of two, is sizes[2]); 0 = empty, else the hash's upper 32 bits packed with
                        string id + 1 in the lower 32, so most probes touch one word
  bounds  int64[T+1]    string t is arena[bounds[t]:bounds[t+1]] (strings lie back to back)
  values  int64[T]      the value of each string
  arena   uint8[A]      the bytes of all strings
  sizes   int64[3]      [number of strings, arena bytes used, S]

Keys may be transformed on the way in by a 256-entry byte map (`fold`: ASCII lowercasing, or the
IDENTITY), so a token is looked up or stored lowercased without being copied first. Kernels stop
with a status when a structure is full; Python grows it and calls again.
"""

import numpy as np

from .jit import inline, kernel
from .prefetch import prefetch_item

OK = 0
NEED_SLOTS = 1   # more than MAX_LOAD of the S slots would be used: double S
NEED_TYPES = 2   # bounds/values full
NEED_ARENA = 3   # arena full

MAX_LOAD_NUM, MAX_LOAD_DEN = 7, 10   # linear probing stays short below 70 % occupancy

IDENTITY = np.arange(256, dtype=np.uint8)   # the byte map that changes nothing (a constant)
_SEED = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_HIGH = np.uint64(0xFFFFFFFF00000000)
_LOW = np.uint64(0xFFFFFFFF)


@inline
def hash_bytes(buf, start, length, fold):
    """A hash of the folded bytes, eight at a time: each 8-byte word is xored in and mixed by a
    multiply and a shift; a final mix (splitmix64's) spreads every input bit over the low bits
    (the slot) and the high bits (the tag)."""
    h = _SEED ^ np.uint64(length)
    word = np.uint64(0)
    shift = np.uint64(0)
    for i in range(start, start + length):
        word |= np.uint64(fold[buf[i]]) << shift
        shift += np.uint64(8)
        if shift == np.uint64(64):
            h = (h ^ word) * _MUL1
            h ^= h >> np.uint64(31)
            word = np.uint64(0)
            shift = np.uint64(0)
    h = (h ^ word) * _MUL1
    h ^= h >> np.uint64(30)
    h *= _MUL2
    return h ^ (h >> np.uint64(31))


@inline
def _probe(buf, start, length, h, fold, slots, bounds, arena, mask):
    """(slot position, string id or -1): where the folded key is, or the empty slot it would take."""
    tag = h & _HIGH
    pos = h & mask
    while True:
        entry = slots[pos]
        if entry == 0:
            return pos, -1
        if (entry & _HIGH) == tag:
            t = np.int64(entry & _LOW) - 1
            s = bounds[t]
            if bounds[t + 1] - s == length:
                same = True
                for i in range(length):
                    if arena[s + i] != fold[buf[start + i]]:
                        same = False
                        break
                if same:
                    return pos, t
        pos = (pos + np.uint64(1)) & mask


@inline
def find(buf, start, length, fold, slots, bounds, arena, sizes):
    """Id of the folded key buf[start:start+length], or -1."""
    return find_hashed(buf, start, length, hash_bytes(buf, start, length, fold), fold, slots, bounds, arena, sizes)


@inline
def find_hashed(buf, start, length, h, fold, slots, bounds, arena, sizes):
    """find() with the key's hash already computed."""
    return _probe(buf, start, length, h, fold, slots, bounds, arena, np.uint64(sizes[2] - 1))[1]


@inline
def intern(buf, start, length, fold, slots, bounds, values, arena, sizes):
    """Id of the folded key, added with value 0 if new; -status if a structure is full."""
    return intern_hashed(buf, start, length, hash_bytes(buf, start, length, fold), fold,
                         slots, bounds, values, arena, sizes)


@inline
def intern_hashed(buf, start, length, h, fold, slots, bounds, values, arena, sizes):
    """intern() with the key's hash already computed."""
    pos, t = _probe(buf, start, length, h, fold, slots, bounds, arena, np.uint64(sizes[2] - 1))
    if t >= 0:
        return t
    n = sizes[0]
    if (n + 1) * MAX_LOAD_DEN > sizes[2] * MAX_LOAD_NUM:
        return -NEED_SLOTS
    if n + 1 >= bounds.shape[0] or n >= values.shape[0]:
        return -NEED_TYPES
    used = sizes[1]
    if used + length > arena.shape[0]:
        return -NEED_ARENA
    for i in range(length):
        arena[used + i] = fold[buf[start + i]]
    bounds[n + 1] = used + length
    values[n] = 0
    slots[pos] = (h & _HIGH) | np.uint64(n + 1)
    sizes[0] = n + 1
    sizes[1] = used + length
    return n


@kernel
def rehash(slots, bounds, arena, sizes):
    """Refill the first sizes[2] slots from the stored strings (after growing S or compacting)."""
    size = sizes[2]
    mask = np.uint64(size - 1)
    slots[:size] = 0
    for t in range(sizes[0]):
        s = bounds[t]
        h = hash_bytes(arena, s, bounds[t + 1] - s, IDENTITY)
        pos = h & mask
        while slots[pos] != 0:
            pos = (pos + np.uint64(1)) & mask
        slots[pos] = (h & _HIGH) | np.uint64(t + 1)


AHEAD = 16   # merge: rows hashed (and their slot prefetched) this many steps ahead


@kernel
def add_rows(src_bounds, src_values, src_arena, rows, first, hashes, seen,
             slots, bounds, values, arena, sizes):
    """Add the values of strings rows[first:] of another table (or of plain arrays laid out the
    same way) into this one, adding the strings it lacks. Returns (next index into rows,
    status): merging stopped there because a structure is full (status) or at the end (OK).

    Most strings of a block are rare words whose slot, bounds and bytes in a large table are
    cache misses, so the loads are started ahead, in three steps: the slot of the row AHEAD
    rows on, the bounds and value of what that slot held half as far on, and the bytes a
    quarter as far on (`hashes` and `seen`, AHEAD entries each, keep them meanwhile). The hints
    change speed only, never the result.
    """
    n = rows.shape[0]
    mask = np.uint64(sizes[2] - 1)
    seen[:] = -1   # the string id the slot of a row ahead held
    for j in range(first, min(first + AHEAD, n)):
        t = rows[j]
        hashes[j % AHEAD] = hash_bytes(src_arena, src_bounds[t], src_bounds[t + 1] - src_bounds[t], IDENTITY)
        prefetch_item(slots, hashes[j % AHEAD] & mask)
    for i in range(first, n):
        h = hashes[i % AHEAD]
        j = i + AHEAD // 2
        if j < n:
            entry = slots[hashes[j % AHEAD] & mask]
            if entry != 0:
                u = np.int64(entry & _LOW) - 1
                seen[j % AHEAD] = u
                prefetch_item(bounds, u)
                prefetch_item(values, u)
        j = i + AHEAD // 4
        if j < n and seen[j % AHEAD] >= 0:
            prefetch_item(arena, bounds[seen[j % AHEAD]])
        seen[i % AHEAD] = -1
        t = rows[i]
        s = src_bounds[t]
        u = intern_hashed(src_arena, s, src_bounds[t + 1] - s, h, IDENTITY, slots, bounds, values, arena, sizes)
        if u < 0:
            return i, -u
        values[u] += src_values[t]
        j = i + AHEAD
        if j < n:
            t = rows[j]
            hashes[j % AHEAD] = hash_bytes(src_arena, src_bounds[t], src_bounds[t + 1] - src_bounds[t], IDENTITY)
            prefetch_item(slots, hashes[j % AHEAD] & mask)
    return n, OK


@kernel
def group_by_shard(bounds, arena, n, shard_bits, order, starts, shard, fill):
    """Order strings 0..n-1 by shard (bits 32.. of their hash, `shard_bits` of them), keeping
    their order within a shard: shard k's strings are order[starts[k]:starts[k+1]]. `shard`
    (n entries) and `fill` (one per shard) are scratch."""
    mask = np.uint64((1 << shard_bits) - 1)
    starts[:] = 0
    for t in range(n):
        s = bounds[t]
        k = np.int64((hash_bytes(arena, s, bounds[t + 1] - s, IDENTITY) >> np.uint64(32)) & mask)
        shard[t] = k
        starts[k + 1] += 1
    for k in range(starts.shape[0] - 1):
        starts[k + 1] += starts[k]
    for k in range(fill.shape[0]):
        fill[k] = starts[k]
    for t in range(n):
        order[fill[shard[t]]] = t
        fill[shard[t]] += 1


@kernel
def find_all(src_bounds, src_arena, slots, bounds, arena, sizes, out):
    """out[t] = id of string t of `src` in this table, or -1 (a batch of lookups)."""
    for t in range(out.shape[0]):
        s = src_bounds[t]
        out[t] = find(src_arena, s, src_bounds[t + 1] - s, IDENTITY, slots, bounds, arena, sizes)


@kernel
def compact(keep, bounds, values, arena, sizes):
    """Keep only the strings where keep is True, in order, packing arrays and arena in place.
    The slots must be rebuilt with rehash afterwards."""
    n = sizes[0]
    new = 0
    used = 0
    for t in range(n):
        if keep[t]:
            s = bounds[t]
            e = bounds[t + 1]
            for k in range(e - s):
                arena[used + k] = arena[s + k]
            used += e - s
            values[new] = values[t]
            new += 1
            bounds[new] = used
    sizes[0] = new
    sizes[1] = used


@kernel
def has_high_byte(bounds, arena, n, out):
    """out[t] = True when string t holds a byte >= 0x80 (not ASCII)."""
    for t in range(n):
        high = 0
        for i in range(bounds[t], bounds[t + 1]):
            high |= arena[i]
        out[t] = high >= 0x80


@kernel
def gather(src, starts, lengths, bounds, out):
    """out[bounds[i]:bounds[i+1]] = src[starts[i]:starts[i]+lengths[i]] for every i."""
    for i in range(starts.shape[0]):
        o = bounds[i]
        s = starts[i]
        for j in range(lengths[i]):
            out[o + j] = src[s + j]


@kernel
def leading_bytes(bounds, arena, rows, out):
    """out[i] = the first 8 bytes of string rows[i] as a big-endian number (zero-padded), so that
    numbers compare as the strings' beginnings do."""
    for i in range(rows.shape[0]):
        s = bounds[rows[i]]
        n = min(bounds[rows[i] + 1] - s, 8)
        v = np.uint64(0)
        for j in range(8):
            v = v << np.uint64(8)
            if j < n:
                v |= np.uint64(arena[s + j])
        out[i] = v


@kernel
def intern_all(src_bounds, src_arena, first, slots, bounds, values, arena, sizes, out):
    """Ids of strings first.. of (src_bounds, src_arena), each added (value 0) if new, into
    out. Returns (next string, status): stopped there because a structure is full, or OK."""
    n = src_bounds.shape[0] - 1
    for t in range(first, n):
        s = src_bounds[t]
        u = intern(src_arena, s, src_bounds[t + 1] - s, IDENTITY, slots, bounds, values, arena, sizes)
        if u < 0:
            return t, -u
        out[t] = u
    return n, OK

"""Byte-level tokenizer kernels: split a UTF-8 block on ASCII whitespace and intern each token.

The table interns raw token bytes (before lowercasing or punctuation stripping, which Python
applies once per distinct type rather than once per token). Layout, all owned by Python:

  slots   uint64[S]  open addressing, S a power of two; 0 = empty, else the hash's upper 32 bits
                     packed with type id + 1 in the lower 32, so most probes touch one word
  starts  int64[T]   offset of each type's bytes in `arena`
  lengths int32[T]   byte length of each type
  counts  int64[T]   occurrences
  arena   uint8[A]   the bytes of all types, back to back
  sizes   int64[2]   [number of types, arena bytes used]

Kernels stop early with a status when a structure is full; Python grows it and calls again
from the returned position, so no kernel ever allocates.
"""

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

from .bytecopy import load_8_bytes
from .jit import inline, kernel
from .prefetch import prefetch_item
from .rng import MIX1, MIX2

OK = 0
NEED_SLOTS = 1   # load factor above 1/2: double `slots`
NEED_TYPES = 2   # per-type arrays full
NEED_ARENA = 3   # arena full

NEWLINE = -1     # marker emitted into the token stream at each newline

_SEED = np.uint64(0xCBF29CE484222325)     # the hash's start, and its per-word multiplier
_MIX = np.uint64(0x9E3779B97F4A7C15)
_HIGH = np.uint64(0xFFFFFFFF00000000)     # a slot: the hash's upper half, then type id + 1
_LOW = np.uint64(0xFFFFFFFF)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_ONES = np.uint64(0x0101010101010101)     # 8 bytes at a time: each byte's lowest, highest,
_HIGHS = np.uint64(0x8080808080808080)    # and other bits
_SEVENS = np.uint64(0x7F7F7F7F7F7F7F7F)


@inline
def _is_space(b):
    # space, \t \n \v \f \r, and NUL (binary junk inside text is treated as a separator)
    return b == 32 or (9 <= b <= 13) or b == 0


@inline
def _utf8_cut(buf, start, length):
    """Shorten `length` so the token does not end inside a multi-byte UTF-8 character."""
    end = start + length
    # step back over continuation bytes (10xxxxxx) to the lead byte of the last character
    k = end
    while k > start and (buf[k - 1] & 0xC0) == 0x80:
        k -= 1
    if k > start:
        lead = buf[k - 1]
        need = 1  # ASCII, or a stray continuation byte
        if lead >= 0xF0:
            need = 4
        elif lead >= 0xE0:
            need = 3
        elif lead >= 0xC0:
            need = 2
        if end - (k - 1) < need:  # last character incomplete: drop it
            return k - 1 - start
    return length


@inline
def _zero_bytes(y):
    """High bit set in each byte of y that is 0 (exact: no carry crosses bytes)."""
    return ~(((y & _SEVENS) + _SEVENS) | y) & _HIGHS


@inline
def _space_bytes(w):
    """High bit set in each byte of w that _is_space (bytes >= 0x80 never are)."""
    ge9 = ((w | _HIGHS) - np.uint64(9) * _ONES) & _HIGHS
    ge14 = ((w | _HIGHS) - np.uint64(14) * _ONES) & _HIGHS
    return _zero_bytes(w) | _zero_bytes(w ^ (np.uint64(32) * _ONES)) | (ge9 & ~ge14 & ~w & _HIGHS)


@inline
def _mix(h, word):
    h = (h ^ word) * _MIX
    return h ^ (h >> np.uint64(29))


@inline
def _finish(h, length):
    """The length mixed in, then splitmix64's finaliser, so the low bits (the slot) are mixed."""
    h = h ^ np.uint64(length)
    h = (h ^ (h >> np.uint64(30))) * MIX1
    h = (h ^ (h >> np.uint64(27))) * MIX2
    return h ^ (h >> np.uint64(31))


@inline
def _low_bytes(n):
    return _ALL >> np.uint64(64 - 8 * n)


@inline
def _partial_word(buf, i, n):
    """buf[i:i + n] (1 <= n <= 8) as a little-endian uint64, zero above."""
    if i + 8 <= buf.shape[0]:
        return load_8_bytes(buf, i) & _low_bytes(n)
    w = np.uint64(0)
    for k in range(n):
        w |= np.uint64(buf[i + k]) << np.uint64(8 * k)
    return w


@inline
def _hash(buf, start, length):
    """The token's hash: its bytes 8 at a time (little-endian words, the last one zero-padded),
    mixed, then its length; scan_block computes the same while it looks for the token's end."""
    h = _SEED
    i = start
    end = start + length
    while i + 8 <= end:
        h = _mix(h, load_8_bytes(buf, i))
        i += 8
    if i < end:
        h = _mix(h, _partial_word(buf, i, end - i))
    return _finish(h, length)


@kernel
def intern_token(buf, start, length, slots, starts, lengths, counts, arena, sizes):
    """Type id of buf[start:start+length], adding it if new; a negative status if a structure is full."""
    return _intern_hashed(buf, start, length, _hash(buf, start, length), slots, starts, lengths, counts, arena, sizes)


@inline
def _intern_hashed(buf, start, length, h, slots, starts, lengths, counts, arena, sizes):
    """intern_token with the token's _hash already known (scan_block computes it while it looks
    for the token's end, so each byte is read once)."""
    tag = h & _HIGH
    mask = np.uint64(slots.shape[0] - 1)
    pos = h & mask
    while True:
        entry = slots[pos]
        if entry == 0:
            break
        if (entry & _HIGH) == tag:
            t = np.int64(entry & _LOW) - 1
            if lengths[t] == length:
                s = starts[t]
                if length <= 8 and s + 8 <= arena.shape[0] and start + 8 <= buf.shape[0]:
                    if ((load_8_bytes(arena, s) ^ load_8_bytes(buf, start)) & _low_bytes(length)) == 0:
                        return t
                else:
                    same = True
                    for i in range(length):
                        if arena[s + i] != buf[start + i]:
                            same = False
                            break
                    if same:
                        return t
        pos = (pos + np.uint64(1)) & mask
    # a new type
    n = sizes[0]
    if 2 * (n + 1) > slots.shape[0]:
        return -NEED_SLOTS
    if n >= starts.shape[0]:
        return -NEED_TYPES
    used = sizes[1]
    if used + length > arena.shape[0]:
        return -NEED_ARENA
    for i in range(length):
        arena[used + i] = buf[start + i]
    starts[n] = used
    lengths[n] = length
    counts[n] = 0
    slots[pos] = tag | np.uint64(n + 1)
    sizes[0] = n + 1
    sizes[1] = used + length
    return n


_BATCH = 32    # tokens found before any is looked up: their slots load while the others are found


def batch_records() -> np.ndarray:
    """scan_block's scratch: where each token of a batch starts, its length (-1: a newline),
    its hash and whether it was cut (kernels without NRT cannot allocate it themselves)."""
    return np.empty((4, _BATCH), dtype=np.int64)


@kernel
def scan_block(buf, begin, end, final, skipping, max_token_bytes,
               slots, starts, lengths, counts, arena, sizes,
               emit, out, out_used, records):
    """Tokenize buf[begin:end]; count every token and, if `emit`, append type ids and NEWLINE
    markers to `out`.

    Returns (position, status, skipping, out_used, tokens, cut): scanning stopped at `position`
    (the start of an unfinished last token when not `final`, or where a structure or `out`
    filled up); `skipping` is True inside an over-long token whose kept prefix was already
    counted; `cut` counts tokens shortened to max_token_bytes.

    Tokens are found _BATCH at a time (bounds and hash), each one's home slot prefetched, and
    only then looked up in order: on a table larger than the caches the lookups' misses
    overlap instead of following one another. `records` is batch_records()'s scratch. Compiled
    without NRT (jit.py): with it, passing the table's arrays to the inlined lookup cost
    reference counting on every token (20M tokens: 0.94 s with, 0.66 s without).
    """
    rec_pos = records[0]       # where the record starts in buf
    rec_len = records[1]       # token bytes kept, or -1 for a newline
    rec_hash = records[2]      # the hash's bits
    rec_cut = records[3]       # 1: the token was cut to max_token_bytes
    mask = np.int64(slots.shape[0] - 1)
    i = begin
    tokens = 0
    cut = 0
    while True:
        n = 0
        unfinished = False
        while n < _BATCH and i < end:
            b = buf[i]
            if _is_space(b):
                if b == 10:
                    if emit:
                        rec_pos[n] = i
                        rec_len[n] = -1
                        n += 1
                    skipping = False
                elif skipping:
                    skipping = False
                i += 1
                continue
            if skipping:
                i += 1
                continue
            # find the end of this token, hashing its bytes on the way (as _hash): 8 at a time
            # while 8 are inside the block and the cap, then one by one
            j = i
            limit = min(end, i + max_token_bytes)
            h = _SEED
            found = False
            while j + 8 <= limit:
                w = load_8_bytes(buf, j)
                spaces = _space_bytes(w)
                if spaces != 0:
                    k = np.int64(trailing_zeros(spaces)) >> 3
                    if k > 0:
                        h = _mix(h, w & _low_bytes(k))
                    j += k
                    found = True
                    break
                h = _mix(h, w)
                j += 8
            if not found:           # fewer than 8 bytes left before the block's end or the cap
                tail = j
                while j < limit and not _is_space(buf[j]):
                    j += 1
                if j > tail:
                    h = _mix(h, _partial_word(buf, tail, j - tail))
            cap = i + max_token_bytes
            overlong = j == cap and j < end and not _is_space(buf[j])
            if j == end and not final and not overlong:
                unfinished = True  # Python carries it over to the next block
                break
            length = j - i
            h = _finish(h, length)
            if overlong:
                length = _utf8_cut(buf, i, length)
                if length == 0:
                    length = j - i
                h = _hash(buf, i, length)
                skipping = True
            prefetch_item(slots, np.int64(h) & mask)
            rec_pos[n] = i
            rec_len[n] = length
            rec_hash[n] = np.int64(h)
            rec_cut[n] = overlong
            n += 1
            i = j
        for k in range(n):
            # a record starts after a separator, so nothing is being skipped where it starts
            if emit and out_used >= out.shape[0]:
                return rec_pos[k], OK, False, out_used, tokens, cut
            if rec_len[k] < 0:
                out[out_used] = NEWLINE
                out_used += 1
                continue
            t = _intern_hashed(buf, rec_pos[k], rec_len[k], np.uint64(rec_hash[k]), slots, starts, lengths, counts, arena,
                               sizes)
            if t < 0:
                return rec_pos[k], -t, False, out_used, tokens, cut
            counts[t] += 1
            tokens += 1
            if emit:
                out[out_used] = t
                out_used += 1
            cut += rec_cut[k]
        if unfinished or i >= end:
            return i, OK, skipping, out_used, tokens, cut


@kernel
def rehash(slots, starts, lengths, arena, n_types):
    """Refill an emptied or resized `slots` from the stored types (hashes are recomputed)."""
    mask = np.uint64(slots.shape[0] - 1)
    slots[:] = 0
    for t in range(n_types):
        h = _hash(arena, starts[t], lengths[t])
        pos = h & mask
        while slots[pos] != 0:
            pos = (pos + np.uint64(1)) & mask
        slots[pos] = (h & _HIGH) | np.uint64(t + 1)


@njit(nogil=True, cache=True)
def compact(keep, starts, lengths, counts, arena, sizes):
    """Drop the types where keep is False (word2vec's ReduceVocab), packing arrays and arena in place.

    Returns the old→new id map (-1 for dropped). `slots` must be rebuilt with rehash afterwards.
    """
    n = sizes[0]
    remap = np.full(n, -1, dtype=np.int64)
    new = 0
    used = 0
    for t in range(n):
        if keep[t]:
            s = starts[t]
            ln = lengths[t]
            for k in range(ln):
                arena[used + k] = arena[s + k]
            starts[new] = used
            lengths[new] = ln
            counts[new] = counts[t]
            remap[t] = new
            used += ln
            new += 1
    sizes[0] = new
    sizes[1] = used
    return remap

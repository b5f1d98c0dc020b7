"""Block kernels of the counting and encoding passes (wordvec.text.blocks, counting, encoding):
split a block of UTF-8 text on ASCII whitespace, then count the tokens (`count_block`) or turn
them into vocabulary rows (`encode_block`). (_kernels/tokenize.py has the older single-table
scanner the phrase passes use.)

A block is cut by Python so that no token crosses its end (wordvec.text.blocks), except inside
an over-long token, whose tail the next block skips (`skipping`). Per byte, `cls` says 0 (token
byte), 1 (whitespace) or 2 (newline). A token is cut to max_token_bytes at a UTF-8 character
boundary.

Normalisation happens here for ASCII tokens, the common case: `strip` marks the ASCII
punctuation removed from token edges (words mode; all False in raw mode) and `fold` maps bytes
(A-Z to a-z when lowercasing). A token holding any byte >= 0x80 is kept raw: its Unicode
normalisation runs in Python once per distinct raw token. In a counting table the two kinds
never collide: normalised ASCII words have no byte >= 0x80, raw tokens have one.
"""

import numpy as np

from .bytetable import OK, find_hashed, hash_bytes, intern
from .jit import inline, kernel
from .prefetch import prefetch_item
from .tokenize import NEWLINE, _utf8_cut  # noqa: F401 - NEWLINE: the stream's line-end marker, shared

NEED_OUT = 4        # the output stream is full
SPACE, BREAK = 1, 2


@inline
def _token(buf, i, end, cap, cls):
    """(length, overlong, ascii) of the token starting at i (a token byte)."""
    j = i
    limit = min(i + cap, end)
    high = 0
    while j < limit and cls[buf[j]] == 0:
        high |= buf[j]
        j += 1
    length = j - i
    overlong = j == i + cap and j < end and cls[buf[j]] == 0
    if overlong and high >= 0x80:
        cut = _utf8_cut(buf, i, length)
        if cut > 0:
            length = cut
            high = 0
            for k in range(i, i + length):
                high |= buf[k]
    return length, overlong, high < 0x80


@inline
def _skip_to_token(buf, i, end, skipping, cls):
    """Advance over whitespace, and over the rest of an over-long token being skipped.
    Returns (start of the next token or `end`, skipping, how many newlines were passed)."""
    newlines = 0
    while i < end:
        c = cls[buf[i]]
        if c != 0:
            skipping = False
            newlines += c == BREAK
        elif not skipping:
            break
        i += 1
    return i, skipping, newlines


@inline
def _line_ends(out, used, newlines, keep_empty):
    """`used` after writing a NEWLINE at out[used] for each of `newlines` line ends (without
    `keep_empty`, one at most, and none right after another), or -1 when `out` is full."""
    if not keep_empty:
        if newlines == 0 or (used > 0 and out[used - 1] == NEWLINE):
            return used
        newlines = 1
    if used + newlines > out.shape[0]:
        return -1
    for _ in range(newlines):
        out[used] = NEWLINE
        used += 1
    return used


@inline
def _key(buf, i, end, cap, cls, fold, strip):
    """(length, overlong, ascii, start, length, hash) of the token at i: for an ASCII token, where
    its word lies once stripped and the hash of its folded bytes (0 when nothing is left)."""
    length, overlong, ascii = _token(buf, i, end, cap, cls)
    a, n = i, length
    h = np.uint64(0)
    if ascii:
        a, n = _stripped(buf, i, length, strip)
        if n > 0:
            h = hash_bytes(buf, a, n, fold)
    return length, overlong, ascii, a, n, h


@inline
def _stripped(buf, i, length, strip):
    """(start, length) of the token without the ASCII punctuation at its edges."""
    a = i
    b = i + length
    while a < b and strip[buf[a]]:
        a += 1
    while b > a and strip[buf[b - 1]]:
        b -= 1
    return a, b - a


@kernel
def count_block(buf, begin, end, skipping, cap, cls, fold, strip, identity,
                slots, bounds, values, arena, sizes):
    """Count the tokens of buf[begin:end] into the table (ASCII ones normalised, others raw).

    Returns (position, status, skipping, tokens, cut): a status other than OK means a structure
    filled up at `position` (the token there is not counted yet); `cut` counts tokens shortened
    to `cap` bytes.
    """
    i = begin
    tokens = 0
    cut = 0
    while True:
        i, skipping, _ = _skip_to_token(buf, i, end, skipping, cls)
        if i >= end:
            break
        length, overlong, ascii = _token(buf, i, end, cap, cls)
        if ascii:
            a, n = _stripped(buf, i, length, strip)
            if n > 0:  # else punctuation only: a token without a word
                t = intern(buf, a, n, fold, slots, bounds, values, arena, sizes)
                if t < 0:
                    return i, -t, skipping, tokens, cut
                values[t] += 1
        else:
            t = intern(buf, i, length, identity, slots, bounds, values, arena, sizes)
            if t < 0:
                return i, -t, skipping, tokens, cut
            values[t] += 1
        tokens += 1
        if overlong:
            cut += 1
            skipping = True  # the rest of the token, up to the next whitespace, is skipped
        i += length
    return end, OK, skipping, tokens, cut


@kernel
def encode_block(buf, begin, end, skipping, cap, cls, fold, strip, identity,
                 v_slots, v_bounds, v_arena, v_sizes,
                 r_slots, r_bounds, r_values, r_arena, r_sizes, resolved, map_start, map_ids,
                 out, used, keep_empty):
    """Write the vocabulary rows of the tokens of buf[begin:end] to `out` from index `used`.

    ASCII tokens are normalised and looked up in the vocabulary table (v_*); out-of-vocabulary
    ones vanish. A raw token is interned in the thread's raw table (r_*): if Python already
    resolved it (id < resolved), its rows map_ids[map_start[t]:map_start[t+1]] are copied, else
    the marker -(2 + id) is written for Python to resolve and `expand_markers` to replace. A
    newline writes NEWLINE (once for a run of empty lines, unless `keep_empty`).

    Returns (position, status, skipping, used, tokens, markers).

    The next token is found, hashed and its vocabulary slot prefetched before the current one
    is looked up, so the (often missed) slot load overlaps the current token's work.
    """
    tokens = 0
    markers = 0
    capacity = out.shape[0]
    mask = np.uint64(v_sizes[2] - 1)
    i, next_skipping, newlines = _skip_to_token(buf, begin, end, skipping, cls)
    marked = _line_ends(out, used, newlines, keep_empty)
    if marked < 0:
        return begin, NEED_OUT, skipping, used, tokens, markers
    used = marked
    skipping = next_skipping
    if i >= end:
        return end, OK, skipping, used, tokens, markers
    length, overlong, ascii, a, n, h = _key(buf, i, end, cap, cls, fold, strip)
    while True:
        after = i + length  # the next token, hashed now, its slot loading while this one is looked up
        j, next_skipping, newlines = _skip_to_token(buf, after, end, overlong, cls)
        if j < end:
            next_length, next_overlong, next_ascii, next_a, next_n, next_h = _key(buf, j, end, cap, cls, fold, strip)
            if next_ascii and next_n > 0:
                prefetch_item(v_slots, next_h & mask)
        if used >= capacity:
            return i, NEED_OUT, False, used, tokens, markers
        if ascii:
            if n > 0:
                row = find_hashed(buf, a, n, h, fold, v_slots, v_bounds, v_arena, v_sizes)
                if row >= 0:
                    out[used] = row
                    used += 1
        else:
            t = intern(buf, i, length, identity, r_slots, r_bounds, r_values, r_arena, r_sizes)
            if t < 0:
                return i, -t, False, used, tokens, markers
            if t < resolved:
                first = map_start[t]
                stop = map_start[t + 1]
                if used + (stop - first) > capacity:
                    return i, NEED_OUT, False, used, tokens, markers
                for k in range(first, stop):
                    out[used] = map_ids[k]
                    used += 1
            else:
                out[used] = -2 - t
                used += 1
                markers += 1
        tokens += 1
        marked = _line_ends(out, used, newlines, keep_empty)
        if marked < 0:
            return after, NEED_OUT, overlong, used, tokens, markers
        used = marked
        if j >= end:
            return end, OK, next_skipping, used, tokens, markers
        i, length, overlong, ascii, a, n, h = j, next_length, next_overlong, next_ascii, next_a, next_n, next_h


@kernel
def expand_markers(stream, n, map_start, map_ids, out):
    """Copy stream[:n] to `out`, replacing each marker -(2 + t) by the rows of raw token t.
    Returns the entries written (out is sized by the caller from the map)."""
    m = 0
    for i in range(n):
        v = stream[i]
        if v <= -2:
            t = -2 - v
            for k in range(map_start[t], map_start[t + 1]):
                out[m] = map_ids[k]
                m += 1
        else:
            out[m] = v
            m += 1
    return m


@kernel
def marker_growth(stream, n, map_start):
    """How many more entries expanding the markers of stream[:n] writes (may be negative)."""
    extra = 0
    for i in range(n):
        v = stream[i]
        if v <= -2:
            t = -2 - v
            extra += map_start[t + 1] - map_start[t] - 1
    return extra


@kernel
def last_break(buf, begin, end, cls):
    """Position just after the last newline in buf[begin:end], else after the last whitespace,
    else -1: where a block can end without cutting a token (whole lines when there are lines)."""
    space = -1
    for i in range(end - 1, begin - 1, -1):
        c = cls[buf[i]]
        if c == BREAK:
            return i + 1
        if c == SPACE and space < 0:
            space = i + 1
    return space

"""Phrase kernels over a stream of token ids: map raw tokens, count candidates, join, write text.

A stream is int32: token ids >= 0; NEWLINE (-1) at a line end; FILE_END (-2) at a file end;
values <= -3 are words outside the token space (OOV) that can never be part of a phrase, and
-3 - v indexes their text. A candidate phrase is gensim's: a word, up to MAX_CONNECTORS
connector words, a word, all inside one line. Kernels keep their place between calls in
`state` (int64[2 + MAX_CONNECTORS]: start word or NO_START, connectors held, the connectors),
so a line may be longer than any buffer.
"""

import numpy as np

from .blocks import _stripped
from .bytecopy import COPY_BYTES, copy_16_bytes
from .jit import inline, kernel
from .bytetable import OK, find, intern
from .pairs import MAX_TAG, add_count, add_tag, find_tag, home_row, pair_key, value_of
from .prefetch import prefetch_row
from .tokenize import NEWLINE

FILE_END = -2
NO_START = -(1 << 40)
MAX_CONNECTORS = 14     # connector words a candidate may hold between its two ends
STATE_SIZE = 2 + MAX_CONNECTORS
_AHEAD = 16             # tokens ahead whose pair row is prefetched while counting (measured: 8 -> 16
                        # took counting 20M tokens from 0.50 to 0.42 CPU s; none: 0.84)


NO_WORD = -1           # resolve_types: the raw token is punctuation only
NEEDS_PYTHON = -2      # resolve_types: not ASCII; Python's Unicode rules normalise it


@kernel
def resolve_types(raw_starts, raw_lengths, raw_arena, first, end, fold, strip, add,
                  slots, bounds, values, arena, sizes, out):
    """Token ids of the ASCII raw types first..end-1 (tokenize.RawTypeTable), normalised as
    the tokenizer's rules say (punctuation stripped from the edges where `strip`, letters
    folded by `fold`) and looked up in the token space's table (bytetable layout), added to it
    when `add`. out[t - first]: the id, NO_WORD, NEEDS_PYTHON (a byte >= 0x80), or, without
    `add`, NEEDS_PYTHON for a word the space lacks (an OOV word, whose text Python keeps).
    Returns (next type, status): stopped there because the table is full, or OK."""
    for t in range(first, end):
        s = raw_starts[t]
        length = raw_lengths[t]
        ascii = True
        for i in range(s, s + length):
            if raw_arena[i] >= 128:
                ascii = False
                break
        if not ascii:
            out[t - first] = NEEDS_PYTHON
            continue
        a, n = _stripped(raw_arena, s, length, strip)
        if n == 0:
            out[t - first] = NO_WORD
            continue
        if add:
            u = intern(raw_arena, a, n, fold, slots, bounds, values, arena, sizes)
            if u < 0:
                return t, -u
        else:
            u = find(raw_arena, a, n, fold, slots, bounds, arena, sizes)
            if u < 0:
                u = NEEDS_PYTHON
        out[t - first] = u
    return end, OK


@kernel
def map_raw(stream, begin, end, map_start, map_ids, out):
    """Raw type ids (tokenize.scan's stream) -> token ids: raw type t stands for
    map_ids[map_start[t]:map_start[t + 1]] (none for punctuation, several when a token held
    Unicode spaces). Returns (position, written); stops early when `out` is full."""
    used = 0
    for i in range(begin, end):
        t = stream[i]
        if t < 0:
            if used >= out.shape[0]:
                return i, used
            out[used] = t
            used += 1
            continue
        a = map_start[t]
        b = map_start[t + 1]
        if used + (b - a) > out.shape[0]:
            return i, used
        for k in range(a, b):
            out[used] = map_ids[k]
            used += 1
    return end, used


@kernel
def count_pairs(stream, begin, end, is_connector, unigram, pairs, tags, state, sizes, limits):
    """Count tokens, words and candidate phrases of stream[begin:end] as gensim's Phrases learns.

    sizes int64[3]: rows used in `pairs`, rows used in `tags`, tokens seen (every word,
    connectors included: the N of the scores). limits int64[2]: rows `pairs` and `tags` may
    hold before Python must grow them. Returns the position reached (< end when a table is full).
    """
    start = state[0]
    held = state[1]
    between = state[2:]
    for i in range(begin, end):
        t = stream[i]
        if t == NEWLINE or t == FILE_END:
            start = NO_START
            held = 0
            continue
        if t < 0:                               # OOV: a word, never part of a phrase
            sizes[2] += 1
            start = NO_START
            held = 0
            continue
        if is_connector[t]:
            sizes[2] += 1
            if start != NO_START:
                if held == MAX_CONNECTORS:      # too long a candidate: give it up
                    start = NO_START
                    held = 0
                else:
                    between[held] = t
                    held += 1
            continue
        if start != NO_START:
            if sizes[0] >= limits[0] or sizes[1] + held > limits[1]:
                state[0] = start
                state[1] = held
                return i
            tag = add_tag(tags, between, held, sizes)
            if tag <= MAX_TAG:
                sizes[0] += add_count(pairs, pair_key(start, t), tag)
        ahead = i + _AHEAD
        if ahead < end and stream[ahead] >= 0 and stream[ahead - 1] >= 0:
            prefetch_row(pairs, home_row(pairs, pair_key(stream[ahead - 1], stream[ahead]), 0))
        sizes[2] += 1
        unigram[t] += 1
        start = t
        held = 0
    state[0] = start
    state[1] = held
    return end


@inline
def _flush(start, between, held, out, used):
    """Write a failed candidate's words (its start and held connectors) to out."""
    if start != NO_START:
        out[used] = start
        used += 1
    for j in range(held):
        out[used] = between[j]
        used += 1
    return used


CONNECTOR = 1           # roles of a token in apply_phrases
STARTS = 2              # the first word of some phrase
ENDS = 4                # the last word of some phrase


@kernel
def apply_phrases(stream, begin, end, roles, phrases, tags, phrase_token, state, out, joined):
    """Join phrases in stream[begin:end] greedily left to right, as gensim's analyze_sentence.

    roles: CONNECTOR | STARTS | ENDS bits per token id. phrases: (a << 32 | b, connector tag)
    -> phrase number + 1; phrase_token: the token id of each phrase in the next round's space.
    A word that starts no phrase is written at once (gensim would hold it as a candidate that
    must fail: same output). joined[0] counts the phrases written. Returns (position,
    written); stops early when `out` may not hold the next step.
    """
    start = state[0]
    held = state[1]
    between = state[2:]
    used = 0
    room = out.shape[0] - MAX_CONNECTORS - 2
    for i in range(begin, end):
        if used > room:
            state[0] = start
            state[1] = held
            return i, used
        t = stream[i]
        role = roles[t] if t >= 0 else 0
        if role & CONNECTOR:
            if start != NO_START and held < MAX_CONNECTORS:
                between[held] = t
                held += 1
                continue
        elif start != NO_START and t >= 0 and role & ENDS:
            phrase = 0
            tag = find_tag(tags, between, held)
            if tag >= 0:
                phrase = value_of(phrases, pair_key(start, t), tag)
            if phrase > 0:
                out[used] = phrase_token[phrase - 1]
                used += 1
                joined[0] += 1
                start = NO_START
                held = 0
                continue
        used = _flush(start, between, held, out, used)   # the candidate failed (or there was none)
        held = 0
        if role & STARTS:
            start = t
        else:                               # a line end, a file end, an OOV word or any other
            start = NO_START
            out[used] = t
            used += 1
    state[0] = start
    state[1] = held
    return end, used


@kernel
def write_text(stream, begin, end, text, text_starts, oov_text, oov_starts, state, out):
    """Token stream -> UTF-8 lines: tokens separated by one space, NEWLINE -> a newline,
    FILE_END -> a newline only after a line with words (a file's last line may lack one).
    state[0] holds the words written on the current line. Returns (position, bytes written)."""
    used = 0
    on_line = state[0]
    for i in range(begin, end):
        t = stream[i]
        if t == NEWLINE or t == FILE_END:
            if t == NEWLINE or on_line > 0:
                if used >= out.shape[0]:
                    state[0] = on_line
                    return i, used
                out[used] = 10
                used += 1
            on_line = 0
            continue
        if t >= 0:
            source = text
            a = text_starts[t]
            b = text_starts[t + 1]
        else:
            source = oov_text
            a = oov_starts[-3 - t]
            b = oov_starts[-2 - t]
        if used + (b - a) + 1 > out.shape[0]:
            state[0] = on_line
            return i, used
        if on_line > 0:
            out[used] = 32
            used += 1
        if b - a <= COPY_BYTES and a + COPY_BYTES <= source.shape[0] and used + COPY_BYTES <= out.shape[0]:
            copy_16_bytes(out, used, source, a)     # past the word's end too: no branch on its length
            used += b - a
        else:
            for k in range(a, b):
                out[used] = source[k]
                used += 1
        on_line += 1
    state[0] = on_line
    return end, used

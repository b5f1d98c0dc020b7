"""Turn encoded streams (vocabulary rows and NEWLINE markers, block after block) into ids and
sentence ends.

`compact_breaks` drops the markers, keeping where each line ended (its position among the ids);
`sentence_ends` cuts the ids into sentences: at those line ends and every `max_len` ids. An
empty sentence is recorded only with `keep_empty` (item sequences, whose line numbers name
their users). The sentence being built carries over from one call to the next, so a line that
spans blocks (or a file without newlines, or the parts of a corpus counted on different
machines) is cut exactly as if it had been read in one piece.

`map_stream` does both for a stream of raw type ids (the phrase passes' scanner): raw type t
stands for the vocabulary ids map_ids[map_start[t]:map_start[t+1]] (none for out-of-vocabulary
tokens and punctuation, several when a token held Unicode spaces).
"""

from numba import njit

from .jit import kernel
from .tokenize import NEWLINE


@kernel
def compact_breaks(stream, n, base, breaks, keep_empty):
    """Move the rows of stream[:n] to its front and write the global position (base + rows
    before it) of each line end to `breaks` (room for n entries); without `keep_empty`, line
    ends at the same position (empty lines) count once. Returns (rows kept, line ends written)."""
    m = 0
    b = 0
    for i in range(n):
        v = stream[i]
        if v == NEWLINE:
            if keep_empty or b == 0 or breaks[b - 1] != base + m:
                breaks[b] = base + m
                b += 1
        else:
            stream[m] = v
            m += 1
    return m, b


@kernel
def sentence_ends(breaks, n_breaks, start, stop, sentence_len, max_len, keep_empty, ends):
    """Sentence ends of the ids at global positions [start, stop) whose lines end at
    breaks[:n_breaks] (sorted, within [start, stop]); `sentence_len` ids of an unfinished
    sentence come before `start`. Writes the global end offsets to `ends` (room for
    n_breaks + (stop - start) // max_len + 1) and returns (ends written, ids of the sentence
    left unfinished at `stop`). `keep_empty`: every line end ends a sentence, even an empty one."""
    pos = start
    e = 0
    for k in range(n_breaks + 1):
        line_end = breaks[k] if k < n_breaks else stop
        while line_end - pos >= max_len - sentence_len:   # enough ids to fill the sentence: cut
            pos += max_len - sentence_len
            ends[e] = pos
            e += 1
            sentence_len = 0
        sentence_len += line_end - pos
        pos = line_end
        if k < n_breaks and (sentence_len > 0 or keep_empty):
            ends[e] = pos
            e += 1
            sentence_len = 0
    return e, sentence_len


@njit(nogil=True, cache=True)
def map_stream(stream, begin, n, map_start, map_ids, ids_out, ids_used, ids_base,
               ends_out, ends_used, sentence_len, max_len, keep_empty=False):
    """Process stream[begin:n]; return (position, ids_used, ends_used, sentence_len).

    Stops early (position < n) when `ids_out` or `ends_out` is full; Python flushes and calls
    again. `ends_out` receives global sentence end offsets (ids_base + index in ids_out).
    """
    i = begin
    while i < n:
        t = stream[i]
        if t == NEWLINE:
            if sentence_len > 0 or keep_empty:
                if ends_used >= ends_out.shape[0]:
                    return i, ids_used, ends_used, sentence_len
                ends_out[ends_used] = ids_base + ids_used
                ends_used += 1
                sentence_len = 0
            i += 1
            continue
        a = map_start[t]
        b = map_start[t + 1]
        # room for this token's ids and for the sentence ends they may close
        if ids_used + (b - a) > ids_out.shape[0] or ends_used + (b - a) >= ends_out.shape[0]:
            return i, ids_used, ends_used, sentence_len
        for k in range(a, b):
            ids_out[ids_used] = map_ids[k]
            ids_used += 1
            sentence_len += 1
            if sentence_len == max_len:
                ends_out[ends_used] = ids_base + ids_used
                ends_used += 1
                sentence_len = 0
        i += 1
    return i, ids_used, ends_used, sentence_len

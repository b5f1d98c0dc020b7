"""Map a stream of raw type ids to vocabulary ids, cutting it into sentences.

`map_start[t]:map_start[t+1]` indexes the vocabulary ids raw type t stands for in `map_ids`
(none for out-of-vocabulary tokens and punctuation, several when a token held Unicode
spaces). Sentences end at NEWLINE markers and are cut every `max_len` ids; empty sentences
are recorded only with `keep_empty` (item sequences, whose line numbers name their users).
"""

from numba import njit

from .tokenize import NEWLINE


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

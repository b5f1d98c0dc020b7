"""Cut an encoded stream (vocabulary rows and NEWLINE markers, block after block) into sentences.

Sentences end at NEWLINE markers and are cut every `max_len` ids; empty sentences are never
recorded. The sentence being built carries over from one block to the next, so a line that
spans blocks (or a file without newlines) is cut exactly as if it had been read in one piece.
"""

from .jit import kernel
from .tokenize import NEWLINE


@kernel
def split_sentences(stream, n, ids_base, sentence_len, max_len, ends):
    """Drop the NEWLINE markers of stream[:n] in place (the ids move to the front) and write the
    global end offset of every sentence finished here to `ends` (room for n + 1 entries).

    Returns (ids kept, ends written, length of the unfinished sentence).
    """
    m = 0
    e = 0
    for i in range(n):
        v = stream[i]
        if v == NEWLINE:
            if sentence_len > 0:
                ends[e] = ids_base + m
                e += 1
                sentence_len = 0
            continue
        stream[m] = v
        m += 1
        sentence_len += 1
        if sentence_len == max_len:
            ends[e] = ids_base + m
            e += 1
            sentence_len = 0
    return m, e, sentence_len

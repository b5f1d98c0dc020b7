"""Turn encoded streams (vocabulary rows and NEWLINE markers, block after block) into ids and
sentence ends.

`compact_breaks` drops the markers, keeping where each line ended (its position among the ids);
`sentence_ends` cuts the ids into sentences: at those line ends and every `max_len` ids, never
recording an empty sentence. The sentence being built carries over from one call to the next,
so a line that spans blocks (or a file without newlines, or the parts of a corpus counted on
different machines) is cut exactly as if it had been read in one piece.
"""

from .jit import kernel
from .tokenize import NEWLINE


@kernel
def compact_breaks(stream, n, base, breaks):
    """Move the rows of stream[:n] to its front and write the global position (base + rows
    before it) of each line end to `breaks` (room for n entries), once per position.
    Returns (rows kept, line ends written)."""
    m = 0
    b = 0
    for i in range(n):
        v = stream[i]
        if v == NEWLINE:
            if b == 0 or breaks[b - 1] != base + m:
                breaks[b] = base + m
                b += 1
        else:
            stream[m] = v
            m += 1
    return m, b


@kernel
def sentence_ends(breaks, n_breaks, start, stop, sentence_len, max_len, ends):
    """Sentence ends of the ids at global positions [start, stop) whose lines end at
    breaks[:n_breaks] (sorted, within [start, stop]); `sentence_len` ids of an unfinished
    sentence come before `start`. Writes the global end offsets to `ends` (room for
    n_breaks + (stop - start) // max_len + 1) and returns (ends written, ids of the sentence
    left unfinished at `stop`)."""
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
        if k < n_breaks and sentence_len > 0:
            ends[e] = pos
            e += 1
            sentence_len = 0
    return e, sentence_len

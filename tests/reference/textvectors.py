"""Slow, obvious twin of wordvec._kernels.textvectors: line by line with bytes.split and float().

parse_rows(data, dim) follows the kernel's contract on a whole buffer and returns
(vectors [rows, dim] float32, words [bytes], lines, status, detail): status 0 with every line
read, 1 (wrong count: detail = numbers found) or 2 (not a number: detail = the token), with
`lines` the newlines before the damaged line.
"""

from __future__ import annotations

import numpy as np

WHITESPACE = b" \t\r\x0b\x0c"  # ASCII whitespace inside a line (bytes.split splits on these and \n)


def to_float32(token: bytes) -> float | None:
    """The float32 of a decimal token as strtod + a cast would give it, or None if not a number."""
    if b"_" in token:  # Python's float() accepts digit separators; C's strtod does not
        return None
    try:
        return np.float32(float(token))
    except ValueError:
        return None
    except OverflowError:  # pragma: no cover - float() returns inf instead
        return None


def parse_rows(data: bytes, dim: int):
    vectors, words = [], []
    lines = data.split(b"\n")
    for index, line in enumerate(lines):
        if not line.strip(WHITESPACE):
            continue
        cuts = [i for i in (line.find(b" "), line.find(b"\t")) if i >= 0]
        cut = min(cuts) if cuts else len(line)
        word, rest = line[:cut], line[cut:]
        tokens = rest.split()
        if not tokens:
            word = word.rstrip(WHITESPACE)
        if len(tokens) != dim:
            return np.array(vectors, np.float32).reshape(-1, dim), words, index, 1, len(tokens)
        values = [to_float32(t) for t in tokens]
        bad = [t for t, v in zip(tokens, values) if v is None]
        if bad:
            return np.array(vectors, np.float32).reshape(-1, dim), words, index, 2, bad[0]
        vectors.append(values)
        words.append(word)
    return np.array(vectors, np.float32).reshape(-1, dim), words, data.count(b"\n"), 0, 0

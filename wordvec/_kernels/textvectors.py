"""Parse rows of word vectors text (word2vec text, fastText .vec, GloVe) straight from bytes.

A row is one line: the word (the bytes before the first space or tab), then `dim` numbers
separated by runs of ASCII whitespace (space, tab, CR, VT, FF). Lines holding only whitespace
are skipped, so CRLF line ends, trailing spaces and blank lines need no special case. The
caller hands whole lines: a block ends just after a newline or at the end of the data.

Numbers are decimal floats as C's strtod reads them (sign, digits, optional point, optional
exponent; "nan", "inf" and "infinity" in any case). A value is computed in float64 and then
rounded to float32, as numpy's own text parser does. With at most 19 significant digits and a
mantissa below 2**53 and a power of ten within 1e±22 (every file word2vec, GloVe, fastText,
gensim or wordvec writes) the float64 is exact-rounded (Clinger's fast path: both factors are
exact doubles and IEEE multiplication or division rounds once); longer mantissas or larger
exponents take one more rounding, which can move the float32 by one unit in the last place in
about one value in 10**8.
"""

import numpy as np
from numba import njit

NEWLINE = 10
OK, WRONG_COUNT, NOT_A_NUMBER, FULL = 0, 1, 2, 3

# 10**k as correctly rounded doubles, k = 0..80 (Python's float literal parser rounds them).
_POW10 = np.array([float(f"1e{k}") for k in range(81)], dtype=np.float64)
_EXACT_MANTISSA = 1 << 53       # integers below this are exact doubles
_MANTISSA_ROOM = np.uint64(10 ** 18)  # below this a uint64 mantissa takes one more digit
_EXACT_POW10 = 22               # 10**22 is the largest exact power of ten in a double
_FLOAT32_OVERFLOW = 3.4028235677973366e38  # FLT_MAX + half an ulp: this and above round to inf


@njit(nogil=True, cache=True, inline="always")
def _is_space(c):
    """ASCII whitespace other than the newline that ends a row."""
    return c == 32 or c == 9 or c == 13 or c == 11 or c == 12


@njit(nogil=True, cache=True, inline="always")
def _lower(c):
    return c | 32 if 65 <= c <= 90 else c


@njit(nogil=True, cache=True)
def _match_word(buf, i, end, word):
    """True if buf[i:end] spells `word` (lowercase ASCII codes) in any case."""
    if end - i != len(word):
        return False
    for k in range(len(word)):
        if _lower(buf[i + k]) != word[k]:
            return False
    return True


_NAN = np.array([ord(c) for c in "nan"], dtype=np.uint8)
_INF = np.array([ord(c) for c in "inf"], dtype=np.uint8)
_INFINITY = np.array([ord(c) for c in "infinity"], dtype=np.uint8)


@njit(nogil=True, cache=True, inline="always")
def _token_end(buf, i, end):
    """The position of the first whitespace or newline at or after i (end if none)."""
    while i < end and not _is_space(buf[i]) and buf[i] != NEWLINE:
        i += 1
    return i


@njit(nogil=True, cache=True, inline="always")
def _decimal_length(mantissa):
    """Digits of a non-zero mantissa."""
    n = 0
    while mantissa > np.uint64(0):
        mantissa //= np.uint64(10)
        n += 1
    return n


@njit(nogil=True, cache=True, inline="always")
def parse_number(buf, i, end):
    """Read the number that starts at buf[i] (not whitespace): (float32 value, position after
    it, ok). ok means a well-formed number ending at whitespace, a newline or `end`; the bytes
    are read once, so a row's numbers need no separate scan for their ends."""
    negative = False
    if buf[i] == 45 or buf[i] == 43:  # '-' or '+'
        negative = buf[i] == 45
        i += 1
    mantissa = np.uint64(0)
    exponent = 0    # power of ten applied to the mantissa
    digits = 0      # digits seen, significant or not
    point = False   # the decimal point was passed
    while i < end:
        c = buf[i]
        if 48 <= c <= 57:
            digits += 1
            if mantissa < _MANTISSA_ROOM:  # up to 19 significant digits (leading zeros keep it 0)
                mantissa = mantissa * np.uint64(10) + np.uint64(c - 48)
                if point:
                    exponent -= 1
            elif not point:
                exponent += 1  # an integer digit beyond 19 is dropped: its place still counts
        elif c == 46 and not point:  # '.'
            point = True
        else:
            break
        i += 1
    if digits == 0:  # no digits: only nan, inf and infinity are numbers
        j = _token_end(buf, i, end)
        if _match_word(buf, i, j, _NAN):
            return np.float32(np.nan), j, True
        if _match_word(buf, i, j, _INF) or _match_word(buf, i, j, _INFINITY):
            return np.float32(-np.inf if negative else np.inf), j, True
        return np.float32(0.0), j, False
    if i < end and (buf[i] == 101 or buf[i] == 69):  # 'e' or 'E'
        i += 1
        exp_negative = False
        if i < end and (buf[i] == 45 or buf[i] == 43):
            exp_negative = buf[i] == 45
            i += 1
        if i == end or not 48 <= buf[i] <= 57:
            return np.float32(0.0), i, False
        written = 0
        while i < end and 48 <= buf[i] <= 57:
            if written < 100000:  # beyond this every value is 0 or inf anyway
                written = written * 10 + (buf[i] - 48)
            i += 1
        exponent += -written if exp_negative else written
    if i < end and not _is_space(buf[i]) and buf[i] != NEWLINE:
        return np.float32(0.0), i, False
    if mantissa == 0:
        return np.float32(-0.0 if negative else 0.0), i, True
    if mantissa < _EXACT_MANTISSA and -_EXACT_POW10 <= exponent <= _EXACT_POW10:
        # Clinger's fast path: both factors are exact doubles, so the result is rounded once
        value = np.float64(mantissa)
        value = value * _POW10[exponent] if exponent >= 0 else value / _POW10[-exponent]
    else:
        magnitude = exponent + _decimal_length(mantissa)  # the value is below 10**magnitude
        if magnitude > 60:        # far beyond float32's 3.4e38
            value = np.inf
        elif magnitude < -60:     # far below float32's smallest 1.4e-45
            value = 0.0
        else:
            value = np.float64(mantissa)
            value = value * _POW10[exponent] if exponent >= 0 else value / _POW10[-exponent]
    if value >= _FLOAT32_OVERFLOW:
        value = np.inf
    return np.float32(-value if negative else value), i, True


@njit(nogil=True, cache=True)
def parse_rows(buf, start, end, dim, vectors, words):
    """Parse the lines of buf[start:end] into `vectors` (float32 [cap, dim]) and `words`
    (uint8: each word's bytes followed by a newline).

    Returns (rows, word_bytes, lines, status, where, found):
      rows, word_bytes: how much of `vectors` and `words` was filled;
      lines: newlines passed before the line parsing stopped at (all of them when status is OK);
      status OK; WRONG_COUNT: the line starting at `where` holds `found` numbers, not dim;
      NOT_A_NUMBER: buf[where:found] is a token that is not a number; FULL: `vectors` has no
      row left for the line starting at `where` (the caller gives more rows and parses again).
    Parsing stops at the first damaged line. `words` must have room for the bytes plus one.
    """
    rows = 0
    used = 0
    lines = 0
    i = start
    while i < end:
        line_start = i
        # a line of whitespace only is skipped
        j = i
        while j < end and _is_space(buf[j]):
            j += 1
        if j == end or buf[j] == NEWLINE:
            if j < end:
                lines += 1
            i = j + 1
            continue
        if rows == vectors.shape[0]:
            return rows, used, lines, FULL, line_start, 0
        # the word: up to the first space or tab (a word may hold CR, VT, FF or any other byte)
        j = i
        while j < end and buf[j] != 32 and buf[j] != 9 and buf[j] != NEWLINE:
            j += 1
        word_end = j
        if j == end or buf[j] == NEWLINE:  # no numbers: trailing whitespace is not part of the word
            while word_end > i and _is_space(buf[word_end - 1]):
                word_end -= 1
        # the numbers
        count = 0
        bad_start = -1
        bad_end = -1
        while True:
            while j < end and _is_space(buf[j]):
                j += 1
            if j == end or buf[j] == NEWLINE:
                break
            token = j
            if count < dim:
                value, j, ok = parse_number(buf, token, end)
                if ok:
                    vectors[rows, count] = value
                else:
                    j = _token_end(buf, j, end)
                    if bad_start < 0:
                        bad_start = token
                        bad_end = j
            else:
                j = _token_end(buf, j, end)
            count += 1
        if count != dim:
            return rows, used, lines, WRONG_COUNT, line_start, count
        if bad_start >= 0:
            return rows, used, lines, NOT_A_NUMBER, bad_start, bad_end
        for k in range(i, word_end):
            words[used] = buf[k]
            used += 1
        words[used] = NEWLINE
        used += 1
        rows += 1
        if j < end:
            lines += 1
        i = j + 1
    return rows, used, lines, OK, end, 0


@njit(nogil=True, cache=True)
def next_line(buf, i, end):
    """The position just after the first newline at or after i (end if there is none)."""
    while i < end:
        if buf[i] == NEWLINE:
            return i + 1
        i += 1
    return end


@njit(nogil=True, cache=True)
def last_line_end(buf, start, end):
    """The position just after the last newline in buf[start:end] (start if there is none)."""
    i = end
    while i > start:
        if buf[i - 1] == NEWLINE:
            return i
        i -= 1
    return start

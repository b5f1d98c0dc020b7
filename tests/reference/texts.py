"""Hostile corpus bytes for the tokenizer, counting and encoding tests (deterministic)."""

from __future__ import annotations

import random

_WORDS = ["the", "The", "THE", "of", "caf\u00e9", "Caf\u00c9", "na\u00efve", "\u65e5\u672c\u8a9e", "don't", "U.S.",
          "(a)", "--", "well-known", "\U0001f600x", "Stra\u00dfe", "\u0130stanbul", "end.", "\u00e9t\u00e9"]
_SEPARATORS = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\n\n\n", "\u00a0", "\u2003", "\x0b", "\x0c"]
_RAW = [b"\xff", b"\xc3", b"\x80\x80", b"caf\xe9", b"\xe6\x97", b"\x00", b"\xef\xbb\xbf"]


def hostile_bytes(seed: int, tokens: int = 4000) -> bytes:
    """Words in several scripts and cases, CRLF and other whitespace, invalid UTF-8 (stray and
    truncated sequences, Latin-1), NUL bytes, over-long tokens whose cut falls inside a
    multi-byte character, and a stretch of a few thousand tokens without a newline."""
    rng = random.Random(seed)
    out = bytearray()
    for i in range(tokens):
        roll = rng.random()
        if roll < 0.03:
            raw = rng.choice(_RAW)
            out += raw if raw != b"\x00" or len(out) > 8192 else b"\xff"  # NUL early = a binary file
        elif roll < 0.04:   # an over-long token: ASCII, or 2- and 3-byte characters
            out += rng.choice(["x", "\u00e9", "\u65e5", "ab\u00e9"]).encode() * rng.randrange(30, 300)
        else:
            out += rng.choice(_WORDS).encode()
        in_long_line = tokens // 3 < i < tokens // 2
        separator = rng.choice(_SEPARATORS)
        if in_long_line and "\n" in separator:
            separator = " "
        out += separator.encode()
    return bytes(out)

"""The one reader of ``word count`` files: vocab.txt, GloVe's vocab_count output, word2vec's
-save-vocab output, and the vocab.txt of a native vectors folder.

numpy only (the query path reads it). A fast path parses the common file (one ``word count``
line per word, single spaces) with one numpy call; the slow path names the first bad line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import FormatError
from .progress import log

ASCII_WHITESPACE = " \t\n\r\x0b\x0c"


def decode_words(raw: list[bytes], path: Path) -> list[str]:
    """UTF-8 words; undecodable bytes become U+FFFD with one warning (never a failure)."""
    joined = b"\n".join(raw)
    try:
        text = joined.decode("utf-8")
    except UnicodeDecodeError:
        text = joined.decode("utf-8", errors="replace")
        log.warning("%s: some words are not valid UTF-8; their bad bytes were replaced by U+FFFD", path)
    return text.split("\n") if raw else []


def read_word_counts(path: Path, limit: int | None = None, strict: bool = False) -> tuple[list[str], np.ndarray]:
    """Words in file order and their int64 counts.

    strict (vocabulary files): every line is exactly ``word count`` with a count >= 0.
    Tolerant (vectors folders): a line may lack its count (0) and a word may hold non-ASCII
    spaces. Blank lines are skipped; CRLF is accepted. limit: read the first N words only.
    """
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise FormatError(f"{path}: is a folder, expected a file of 'word count' lines") from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot read it ({exc.strerror})") from None
    if b"\r" in data:
        data = data.replace(b"\r", b"")
    fast = _fast_path(data, path, limit)
    if fast is not None and (not strict or not (fast[1] < 0).any()):
        return fast
    return _slow_path(data, path, limit, strict)


def _fast_path(data: bytes, path: Path, limit: int | None) -> tuple[list[str], np.ndarray] | None:
    """Every line ``word count`` with one space: numpy parses the counts in one call."""
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    tokens = data.split()  # ASCII whitespace only, as the formats separate fields
    if len(tokens) != 2 * n_lines or data.count(b" ") != n_lines:
        return None
    if limit is not None:
        tokens = tokens[:2 * limit]
    try:
        counts = np.fromstring(b" ".join(tokens[1::2]).decode("ascii"), dtype=np.int64, sep=" ")
    except (ValueError, UnicodeDecodeError):
        return None
    if 2 * len(counts) != len(tokens):
        return None
    return decode_words(tokens[0::2], path), counts


def _slow_path(data: bytes, path: Path, limit: int | None, strict: bool) -> tuple[list[str], np.ndarray]:
    text = data.decode("utf-8", errors="replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        log.warning("%s: some words are not valid UTF-8; their bad bytes were replaced by U+FFFD", path)
    words: list[str] = []
    counts: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        if limit is not None and len(words) >= limit:
            break
        line = line.strip(ASCII_WHITESPACE)  # words may hold other (Unicode) spaces
        if not line:
            continue
        word, count = _strict_line(line, path, number) if strict else _tolerant_line(line)
        if not word:
            raise FormatError(f"{path}: line {number} has no word")
        words.append(word)
        counts.append(count)
    return words, np.array(counts, dtype=np.int64)


def _strict_line(line: str, path: Path, number: int) -> tuple[str, int]:
    fields = line.split()
    if len(fields) != 2:
        raise FormatError(f"{path}:{number}: expected 'word count', got {line[:60]!r}")
    word, count_text = fields
    try:
        count = int(count_text)
    except ValueError:
        raise FormatError(f"{path}:{number}: count {count_text[:20]!r} is not an integer") from None
    if count < 0:
        raise FormatError(f"{path}:{number}: negative count {count}")
    return word, count


def _tolerant_line(line: str) -> tuple[str, int]:
    word, sep, count = line.rpartition(" ")
    if sep and count.isdigit():
        return word.strip(ASCII_WHITESPACE), int(count)
    return line, 0

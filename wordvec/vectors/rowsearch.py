"""Where a word sits in a vectors file that was read only in part (``--limit N``).

A query word missing from the first N rows may still be in the file: then the truthful
message is "outside the first N rows", not "unknown word". This is asked only when a word is
missing, so it may read the rest of the file; it reads words only, never the vectors.
numpy-free.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..util.wordcounts import read_word_counts


def rows_of(path: str | Path, fmt: str, words: Iterable[str]) -> dict[str, int]:
    """{word: 1-based row} for those of ``words`` the file holds (first occurrence)."""
    wanted = {w.encode("utf-8"): w for w in words}
    if not wanted:
        return {}
    path = Path(path)
    if fmt == "native":
        names, _ = read_word_counts(path / "vocab.txt")
        rows = {}
        for row, word in enumerate(names, 1):
            if word in wanted.values() and word not in rows:
                rows[word] = row
        return rows
    found: dict[str, int] = {}
    for row, word in enumerate(_binary_words(path) if fmt == "word2vec-binary" else _text_words(path, fmt), 1):
        if word in wanted and wanted[word] not in found:
            found[wanted[word]] = row
            if len(found) == len(wanted):
                break
    return found


def _text_words(path: Path, fmt: str):
    """The first field of every row of word2vec or GloVe text (a header line skipped)."""
    from .formats import _open_binary
    from .textreader import BOM

    with _open_binary(path) as f:
        for number, line in enumerate(f):
            if number == 0:
                line = line.removeprefix(BOM)
                fields = line.split()
                if fmt == "word2vec" or (len(fields) == 2 and all(x.isdigit() for x in fields)):
                    continue
            word = line.split(None, 1)[0] if line.strip() else None
            if word is not None:
                yield word


def _binary_words(path: Path) -> list[bytes]:
    """The words of a word2vec binary file's records, in row order."""
    from .formats import _map_file, binary_records
    from .textreader import header_of

    buf = _map_file(path)
    end = buf.find(b"\n")
    header = header_of(buf[:end]) if end > 0 else None
    return binary_records(buf, end + 1, header[0], header[1])[0] if header else []

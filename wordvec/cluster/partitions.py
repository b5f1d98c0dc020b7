"""Cutting a corpus into partitions for the workers: files, and large plain files at newlines.

A large plain file is cut near every `target` bytes, just after the first newline found there
(else after the first whitespace), so a partition holds whole lines and no token crosses it, as
blocks do on one machine (wordvec.text.blocks). Only a stretch without any whitespace is cut
inside itself: its token is then longer than max_token_bytes, counted by the partition it starts
in, and the next partition skips the rest. Compressed files and UTF-16/32 text (transcoded
while read) are read whole by one worker.
"""

from __future__ import annotations

import codecs
import os

from ..config import TokenizerConfig
from ..errors import WordvecError
from ..text.inputs import Piece, compression_of

MIN_PARTITION = 16 << 20       # bytes: smaller partitions cost more in scheduling than they give
MAX_PARTITION = 256 << 20      # bytes: more partitions retry and balance better
_SEARCH = 1 << 20              # bytes read after a nominal cut to find a newline or whitespace
_WHITESPACE = b" \t\n\x0b\x0c\r\x00"


def partition_bytes(total: int, workers: int) -> int:
    """About four partitions per worker, within [MIN_PARTITION, MAX_PARTITION]."""
    return int(min(MAX_PARTITION, max(MIN_PARTITION, total // max(4 * workers, 1))))


def refuse_stdin(paths) -> None:
    if "-" in [str(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]:
        raise WordvecError("--dask: the workers read the corpus from a path they share, and stdin is not "
                           "one: save it to a file on the shared filesystem first")


def plan_partitions(files: list[str], config: TokenizerConfig, target: int) -> list[Piece]:
    """The pieces of every file, in corpus order."""
    refuse_stdin(files)
    pieces: list[Piece] = []
    for path in files:
        size = os.path.getsize(path)
        start = _splittable_from(path) if size > target else None
        if start is None:
            pieces.append(Piece(path))
            continue
        with open(path, "rb") as f:
            cuts = _cuts(f, start, size, target, max(_SEARCH, 2 * config.max_token_bytes))
        bounds = [(start, False)] + cuts + [(size, False)]
        for i, ((a, skipping), (b, _)) in enumerate(zip(bounds[:-1], bounds[1:])):
            pieces.append(Piece(path, a, b, skipping=skipping, file_end=i == len(bounds) - 2,
                                file_start=i == 0))
    return pieces


def _splittable_from(path: str) -> int | None:
    """Where the text of a plain UTF-8 file starts (after a byte-order mark), or None when the
    file must be read whole (compressed, or UTF-16/32 that is transcoded while read)."""
    with open(path, "rb") as f:
        head = f.read(8)
    if compression_of(head) is not None:
        return None
    if head.startswith(codecs.BOM_UTF8):
        return len(codecs.BOM_UTF8)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # UTF-32 LE starts the same way
        return None
    return 0


def _cuts(f, start: int, size: int, target: int, search: int) -> list[tuple[int, bool]]:
    """(offset, the piece starting there skips an over-long token's rest) for each cut."""
    cuts: list[tuple[int, bool]] = []
    last = start
    for nominal in range(start + target, size, target):
        if nominal <= last:
            continue
        f.seek(nominal)
        data = f.read(search)
        newline = data.find(b"\n")
        if newline >= 0:
            cut, skipping = nominal + newline + 1, False
        else:
            spaces = [i for i in (data.find(bytes([c])) for c in _WHITESPACE) if i >= 0]
            if spaces:
                cut, skipping = nominal + min(spaces) + 1, False
            else:  # inside a token longer than `search` bytes: cut it, the next piece skips its rest
                cut, skipping = nominal + len(data), True
        if cut >= size:
            break
        cuts.append((cut, skipping))
        last = cut
    return cuts

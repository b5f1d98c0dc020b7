"""Cutting corpus files into blocks that threads tokenize independently, and running them.

A block ends after the last newline in what was read (so blocks are whole lines), else after
the last whitespace, so no token crosses a block's end. Only a stretch longer than
max_token_bytes without any whitespace is cut inside a token: the token is already over-long
there (its first max_token_bytes are counted in this block) and the next block starts by
skipping the rest of it. A single 100 MB line therefore streams in blocks like any other text.

`run_in_order` hands blocks to worker threads (the kernels release the GIL) and gives their
results back in corpus order, so whatever consumes them (merging counts, writing ids) sees
exactly what one thread would have produced.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

import numpy as np

from ..config import TokenizerConfig
from ..errors import CorpusError
from .inputs import BINARY_SNIFF_BYTES, Piece, check_not_binary, open_piece, read_failure
from .tokenize import ScanStats

BLOCK_BYTES = 1 << 20          # bytes read per block

R = TypeVar("R")


@dataclass
class Block:
    """buffer[:length] of one file; `skipping`: it starts inside an over-long token."""

    index: int
    buffer: np.ndarray
    length: int
    skipping: bool
    file_end: bool             # the last block of its file: a sentence ends after it


class BufferPool:
    """Reusable read buffers: at most (blocks in flight + 2) ever exist."""

    def __init__(self, size: int):
        self.size = size
        self._free: list[np.ndarray] = []

    def take(self) -> np.ndarray:
        try:
            return self._free.pop()
        except IndexError:
            return np.empty(self.size, np.uint8)

    def give(self, buffer: np.ndarray) -> None:
        self._free.append(buffer)


def byte_classes() -> np.ndarray:
    """Per byte: 0 token byte, 1 whitespace (space, \\t \\v \\f \\r, and NUL), 2 newline."""
    from .._kernels.blocks import BREAK, SPACE

    classes = np.zeros(256, np.uint8)
    classes[[32, 9, 11, 12, 13, 0]] = SPACE
    classes[10] = BREAK
    return classes


def read_blocks(files: list[str | Piece], config: TokenizerConfig, pool: BufferPool, stats: ScanStats,
                block_bytes: int | None = None,
                on_progress: Callable[[int], None] | None = None) -> Iterator[Block]:
    """Yield the blocks of every file (or piece of a file) in order. The consumer gives each
    block's buffer back to `pool` when done with it; `stats` counts files and bytes;
    `on_progress` receives bytes consumed (compressed bytes for compressed files)."""
    from .._kernels.blocks import last_break

    block_bytes = block_bytes or BLOCK_BYTES
    cap = config.max_token_bytes
    classes = byte_classes()
    index = 0
    for piece in files:
        piece = piece if isinstance(piece, Piece) else Piece(piece)
        try:
            opened = open_piece(piece)
        except CorpusError:
            raise
        except Exception as exc:  # noqa: BLE001 - a corrupt header fails while sniffing
            raise read_failure(piece.path, exc) from exc
        stats.files += piece.file_end
        try:
            buf, have, skipping, last_pos, read = pool.take(), 0, piece.skipping, 0, 0
            sniffed = 0 if piece.file_start else BINARY_SNIFF_BYTES  # only a file's start is sniffed
            while True:
                try:
                    got = opened.stream.readinto(memoryview(buf)[have: have + block_bytes]) or 0
                except Exception as exc:  # noqa: BLE001 - any decompressor failure is a data error
                    raise read_failure(opened.name, exc) from exc
                if sniffed < BINARY_SNIFF_BYTES:  # the first bytes of the file, however read
                    check_not_binary(opened.name, buf[have: have + min(got, BINARY_SNIFF_BYTES - sniffed)].tobytes())
                    sniffed += got
                stats.bytes += got
                read += got
                if on_progress is not None and got:
                    now = opened.position() if opened.raw is not None else read
                    on_progress(now - last_pos)
                    last_pos = now
                if got == 0:
                    yield Block(index, buf, have, skipping, piece.file_end)
                    index += 1
                    break
                have += got
                cut = last_break(buf, 0, have, classes)
                if cut >= 0:
                    starts_skipping = False
                elif not skipping and have <= cap:
                    continue  # a token of at most `cap` bytes so far: read on before deciding
                else:
                    cut, starts_skipping = have, True  # inside an over-long token
                nxt = pool.take()
                carry = have - cut
                nxt[:carry] = buf[cut:have]
                yield Block(index, buf, cut, skipping, False)
                index += 1
                buf, have, skipping = nxt, carry, starts_skipping
        finally:
            opened.close()


def buffer_bytes(config: TokenizerConfig, block_bytes: int | None = None) -> int:
    """Room a read buffer needs: a block, the unfinished token carried into it, one more read."""
    block_bytes = block_bytes or BLOCK_BYTES
    return 2 * block_bytes + config.max_token_bytes + 8


def run_in_order(blocks: Iterator[Block], work: Callable[[Block], R],
                 consume: Callable[[Block, R], None], threads: int) -> None:
    """consume(block, work(block)) for every block, in block order; `work` runs on `threads`
    threads (inline when 1), `consume` on the calling thread. At most threads + 2 blocks are in
    flight, which bounds the buffers and tables they hold."""
    if threads <= 1:
        for block in blocks:
            consume(block, work(block))
        return
    pending: deque = deque()
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wordvec-block")
    try:
        for block in blocks:
            pending.append((block, pool.submit(work, block)))
            while len(pending) > threads + 1 or (pending and pending[0][1].done()):
                done, future = pending.popleft()
                consume(done, future.result())
        while pending:
            done, future = pending.popleft()
            consume(done, future.result())
    finally:
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True)


def input_size(files: list[str | Piece]) -> int:
    """Total bytes of the files on disk (compressed size for compressed files; 0 for stdin)."""
    total = 0
    for piece in files:
        piece = piece if isinstance(piece, Piece) else Piece(piece)
        if piece.end is not None:
            total += piece.end - piece.start
        elif piece.path != "-":
            total += os.path.getsize(piece.path)
    return total

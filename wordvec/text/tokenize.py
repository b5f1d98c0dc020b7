"""The tokenizer's rules, and the single-table scanner of the phrase passes.

The rules: a token is split on ASCII whitespace; `type_normalizer` turns its bytes into words
(decoding, lowercasing, stripping punctuation from its edges, splitting on Unicode spaces), once
per distinct raw token; `iter_sentences` is the slow twin of the whole pipeline. A newline ends
a sentence. The counting and encoding passes read their inputs in blocks on every core
(wordvec.text.blocks, counting, encoding), normalising ASCII tokens in their kernels.

The scanner (`RawTypeTable`, `scan`): files read in blocks of `BLOCK_BYTES`, never line by line,
so a 100 MB line streams in bounded memory; a numba kernel splits each block on ASCII
whitespace and interns the raw token bytes into one table, on one thread, handing the stream
of raw type ids to its caller (the phrase passes, wordvec.text.phrases and phrase_corpus).
"""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from ..config import TokenizerConfig
from ..errors import CorpusError
from .inputs import check_not_binary, open_input, read_failure
from .inputs import input_files  # noqa: F401 - part of this module's interface

BLOCK_BYTES = 4 << 20          # bytes read per kernel call

# ----------------------------------------------------------------------------- normalisation

def _is_edge_punctuation(ch: str) -> bool:
    # U+FFFD marks replaced bytes: it stays, so the damage remains visible in the word
    return unicodedata.category(ch)[0] in "PS" and ch != "\ufffd"


ASCII_PUNCTUATION = "".join(chr(c) for c in range(128) if _is_edge_punctuation(chr(c)))


def _strip_punctuation(word: str) -> str:
    if word.isascii():
        return word.strip(ASCII_PUNCTUATION)
    start, end = 0, len(word)
    while start < end and _is_edge_punctuation(word[start]):
        start += 1
    while end > start and _is_edge_punctuation(word[end - 1]):
        end -= 1
    return word[start:end]


def type_normalizer(config: TokenizerConfig) -> Callable[[bytes], list[str]]:
    """The function from one raw token's bytes to the words it stands for (zero, one or more).

    Example, words mode with lowercase: b'"Hello,' -> ['hello'];  b'--' -> [];
    b'a\\xc2\\xa0b' (a no-break space inside) -> ['a', 'b'].
    """
    lowercase = config.lowercase
    strip = config.tokens == "words"

    def words(raw: bytes) -> list[str]:
        text = raw.decode("utf-8", "replace")
        if lowercase:
            text = text.lower()
        parts = text.split() if not text.isascii() else [text]
        if strip:
            parts = [s for s in map(_strip_punctuation, parts) if s]
        return parts

    return words


# ----------------------------------------------------------------------------- the type table

class RawTypeTable:
    """Interned raw tokens (see wordvec._kernels.tokenize for the layout), grown on demand."""

    def __init__(self, types: int = 1 << 16, arena: int = 1 << 20):
        self.slots = np.zeros(4 * types, dtype=np.uint64)
        self.starts = np.zeros(types, dtype=np.int64)
        self.lengths = np.zeros(types, dtype=np.int32)
        self.counts = np.zeros(types, dtype=np.int64)
        self.arena = np.zeros(arena, dtype=np.uint8)
        self.sizes = np.zeros(2, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.sizes[0])

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.slots, self.starts, self.lengths, self.counts, self.arena))

    def arrays(self) -> tuple:
        return (self.slots, self.starts, self.lengths, self.counts, self.arena, self.sizes)

    def grow(self, status: int) -> None:
        from .._kernels import tokenize as k

        n = len(self)
        if status == k.NEED_SLOTS:
            self.slots = np.empty(2 * self.slots.shape[0], dtype=np.uint64)
            k.rehash(self.slots, self.starts, self.lengths, self.arena, n)
        elif status == k.NEED_TYPES:
            size = 2 * self.starts.shape[0]
            for name in ("starts", "lengths", "counts"):
                old = getattr(self, name)
                new = np.zeros(size, dtype=old.dtype)
                new[:n] = old[:n]
                setattr(self, name, new)
        elif status == k.NEED_ARENA:
            new = np.zeros(2 * self.arena.shape[0], dtype=np.uint8)
            new[: self.sizes[1]] = self.arena[: self.sizes[1]]
            self.arena = new
        else:  # pragma: no cover - kernel contract
            raise AssertionError(f"unknown tokenizer status {status}")

    def prune(self, min_count: int) -> None:
        """Forget types seen fewer than `min_count` times (word2vec's ReduceVocab)."""
        from .._kernels import tokenize as k

        keep = self.counts[: len(self)] >= min_count
        k.compact(keep, self.starts, self.lengths, self.counts, self.arena, self.sizes)
        k.rehash(self.slots, self.starts, self.lengths, self.arena, len(self))

    def clear(self) -> None:
        self.slots[:] = 0
        self.sizes[:] = 0


# ----------------------------------------------------------------------------- scanning

@dataclass
class ScanStats:
    """What a pass over the corpus saw."""

    files: int = 0
    bytes: int = 0
    tokens: int = 0
    lines: int = 0
    cut_tokens: int = 0

    def to_dict(self) -> dict:
        return {"files": self.files, "bytes": self.bytes, "raw_tokens": self.tokens,
                "cut_tokens": self.cut_tokens}


def scan(files: list[str], config: TokenizerConfig, table: RawTypeTable, *,
         on_block: Callable[[np.ndarray, int], None] | None = None,
         on_progress: Callable[[int], None] | None = None,
         after_block: Callable[[], None] | None = None,
         stats: ScanStats | None = None,
         block_bytes: int | None = None,
         file_end_marker: int | None = None) -> ScanStats:
    """Tokenize every file into `table` (counts per raw type).

    With `on_block`, the token stream (type ids, and NEWLINE at each newline) is handed over
    after every block as (array, length); a file end also ends the sentence, marked NEWLINE
    or `file_end_marker` (for writers that keep the lines of their input). `on_progress`
    receives bytes consumed (compressed bytes for compressed files); `after_block` runs
    between blocks (pruning the table, checking for interrupts).
    """
    from .._kernels import tokenize as k

    stats = stats or ScanStats()
    block_bytes = block_bytes or BLOCK_BYTES
    cap = config.max_token_bytes
    buf = np.empty(block_bytes + cap + 8, dtype=np.uint8)
    emit = on_block is not None
    out = np.empty(block_bytes // 2 + 16 if emit else 1, dtype=np.int32)
    records = k.batch_records()
    for name in files:
        try:
            opened = open_input(name)
        except CorpusError:
            raise
        except Exception as exc:  # noqa: BLE001 - a corrupt header fails while sniffing
            raise read_failure(name, exc) from exc
        stats.files += 1
        try:
            carry, skipping, first, last_pos = 0, False, True, 0
            while True:
                try:
                    got = opened.stream.readinto(memoryview(buf)[carry: carry + block_bytes])
                except Exception as exc:  # noqa: BLE001 - any decompressor failure is a data error
                    raise read_failure(opened.name, exc) from exc
                got = got or 0
                if first:
                    check_not_binary(opened.name, buf[:got].tobytes())
                    first = False
                stats.bytes += got
                final = got == 0
                end = carry + got
                pos = 0
                while True:
                    pos, status, skipping, used, tokens, cut = k.scan_block(
                        buf, pos, end, final, skipping, cap, *table.arrays(), emit, out, 0, records)
                    stats.tokens += tokens
                    stats.cut_tokens += cut
                    if emit and used:
                        on_block(out, used)
                    if status != k.OK:
                        table.grow(status)
                        continue
                    if emit and used == out.shape[0]:
                        continue  # the stream buffer filled up: it was flushed, go on
                    break
                if after_block is not None:
                    after_block()
                if final:
                    break
                carry = end - pos
                buf[:carry] = buf[pos:end]
                if on_progress is not None:
                    now = opened.position() if opened.raw is not None else stats.bytes
                    on_progress(now - last_pos)
                    last_pos = now
            if emit:
                out[0] = k.NEWLINE if file_end_marker is None else file_end_marker
                on_block(out, 1)
        finally:
            opened.close()
    return stats


def scan_with_progress(files: list[str], config: TokenizerConfig, table: RawTypeTable, desc: str,
                       **kwargs) -> ScanStats:
    """scan() under a progress bar on stderr: bytes read, tokens so far and tokens per second."""
    stats = ScanStats()
    with progress_reporter(files, desc, stats) as progress:
        return scan(files, config, table, on_progress=progress, stats=stats, **kwargs)


@contextmanager
def progress_reporter(files: list, desc: str, stats) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (bytes read, tokens so far, tokens per second) and the callback
    that advances it by the bytes consumed; `stats.tokens` is read as it grows."""
    import time

    from ..util.progress import progress_bar
    from .blocks import input_size

    started = time.perf_counter()
    with progress_bar(total=input_size(files) or None, desc=desc, unit="B", unit_scale=True) as bar:
        def progress(nbytes: int) -> None:
            bar.update(nbytes)
            rate = stats.tokens / max(time.perf_counter() - started, 1e-9)
            bar.set_postfix_str(f"{stats.tokens / 1e6:.1f}M tokens, {rate / 1e6:.2f}M tokens/s", refresh=False)

        yield progress


def iter_sentences(text: str | bytes, config: TokenizerConfig | None = None) -> Iterator[list[str]]:
    """Slow, simple twin of the pipeline for small inputs and tests: lines → normalised words."""
    config = config or TokenizerConfig()
    if isinstance(text, str):
        text = text.encode("utf-8")
    normalize = type_normalizer(config)
    for line in text.split(b"\n"):
        words = []
        for raw in line.replace(b"\x00", b" ").split():
            if len(raw) > config.max_token_bytes:
                raw = _cut_utf8(raw[: config.max_token_bytes])
            words.extend(normalize(raw))
        if words:
            yield words


def _cut_utf8(cut: bytes) -> bytes:
    """Drop a trailing incomplete UTF-8 character (the kernel's _utf8_cut, in Python)."""
    k = len(cut)
    while k > 0 and (cut[k - 1] & 0xC0) == 0x80:
        k -= 1
    if k > 0:
        lead = cut[k - 1]
        need = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if len(cut) - (k - 1) < need:
            return cut[: k - 1] or cut
    return cut

"""The tokenizer's rules: from the bytes of a whitespace-separated token to its words.

Inputs (see wordvec.text.inputs): plain, gzip, bzip2 or xz files, a folder of them, or stdin,
read in byte blocks (wordvec.text.blocks), never line by line, so a 100 MB line streams in
bounded memory. Numba kernels split each block on ASCII whitespace and apply these rules to
ASCII tokens themselves (lowercasing, stripping ASCII punctuation from the edges); a token with
any other byte is normalised here, in Python (decoding, Unicode lowercasing, stripping
punctuation, splitting on Unicode spaces), once per distinct token, not once per token.
A newline ends a sentence.
"""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from typing import Callable, Iterator

from ..config import TokenizerConfig
from .inputs import input_files  # noqa: F401 - part of this module's interface

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


# ----------------------------------------------------------------------------- progress

@contextmanager
def progress_reporter(files: list[str], desc: str, stats) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (bytes read, tokens so far, tokens per second) and the callback
    that advances it by the bytes consumed."""
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

#!/usr/bin/env python3
"""Prepare the benchmark inputs from /work/shared/corpora/bench-en.txt.xz, outside the repository.

Every tool in a benchmark must read exactly the same tokens, so the word2vec and GloVe benchmarks
use a "text8-style" file: lowercase, runs of a-z only, one input line (paragraph) per output line,
cut after the first N tokens. Every tool then splits on whitespace and sees identical words.

    prepare_bench_data.py raw                      # bench-en.txt, decompressed once
    prepare_bench_data.py text8 --tokens 10000000  # bench-en.t8.10000000.txt
    prepare_bench_data.py singleline --mb 100      # bench-en.singleline.100mb.txt (no newline at all)
    prepare_bench_data.py vectors --rows 100000 --dim 300   # random word2vec binary file

Files are written to a temporary name and renamed, so an interrupted run never leaves a
truncated input behind; an existing file is reused.
"""

from __future__ import annotations

import argparse
import lzma
import os
import re
import sys
from pathlib import Path

DEFAULT_SOURCE = Path("/work/shared/corpora/bench-en.txt.xz")
DEFAULT_DIR = Path(os.environ.get("WORDVEC_BENCH_DATA", "/tmp/benchdata"))

_LETTER_RUNS = re.compile(r"[a-z]+")


def text8_tokens(line: str) -> list[str]:
    """The text8 normalisation of one line: lowercase, then every maximal run of a-z is a token.

    >>> text8_tokens("Paris, 1900: l'Été -- it's DONE")
    ['paris', 'l', 't', 'it', 's', 'done']
    """
    return _LETTER_RUNS.findall(line.lower())


def _publish(tmp: Path, final: Path) -> Path:
    os.replace(tmp, final)
    return final


def _open_source(source: Path):
    if source.suffix == ".xz":
        return lzma.open(source, "rt", encoding="utf-8", errors="replace")
    return open(source, encoding="utf-8", errors="replace")


def ensure_raw(out_dir: Path = DEFAULT_DIR, source: Path = DEFAULT_SOURCE) -> Path:
    """The whole corpus decompressed once (for the vocabulary benchmark)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / "bench-en.txt"
    if final.exists():
        return final
    tmp = final.with_suffix(".tmp")
    with lzma.open(source, "rb") as src, open(tmp, "wb") as dst:
        while block := src.read(1 << 22):
            dst.write(block)
    return _publish(tmp, final)


def ensure_text8(n_tokens: int, out_dir: Path = DEFAULT_DIR, source: Path = DEFAULT_SOURCE) -> Path:
    """The first `n_tokens` text8-style tokens, one non-empty line per input line."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"bench-en.t8.{n_tokens}.txt"
    if final.exists():
        return final
    tmp = final.with_suffix(".tmp")
    written = 0
    with _open_source(source) as src, open(tmp, "w", encoding="ascii") as dst:
        for line in src:
            tokens = text8_tokens(line)
            if not tokens:
                continue
            tokens = tokens[: n_tokens - written]   # cut the last line at exactly n_tokens
            dst.write(" ".join(tokens))
            dst.write("\n")
            written += len(tokens)
            if written >= n_tokens:
                break
    if written < n_tokens:
        print(f"prepare_bench_data: {source} has only {written} tokens (asked {n_tokens})", file=sys.stderr)
    return _publish(tmp, final)


def ensure_singleline(megabytes: int, out_dir: Path = DEFAULT_DIR, source: Path = DEFAULT_SOURCE) -> Path:
    """About `megabytes` MB of real text with every newline replaced by a space: one huge line."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"bench-en.singleline.{megabytes}mb.txt"
    if final.exists():
        return final
    tmp = final.with_suffix(".tmp")
    budget = megabytes * 1_000_000
    with lzma.open(source, "rb") as src, open(tmp, "wb") as dst:
        while budget > 0:
            block = src.read(min(1 << 22, budget))
            if not block:
                break
            dst.write(block.replace(b"\n", b" "))
            budget -= len(block)
    return _publish(tmp, final)


def ensure_random_vectors(rows: int, dim: int, out_dir: Path = DEFAULT_DIR, seed: int = 0) -> Path:
    """A word2vec binary file (GoogleNews layout) with `rows` random float32 vectors."""
    import numpy as np

    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"random.{rows}x{dim}.bin"
    if final.exists():
        return final
    tmp = final.with_suffix(".tmp")
    vectors = np.random.default_rng(seed).standard_normal((rows, dim), dtype=np.float32)
    with open(tmp, "wb") as dst:
        dst.write(f"{rows} {dim}\n".encode())
        for i in range(rows):
            # word, space, dim little-endian float32, newline (as word2vec's -binary 1 writes)
            dst.write(b"w%07d " % i)
            dst.write(vectors[i].astype("<f4").tobytes())
            dst.write(b"\n")
    return _publish(tmp, final)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help="output folder [%(default)s]")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="corpus [%(default)s]")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("raw", help="decompress the whole corpus")
    text8 = sub.add_parser("text8", help="first N text8-style tokens")
    text8.add_argument("--tokens", type=int, default=10_000_000)
    single = sub.add_parser("singleline", help="N MB of text on one line")
    single.add_argument("--mb", type=int, default=100)
    vectors = sub.add_parser("vectors", help="random word2vec binary vectors")
    vectors.add_argument("--rows", type=int, default=100_000)
    vectors.add_argument("--dim", type=int, default=300)
    args = parser.parse_args(argv)
    if args.what == "raw":
        path = ensure_raw(args.out, args.source)
    elif args.what == "text8":
        path = ensure_text8(args.tokens, args.out, args.source)
    elif args.what == "singleline":
        path = ensure_singleline(args.mb, args.out, args.source)
    else:
        path = ensure_random_vectors(args.rows, args.dim, args.out)
    print(path)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prepare the benchmark inputs from /work/shared/corpora/bench-en.txt.xz, outside the repository.

Every tool in a benchmark must read exactly the same tokens, so the word2vec and GloVe benchmarks
use a "text8-style" file: lowercase, runs of a-z only, one input line (paragraph) per output line,
cut after the first N tokens. Every tool then splits on whitespace and sees identical words.

    prepare_bench_data.py raw                      # bench-en.txt, decompressed once
    prepare_bench_data.py text8 --tokens 10000000  # bench-en.t8.10000000.txt
    prepare_bench_data.py singleline --mb 100      # bench-en.singleline.100mb.txt (no newline at all)
    prepare_bench_data.py vectors --rows 100000 --dim 300   # random word2vec binary file
    prepare_bench_data.py glove --rows 400000 --dim 300     # real words, random vectors, GloVe text
    prepare_bench_data.py native --rows 3000000 --dim 300   # real words and phrases, native folder
    prepare_bench_data.py gensim-copy FOLDER                # the same vectors in gensim's format

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


def real_words(n: int, lowercase: bool, out_dir: Path = DEFAULT_DIR) -> list[str]:
    """The `n` most frequent whitespace tokens of the decompressed corpus (lowercased or as
    written), by count then word; past the corpus's distinct tokens, GoogleNews-style phrases
    joining two frequent words with '_'. Cached as one word per line beside the corpus."""
    from collections import Counter

    cache = out_dir / f"bench-en.words.{'lower' if lowercase else 'cased'}.txt"
    if not cache.exists():
        counts: Counter = Counter()
        with open(ensure_raw(out_dir), encoding="utf-8", errors="replace") as src:
            for line in src:
                counts.update((line.lower() if lowercase else line).split())
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        tmp = cache.with_suffix(".tmp")
        tmp.write_text("".join(f"{w}\n" for w, _ in ranked), encoding="utf-8")
        _publish(tmp, cache)
    words = cache.read_text(encoding="utf-8").split("\n")[:-1][:n]
    seen, common = set(words), words[:4000]
    i = 0
    while len(words) < n:
        phrase = f"{common[i % len(common)]}_{common[i // len(common) % len(common)]}"
        i += 1
        if phrase not in seen:
            seen.add(phrase)
            words.append(phrase)
    return words


def ensure_glove_text(rows: int, dim: int, out_dir: Path = DEFAULT_DIR, seed: int = 0) -> Path:
    """GloVe text (no header) of the `rows` most frequent lowercase words with random vectors
    written to 5 significant digits, as Stanford's published files are (400k x 300: ~1.1 GB)."""
    import numpy as np

    final = out_dir / f"random.glove.{rows}x{dim}.txt"
    if final.exists():
        return final
    words = real_words(rows, lowercase=True, out_dir=out_dir)
    rng = np.random.default_rng(seed)
    tmp = final.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as dst:
        for start in range(0, rows, 10_000):
            block = (0.4 * rng.standard_normal((min(10_000, rows - start), dim))).astype(np.float32)
            dst.write("".join(f"{w} " + " ".join(map("{:.5g}".format, row)) + "\n"
                              for w, row in zip(words[start:start + len(block)], block.tolist())))
    return _publish(tmp, final)


def ensure_native_folder(rows: int, dim: int, out_dir: Path = DEFAULT_DIR, seed: int = 0) -> Path:
    """A wordvec native folder (saved by wordvec itself) of `rows` case-preserved real words and
    phrases (GoogleNews-like) with random vectors; 3M x 300 is 3.6 GB."""
    import shutil

    import numpy as np

    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    final = out_dir / f"random.native.{rows}x{dim}.wv"
    if final.exists():
        return final
    words = real_words(rows, lowercase=False, out_dir=out_dir)
    scratch = out_dir / f"random.native.{rows}x{dim}.scratch.npy"
    matrix = np.lib.format.open_memmap(scratch, mode="w+", dtype=np.float32, shape=(rows, dim))
    rng = np.random.default_rng(seed)
    for start in range(0, rows, 100_000):
        matrix[start:start + 100_000] = rng.standard_normal((min(100_000, rows - start), dim), dtype=np.float32)
    matrix.flush()
    del matrix
    tmp = final.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    save(KeyedVectors(np.load(scratch, mmap_mode="r"), words), tmp)
    scratch.unlink()
    return _publish(tmp, final)


def ensure_gensim_copy(folder: Path) -> Path:
    """The same vectors in gensim's own format (KeyedVectors.save: a pickle plus .npy arrays),
    for gensim's fastest load, KeyedVectors.load(mmap='r')."""
    import numpy as np
    from gensim.models import KeyedVectors

    final = folder.with_suffix(".gensim.kv")
    if final.exists():
        return final
    words = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    kv = KeyedVectors(vector_size=int(np.load(folder / "vectors.npy", mmap_mode="r").shape[1]))
    kv.index_to_key = [line.rsplit(" ", 1)[0] for line in words]
    kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
    kv.vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    tmp = final.with_name(final.name + ".tmp")
    kv.save(str(tmp))
    Path(str(tmp) + ".vectors.npy").rename(str(final) + ".vectors.npy")
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
    glove = sub.add_parser("glove", help="GloVe text of real words with random vectors")
    glove.add_argument("--rows", type=int, default=400_000)
    glove.add_argument("--dim", type=int, default=300)
    native = sub.add_parser("native", help="a native folder of real words and phrases, random vectors")
    native.add_argument("--rows", type=int, default=3_000_000)
    native.add_argument("--dim", type=int, default=300)
    copy = sub.add_parser("gensim-copy", help="a native folder's vectors in gensim's own format")
    copy.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.what == "raw":
        path = ensure_raw(args.out, args.source)
    elif args.what == "text8":
        path = ensure_text8(args.tokens, args.out, args.source)
    elif args.what == "singleline":
        path = ensure_singleline(args.mb, args.out, args.source)
    elif args.what == "glove":
        path = ensure_glove_text(args.rows, args.dim, args.out)
    elif args.what == "native":
        path = ensure_native_folder(args.rows, args.dim, args.out)
    elif args.what == "gensim-copy":
        path = ensure_gensim_copy(args.folder)
    else:
        path = ensure_random_vectors(args.rows, args.dim, args.out)
    print(path)


if __name__ == "__main__":
    main()

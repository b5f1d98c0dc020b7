"""`wordvec vocab` (count a corpus, write vocab.txt) and `wordvec cooccur` (count co-occurrences)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ..config import CooccurConfig, TokenizerConfig, VocabConfig
from .options import (cache_option, config_options, corpus_argument, json_option, output_option,
                      phrases_option, vocab_file_option)
from .training import check_output_of, prepare, report


@click.command()
@corpus_argument
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write vocab.txt ('word count' per line, most frequent first).")
@config_options(VocabConfig, TokenizerConfig)
@json_option
def vocab(**options: Any) -> None:
    """Count the words of CORPUS (files, folders, .gz/.bz2/.xz, or - for stdin) and write a vocabulary."""
    from ..config import build
    from ..text.vocab import build_vocab

    tokenizer = build(TokenizerConfig, options)
    settings = build(VocabConfig, options)
    check_output_of(options)  # before the counting pass, not after it
    output = options["output"]
    result = build_vocab(list(options["corpus"]), tokenizer, min_count=settings.min_count,
                         max_vocab=settings.max_vocab)
    result.vocab.save(output)
    rate = result.raw_tokens / max(result.seconds, 1e-9)
    report(dict(result.to_dict(), output=output),
           [f"read {result.files:,} file(s), {result.bytes:,} bytes in {result.seconds:.2f} s "
            f"({f'{rate / 1e6:.1f}M' if rate >= 1e6 else f'{rate / 1e3:.0f}k'} tokens/s)",
            f"tokens:         {result.tokens:,}",
            f"distinct words: {result.distinct:,}",
            f"kept words:     {len(result.vocab):,} (min count {settings.min_count}"
            + (f", max {settings.max_vocab:,}" if settings.max_vocab else "") + ")",
            f"coverage:       {result.coverage:.2%} of tokens are kept words",
            f"wrote {output}"], options["json"])


@click.command()
@corpus_argument
@output_option
@config_options(CooccurConfig, VocabConfig, TokenizerConfig)
@vocab_file_option
@phrases_option
@cache_option
@json_option
def cooccur(**options: Any) -> None:
    """Count the co-occurrences of CORPUS into a folder (rows/cols/vals .npy, vocab.txt, meta.json)."""
    from ..config import build
    from ..train.cooccur import budget_bytes, count_cooccurrences
    from ..util.memory import human_bytes
    from ..util.progress import log

    config = build(CooccurConfig, options)
    build(VocabConfig, options)
    check_output_of(options)
    output = options["output"]
    log.info("co-occurrence budget: %s", human_bytes(budget_bytes(config.memory)))
    start = time.perf_counter()
    vocabulary, encoded = prepare(options)
    result = count_cooccurrences(encoded, vocabulary, config, output=output, tmp_dir=Path(output).parent)
    seconds = time.perf_counter() - start
    report({"output": str(output), "nnz": result.nnz, "vocab_size": len(vocabulary),
            "tokens": encoded.n_tokens, "window": config.window, "seconds": round(seconds, 3)},
           [f"{result.nnz:,} non-zero co-occurrences of {len(vocabulary):,} words "
            f"({encoded.n_tokens:,} tokens) in {seconds:.1f} s: wrote {output}"], options["json"])

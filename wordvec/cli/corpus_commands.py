"""`wordvec vocab` (count a corpus, write vocab.txt) and `wordvec cooccur` (count co-occurrences)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ..config import CooccurConfig, TokenizerConfig, VocabConfig
from .options import (cache_option, config_options, corpus_argument, dask_options, force_option, json_option,
                      output_option, phrases_option, vocab_file_option)
from .outputs import FOLDER, VOCABULARY_FILE, check_output_of
from .reports import report
from .training import cluster, prepare


@click.command()
@corpus_argument
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the vocabulary ('word count' per line, most frequent first); - for stdout.")
@config_options(VocabConfig, TokenizerConfig)
@force_option
@dask_options
@json_option
def vocab(**options: Any) -> None:
    """Count the words of CORPUS (files, folders, .gz/.bz2/.xz, or - for stdin) and write a vocabulary."""
    import sys

    from ..config import build
    from ..text.vocab import build_vocab
    from ..util.progress import plural

    tokenizer = build(TokenizerConfig, options)
    settings = build(VocabConfig, options)
    output, to_stdout = options["output"], options["output"] == "-"
    if to_stdout and options["json"]:
        raise click.UsageError("-o - writes the vocabulary on stdout, where --json would print the summary: drop one")
    if not to_stdout:
        check_output_of(options, VOCABULARY_FILE)  # before the counting pass, not after it
    with cluster(options) as session:
        if session is not None:
            result = session.build_vocab(list(options["corpus"]), tokenizer, settings.min_count, settings.max_vocab)
        else:
            result = build_vocab(list(options["corpus"]), tokenizer, settings.min_count, settings.max_vocab,
                                 threads=settings.threads)
    if to_stdout:
        result.vocab.write(sys.stdout)
        sys.stdout.flush()
    else:
        result.vocab.save(output)
    rate = result.raw_tokens / max(result.seconds, 1e-9)
    folded = [what for what, on in (("punctuation stripped", tokenizer.tokens == "words"),
                                    ("lowercased", tokenizer.lowercase)) if on]
    lines = [f"read {plural(result.files, 'file')}, {result.bytes:,} bytes in {result.seconds:.2f} s "
             f"({f'{rate / 1e6:.1f}M' if rate >= 1e6 else f'{rate / 1e3:.0f}k'} raw tokens/s)",
             f"raw tokens:     {result.raw_tokens:,} (split on whitespace)",
             f"word tokens:    {result.word_tokens:,} (after the tokenizer: {', '.join(folded) or 'as read'})",
             f"distinct words: {result.distinct:,}",
             f"kept words:     {len(result.vocab):,} (--min-count {settings.min_count:,}"
             + (f", --max-vocab {settings.max_vocab:,}" if settings.max_vocab else "") + ")",
             f"kept tokens:    {result.vocab.total_tokens:,} ({result.coverage:.2%} of word tokens)",
             f"wrote {'the vocabulary to stdout' if to_stdout else output}"]
    report(dict(result.to_dict(), output=output), lines, options["json"], aside=to_stdout)


@click.command()
@corpus_argument
@output_option
@config_options(CooccurConfig, VocabConfig, TokenizerConfig)
@vocab_file_option
@phrases_option
@cache_option
@force_option
@dask_options
@json_option
def cooccur(**options: Any) -> None:
    """Count the co-occurrences of CORPUS into a folder (rows/cols/vals .npy, vocab.txt, meta.json)."""
    from ..config import build
    from ..train.cooccur import budget_bytes, count_cooccurrences
    from ..util.memory import human_bytes
    from ..util.progress import log

    config = build(CooccurConfig, options)
    build(VocabConfig, options)
    check_output_of(options, FOLDER)
    output = options["output"]
    log.info("co-occurrence budget: %s", human_bytes(budget_bytes(config.memory)))
    start = time.perf_counter()
    with cluster(options) as session:
        vocabulary, encoded = prepare(options, session=session)
        result = (session.cooccurrences(encoded, vocabulary, config, output) if session is not None else
                  count_cooccurrences(encoded, vocabulary, config, output=output, tmp_dir=Path(output).parent))
    seconds = time.perf_counter() - start
    report({"output": str(output), "nnz": result.nnz, "vocab_size": len(vocabulary),
            "kept_tokens": encoded.n_tokens, "window": config.window, "seconds": round(seconds, 3)},
           [f"{result.nnz:,} non-zero co-occurrences of {len(vocabulary):,} words "
            f"({encoded.n_tokens:,} kept tokens) in {seconds:.1f} s: wrote {output}"], options["json"])

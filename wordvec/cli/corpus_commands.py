"""`wordvec vocab`: count a corpus and write vocab.txt."""

from __future__ import annotations

import json

import click

from . import cli
from .options import corpus_argument, json_option, tokenizer_options


@cli.command()
@corpus_argument
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write vocab.txt ('word count' per line, most frequent first).")
@click.option("--min-count", type=int, default=5, show_default=True, help="Drop words seen fewer times.")
@click.option("--max-vocab", type=int, default=None, help="Keep at most this many most frequent words.")
@tokenizer_options
@json_option
def vocab(corpus, output, min_count, max_vocab, tokens, lowercase, as_json):
    """Count the words of CORPUS (files, folders, .gz/.bz2/.xz, or - for stdin) and write a vocabulary."""
    from ..util.atomic import check_output
    from ..config import TokenizerConfig
    from ..text.vocab import build_vocab

    tokenizer = TokenizerConfig(tokens=tokens, lowercase=lowercase).validate()
    check_output(output)  # before the counting pass, not after it
    report = build_vocab(list(corpus), tokenizer, min_count=min_count, max_vocab=max_vocab)
    report.vocab.save(output)
    if as_json:
        click.echo(json.dumps(dict(report.to_dict(), output=output)))
        return
    rate = report.raw_tokens / max(report.seconds, 1e-9)
    click.echo(f"read {report.files:,} file(s), {report.bytes:,} bytes in {report.seconds:.2f} s "
               f"({f'{rate / 1e6:.1f}M' if rate >= 1e6 else f'{rate / 1e3:.0f}k'} tokens/s)")
    click.echo(f"tokens:         {report.tokens:,}")
    click.echo(f"distinct words: {report.distinct:,}")
    click.echo(f"kept words:     {len(report.vocab):,} (min count {min_count}"
               + (f", max {max_vocab:,}" if max_vocab else "") + ")")
    click.echo(f"coverage:       {report.coverage:.2%} of tokens are kept words")
    click.echo(f"wrote {output}")

"""What every `wordvec train ...` command does around its trainer: check the output against
the inputs, prepare the corpus from the command's options, print the summary."""

from __future__ import annotations

import json
from typing import Any

import click


def inputs_of(options: dict[str, Any]) -> list[tuple[str, object]]:
    """The command's inputs as (what, path) pairs, for check_output."""
    pairs: list[tuple[str, object]] = [("corpus", c) for c in options.get("corpus") or ()]
    return pairs + [("--vocab file", options.get("vocab")), ("--cooc folder", options.get("cooc")),
                    ("--phrases table", options.get("phrases"))]


def check_output_of(options: dict[str, Any]) -> None:
    """Fail before any work if -o cannot be written or would replace one of the inputs."""
    from ..util.atomic import check_output

    check_output(options["output"], inputs_of(options))


def prepare(options: dict[str, Any]):
    """(Vocab, EncodedCorpus) of the command's corpus, tokenizer and vocabulary options."""
    from ..config import TokenizerConfig, build
    from ..text.corpus import prepare_corpus

    tokenizer = build(TokenizerConfig, options)
    return prepare_corpus(list(options["corpus"]), tokenizer, min_count=options["min_count"],
                          max_vocab=options["max_vocab"], vocab_path=options.get("vocab"),
                          cache=options.get("cache", True), phrases=phrase_table(options, tokenizer))


def phrase_table(options: dict[str, Any], tokenizer):
    """The --phrases table, if any; a warning when it was learned with another tokenizer."""
    if not options.get("phrases"):
        return None
    from ..text.phrase_table import PhraseTable
    from ..util.progress import log

    table = PhraseTable.load(options["phrases"])
    if table.tokenizer != tokenizer:
        differ = [f"--{k.replace('_', '-')} {v}" for k, v in table.tokenizer.to_dict().items()
                  if getattr(tokenizer, k) != v]
        log.warning(f"{options['phrases']} was learned with {', '.join(differ)}; this run tokenizes otherwise, so "
                    "some of its phrases may never match")
    return table


def report(summary: dict[str, Any], lines: list[str], as_json: bool) -> None:
    """The command's result: one JSON object, or lines for people."""
    if as_json:
        click.echo(json.dumps(summary))
        return
    for line in lines:
        click.echo(line)

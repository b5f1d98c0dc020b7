"""`wordvec phrases`: learn collocations and write the corpus with them joined (new_york)."""

from __future__ import annotations

from typing import Any

import click

from ..config import PhraseConfig, TokenizerConfig
from .options import config_options, corpus_argument, force_option, json_option
from .reports import report


@click.command()
@corpus_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the corpus here with its phrases joined by '_', one line per input line (- for stdout).")
@config_options(PhraseConfig, TokenizerConfig)
@click.option("--save-table", type=click.Path(dir_okay=False), default=None,
              help="Save the learned phrase table (text) to reuse on other text with --table or train --phrases.")
@click.option("--table", type=click.Path(dir_okay=False), default=None,
              help="Join the phrases of this saved table instead of learning (the learning options are then "
                   "ignored; the tokenizer is the table's unless --tokens/--lowercase are given).")
@force_option
@json_option
def phrases(**options: Any) -> None:
    """Find phrases in CORPUS (files, folders, .gz/.bz2/.xz, or - for stdin) as gensim's Phrases and
    word2phrase do, and write the corpus with each phrase joined into one token.

    A phrase is two words, with connector words allowed between them, that occur together often
    enough to score above --threshold; joining is greedy, left to right, and never crosses a
    line. --passes 2 joins the joined tokens again (new_york_city)."""
    from ..config import build
    from ..text.phrase_table import PhraseTable
    from ..text.phrases import join_phrases, learn_phrases
    from ..util.atomic import check_output
    from .outputs import PHRASE_TABLE_FILE, TEXT_FILE

    output, save_table, table_path = options["output"], options["save_table"], options["table"]
    if output is None and (save_table is None or table_path is not None):
        raise click.UsageError("nothing to write: give -o for the joined corpus" +
                               (" and/or --save-table" if table_path is None else ""))
    if output == "-" and options["json"]:
        raise click.UsageError("-o - writes the joined corpus on stdout, where --json would print the summary: "
                               "drop one")
    inputs = [("corpus", c) for c in options["corpus"]] + [("--table", table_path)]
    for path, writes in ((save_table, PHRASE_TABLE_FILE), (None if output == "-" else output, TEXT_FILE)):
        if path is not None:
            check_output(path, inputs, writes=writes, force=options["force"])
    if table_path is not None:
        table = PhraseTable.load(table_path)
        tokenizer = _tokenizer(options, table.tokenizer)
        result = join_phrases(table, list(options["corpus"]), output, tokenizer)
        if save_table is not None:
            table.save(save_table)
        _summary(dict(result, output=output, phrases=len(table)),
                 [f"joined {sum(result['joined']):,} phrases ({len(table):,} in the table) in {result['tokens']:,} "
                  f"tokens in {result['seconds']:.1f} s"], options)
        return
    learned = learn_phrases(list(options["corpus"]), build(PhraseConfig, options), build(TokenizerConfig, options),
                            output=output)
    if save_table is not None:
        learned.table.save(save_table)
    rounds = learned.rounds
    lines = [f"read {learned.tokens:,} tokens ({learned.distinct_words:,} distinct words) in "
             f"{learned.seconds:.1f} s"]
    lines += [f"round {n}: {r.phrases:,} phrases from {r.distinct_pairs:,} distinct pairs"
              + (f" (pairs seen {r.prune_threshold} time(s) or fewer were forgotten: --max-pairs)"
                 if r.prune_threshold else "")
              + (f"; {r.joined:,} joined in the output" if output is not None else "")
              for n, r in enumerate(rounds, 1)]
    _summary(dict(learned.to_dict(), output=output, table=save_table), lines, options)


def _tokenizer(options: dict[str, Any], learned_with: TokenizerConfig) -> TokenizerConfig:
    """The table's tokenizer, with the tokenizer options given on the command line."""
    import dataclasses

    ctx = click.get_current_context()
    given = {name: options[name] for name in ("tokens", "lowercase")
             if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT}
    return dataclasses.replace(learned_with, **given).validate()


def _summary(summary: dict, lines: list[str], options: dict[str, Any]) -> None:
    """The report, on stderr when stdout carries the joined corpus."""
    lines += [f"wrote {path}" for path in (options["output"], options["save_table"]) if path not in (None, "-")]
    report(summary, lines, options["json"], aside=options["output"] == "-")

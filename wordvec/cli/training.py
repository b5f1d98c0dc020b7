"""What every `wordvec train ...` command does around its trainer: check the output against
the inputs, prepare the corpus from the command's options, print the summary."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Iterator

import click


def inputs_of(options: dict[str, Any]) -> list[tuple[str, object]]:
    """The command's inputs as (what, path) pairs, for check_output."""
    pairs: list[tuple[str, object]] = [("corpus", c) for c in options.get("corpus") or ()]
    return pairs + [("--vocab file", options.get("vocab")), ("--cooc folder", options.get("cooc")),
                    ("--phrases table", options.get("phrases")), ("--init vectors", options.get("init"))]


def check_output_of(options: dict[str, Any]) -> None:
    """Fail before any work if -o (or the checkpoint folder) cannot be written or would replace
    one of the inputs (or each other)."""
    from ..util.atomic import check_output

    inputs = inputs_of(options)
    check_output(options["output"], inputs + [("--resume checkpoint", options.get("resume"))])
    folder = options.get("checkpoint") or options.get("resume")
    if folder is not None:
        check_output(folder, inputs + [("output", options["output"])])


def checkpointing(options: dict[str, Any], trainer: str, config) -> tuple[Any, Any]:
    """(Checkpointer or None, Checkpoint to resume or None) of --checkpoint, --checkpoint-every and
    --resume; a checkpoint of another trainer or other settings is refused here, before any work."""
    folder = options.get("checkpoint") or options.get("resume")
    if folder is None:
        return None, None
    from ..train.checkpoint import Checkpointer, check_settings, load_checkpoint, resume_command
    from .exits import command_line

    resume = None
    if options.get("resume"):
        resume = load_checkpoint(options["resume"])
        check_settings(resume, trainer, config.to_dict())
    return Checkpointer(folder, options["checkpoint_every"], resume_command(command_line, folder)), resume


@contextlib.contextmanager
def interrupt_notes(checkpointer) -> Iterator[None]:
    """An interrupt outside the checkpointed training loop says what became of the checkpoint."""
    from ..errors import Interrupted

    try:
        yield
    except Interrupted as exc:
        if exc.note is None and checkpointer is not None:
            folder = checkpointer.path
            if checkpointer.phase == "after":
                exc.note = "training had finished; the vectors were not saved: run the command again" + (
                    f" with --resume {folder} to redo only the end" if folder.exists() else "")
            elif folder.exists():
                exc.note = f"the checkpoint {folder} is unchanged; resume with: {checkpointer.command}"
            else:
                exc.note = "training had not started, so there is no checkpoint yet: run the same command again"
        raise


def prepare(options: dict[str, Any], extend=None):
    """(Vocab, EncodedCorpus) of the command's corpus, tokenizer and vocabulary options;
    `extend`: the vocabulary to continue (--init), see prepare_corpus."""
    from ..config import TokenizerConfig, build
    from ..text.corpus import prepare_corpus

    tokenizer = build(TokenizerConfig, options)
    return prepare_corpus(list(options["corpus"]), tokenizer, min_count=options["min_count"],
                          max_vocab=options["max_vocab"], vocab_path=options.get("vocab"),
                          cache=options.get("cache", True), phrases=phrase_table(options, tokenizer),
                          extend=extend)


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

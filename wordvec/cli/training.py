"""What every `wordvec train ...` command does around its trainer: prepare the corpus from the
command's options, print the summary (checking the output is wordvec.cli.outputs)."""

from __future__ import annotations

import json
from typing import Any

import click


def prepare(options: dict[str, Any]):
    """(Vocab, EncodedCorpus) of the command's corpus, tokenizer and vocabulary options."""
    from ..config import TokenizerConfig, build
    from ..text.corpus import prepare_corpus

    tokenizer = build(TokenizerConfig, options)
    return prepare_corpus(list(options["corpus"]), tokenizer, min_count=options["min_count"],
                          max_vocab=options["max_vocab"], vocab_path=options.get("vocab"),
                          cache=options.get("cache", True))


def report(summary: dict[str, Any], lines: list[str], as_json: bool) -> None:
    """The command's result: one JSON object, or lines for people."""
    if as_json:
        click.echo(json.dumps(summary))
        return
    for line in lines:
        click.echo(line)


_STAGE_NAMES = {"prepare_seconds": "preparing the corpus", "cooccur_seconds": "counting co-occurrences",
                "tune_seconds": "tuning",
                "kernel_load_seconds": "loading kernels", "train_seconds": "training", "save_seconds": "saving"}


def timings(stages: dict[str, float], started: float) -> dict[str, float]:
    """The run's one set of timings (rounded once, so text and --json say the same): each
    stage's seconds and the whole run's."""
    import time

    return {**{k: round(v, 3) for k, v in stages.items()}, "seconds": round(time.perf_counter() - started, 3)}


def timing_line(times: dict[str, float]) -> str:
    """'1.4 s in all: preparing the corpus 0.1 s, loading kernels 0.9 s, training 0.2 s, saving 0.0 s'."""
    parts = [f"{name} {times[key]:.1f} s" for key, name in _STAGE_NAMES.items() if key in times]
    return f"{times['seconds']:.1f} s in all: " + ", ".join(parts)

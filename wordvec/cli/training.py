"""What every `wordvec train ...` command does around its trainer: prepare the corpus from the
command's options, print the summary (checking the output is wordvec.cli.outputs)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click


@contextmanager
def cluster(options: dict[str, Any]) -> Iterator:
    """The command's Dask session (wordvec.cluster) when --dask was given, else None."""
    if not options.get("dask"):
        yield None
        return
    from ..cluster.prepare import DaskSession

    with DaskSession(options["dask"], near=Path(options["output"]).resolve().parent,
                     work=options.get("dask_work")) as session:
        yield session


def prepare(options: dict[str, Any], session=None):
    """(Vocab, EncodedCorpus) of the command's corpus, tokenizer and vocabulary options; on the
    cluster of `session`, or of --dask (connected for this alone), when there is one."""
    from ..config import TokenizerConfig, build
    from ..text.corpus import prepare_corpus

    if session is None and options.get("dask"):
        with cluster(options) as session:
            return prepare(options, session)
    tokenizer = build(TokenizerConfig, options)
    settings = {"min_count": options["min_count"], "max_vocab": options["max_vocab"], "vocab_path": options.get("vocab"),
                "cache": options.get("cache", True)}
    if session is not None:
        return session.prepare(list(options["corpus"]), tokenizer, **settings)
    threads = options.get("threads")  # text when it is the setting a sweep varies: then every core
    return prepare_corpus(list(options["corpus"]), tokenizer, threads=threads if isinstance(threads, int) else None,
                          **settings)


def report(summary: dict[str, Any], lines: list[str], as_json: bool) -> None:
    """The command's result: one JSON object, or lines for people."""
    if as_json:
        click.echo(json.dumps(summary))
        return
    for line in lines:
        click.echo(line)


_STAGE_NAMES = {"prepare_seconds": "preparing the corpus", "cooccur_seconds": "counting co-occurrences",
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

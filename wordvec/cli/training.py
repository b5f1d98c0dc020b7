"""What every `wordvec train ...` command does around its trainer: prepare the corpus from the
command's options, checkpoints, one set of timings (checking the output is wordvec.cli.outputs;
printing the summary, wordvec.cli.reports)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator


def checkpointing(options: dict[str, Any], trainer: str, config, settle=None) -> tuple[Any, Any, Any]:
    """(Checkpointer or None, Checkpoint to resume or None, config) of --checkpoint,
    --checkpoint-every and --resume; a checkpoint of another trainer or other settings is refused
    here, before any work. settle(config, checkpoint) -> config: settings a resumed run takes from
    its checkpoint rather than from the command line (those item2vec's --tune chose)."""
    folder = options.get("checkpoint") or options.get("resume")
    if folder is None:
        return None, None, config
    from ..train.checkpoint import Checkpointer, check_settings, load_checkpoint, resume_command
    from .exits import command_line

    resume = None
    if options.get("resume"):
        resume = load_checkpoint(options["resume"])
        if settle is not None:
            config = settle(config, resume)
        check_settings(resume, trainer, config.to_dict())
    return Checkpointer(folder, options["checkpoint_every"], resume_command(command_line, folder)), resume, config


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


@contextlib.contextmanager
def cluster(options: dict[str, Any]) -> Iterator:
    """The command's Dask session (wordvec.cluster) when --dask was given, else None."""
    if not options.get("dask"):
        yield None
        return
    from ..cluster.prepare import DaskSession

    with DaskSession(options["dask"], near=Path(options["output"]).resolve().parent,
                     work=options.get("dask_work")) as session:
        yield session


def prepare(options: dict[str, Any], extend=None, session=None):
    """(Vocab, EncodedCorpus) of the command's corpus, tokenizer and vocabulary options;
    `extend`: the vocabulary to continue (--init), see prepare_corpus; on the cluster of
    `session`, or of --dask (connected for this alone), when there is one."""
    from ..config import TokenizerConfig, build
    from ..text.corpus import prepare_corpus

    if session is None and options.get("dask"):
        with cluster(options) as session:
            return prepare(options, extend, session)
    tokenizer = build(TokenizerConfig, options)
    settings = {"min_count": options["min_count"], "max_vocab": options["max_vocab"], "vocab_path": options.get("vocab"),
                "cache": options.get("cache", True), "phrases": phrase_table(options, tokenizer), "extend": extend}
    if session is not None:
        return session.prepare(list(options["corpus"]), tokenizer, **settings)
    threads = options.get("threads")  # text when it is the setting a sweep varies: then every core
    return prepare_corpus(list(options["corpus"]), tokenizer, threads=threads if isinstance(threads, int) else None,
                          **settings)


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

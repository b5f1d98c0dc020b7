"""`wordvec train glove`: vocabulary, co-occurrences (or a --cooc folder), AdaGrad, save, report."""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from ..config import GloVeConfig, TokenizerConfig
from .options import (cache_option, checkpoint_options, config_options, dask_options, force_option, format_option,
                      json_option, output_option, phrases_option, vocab_file_option)
from .outputs import check_checkpoint_of, check_output_of, vectors_output
from .reports import report
from .training import checkpointing, cluster, interrupt_notes, prepare, timing_line, timings


def gib(n: int | None) -> str:
    """Bytes for people (memory.human_bytes), or why the figure is not known yet."""
    from ..util.memory import human_bytes

    return "unknown until counted" if n is None else human_bytes(n)


def _vocab_and_cooc(options: dict[str, Any], config: GloVeConfig, stack: ExitStack):
    """(vocab, encoded corpus or None, co-occurrences or None) for the command's inputs; with
    --dask the co-occurrences are counted on the cluster into a folder that `stack` removes."""
    if options["cooc"] is None and options["dask"]:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=".cooc-", dir=Path(options["output"])
                                                                      .resolve().parent)))
        with cluster(options) as session:  # the cluster is let go before training
            vocab, encoded = prepare(options, session=session)
            return vocab, encoded, session.cooccurrences(encoded, vocab, config.cooccur, folder / "cooc")
    if options["cooc"] is None:
        return (*prepare(options), None)
    from ..text.vocab import Vocab
    from ..train.cooccur import load_cooccurrence

    cooc = load_cooccurrence(options["cooc"])
    if options["corpus"]:
        vocab, encoded = prepare(options)
    else:
        vocab, encoded = Vocab.load(options["vocab"] or Path(options["cooc"]) / "vocab.txt"), None
    vocab.check_fingerprint(cooc.meta.get("vocab_fingerprint"), str(options["cooc"]),
                            "recount with `wordvec cooccur` or drop --cooc")
    return vocab, encoded, cooc


def _dry_run(needs: dict, vocab_size: int, dim: int, as_json: bool) -> None:
    click.echo(json.dumps(needs) if as_json else
               f"model {gib(needs['model_bytes'])} for {vocab_size:,} words x {dim}; "
               f"co-occurrence counting budget {gib(needs['cooccurrence_budget_bytes'])}; "
               f"training entries {gib(needs['entries_bytes'])}")


@click.command()
@click.argument("corpus", nargs=-1, type=click.Path(allow_dash=True))
@output_option
@config_options(GloVeConfig, TokenizerConfig)
@click.option("--cooc", "cooc", type=click.Path(file_okay=False), default=None,
              help="Reuse a folder made by `wordvec cooccur` (CORPUS is then optional).")
@format_option
@checkpoint_options
@click.option("--dry-run", is_flag=True, help="Print the memory estimate and stop.")
@vocab_file_option
@phrases_option
@cache_option
@force_option
@dask_options
@json_option
def glove(**options: Any) -> None:
    """Train GloVe on CORPUS (or on a --cooc folder): vocabulary, co-occurrences, AdaGrad, in one go."""
    import dataclasses

    from ..config import build, canonical_format
    from ..train.checkpoint import check_data, corpus_identity
    from ..train.glove import estimate, train_glove
    from ..util.progress import log, plural
    from ..vectors.formats import save

    config = build(GloVeConfig, options)
    fmt = canonical_format(options["format"])
    if not options["corpus"] and options["cooc"] is None:
        raise click.UsageError("give a CORPUS to train on, or --cooc DIR")
    checkpointer, resume, _ = checkpointing(options, "glove",
                                            dataclasses.replace(config, threads=config.effective_threads))
    check_output_of(options, vectors_output(fmt))
    check_checkpoint_of(options)
    output = options["output"]
    with interrupt_notes(checkpointer), ExitStack() as stack:
        start = time.perf_counter()
        vocab, encoded, cooc = _vocab_and_cooc(options, config, stack)
        if resume is not None:      # the co-occurrences are checked once counted (train_glove)
            check_data(resume, vocab, corpus_identity(encoded) if encoded is not None else {})
        prepared = time.perf_counter()
        needs = estimate(len(vocab), config, cooc.nnz if cooc is not None else None)
        if options["dry_run"]:
            _dry_run(needs, len(vocab), config.dim, options["json"])
            return
        log.info("memory: model %s, co-occurrence budget %s, training entries %s", gib(needs["model_bytes"]),
                 gib(None if cooc is not None else needs["cooccurrence_budget_bytes"]), gib(needs["entries_bytes"]))
        result = train_glove(encoded, vocab, config, cooc=cooc, tmp_dir=Path(output).parent,
                             checkpointer=checkpointer, resume=resume)
        result.kv.meta["stages"] = stages = {"prepare_seconds": round(prepared - start, 3), **result.stages}
        saving = time.perf_counter()
        save(result.kv, output, format=fmt)
        times = timings({**stages, "save_seconds": time.perf_counter() - saving}, start)
    nnz = result.kv.meta["cooccurrence"]["nnz"]
    kept = int(encoded.n_tokens) if encoded is not None else (result.kv.meta.get("corpus") or {}).get("kept_tokens")
    report({"trainer": "glove", "output": str(output), "format": fmt, "vocab_size": len(vocab),
            "kept_tokens": kept, "dim": config.dim, "epochs": config.epochs, "threads": config.effective_threads,
            **times, "nnz": nnz, "cooccurrence_bytes": 12 * nnz, "final_cost": result.history[-1]["cost"],
            "history": result.history, "checkpoint_seconds": checkpointer.saves if checkpointer is not None else None},
           [f"vocabulary: {plural(len(vocab), 'word')}"
            + (f"; corpus: {kept:,} kept tokens" if kept is not None else "")
            + f"; {nnz:,} non-zero co-occurrences",
            f"trained GloVe in {times['train_seconds']:.1f} s ({plural(config.epochs, 'epoch')}, "
            f"{plural(config.effective_threads, 'thread')}); final cost {result.history[-1]['cost']:.4f}",
            f"wrote {output} ({fmt})", timing_line(times)], options["json"])

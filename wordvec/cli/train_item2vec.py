"""`wordvec train item2vec`: interactions in, item (and user) vectors out, optionally tuned first."""

from __future__ import annotations

import time
from typing import Any

import click

from ..config import InteractionsConfig, Item2VecConfig
from .options import (cache_option, checkpoint_options, config_options, force_option, format_option, json_option,
                      output_option, vocab_file_option)
from .outputs import check_checkpoint_of, check_output_of, vectors_output
from .reports import report
from .training import checkpointing, interrupt_notes, timing_line, timings

interactions_argument = click.argument("interactions", type=click.Path(allow_dash=True))


def read_input(options: dict[str, Any]):
    """The command's Interactions, read as its InteractionsConfig options say."""
    from ..config import build
    from ..text.interactions import read_interactions

    return read_interactions(options["interactions"], build(InteractionsConfig, options),
                             min_count=options.get("min_count", 1), max_vocab=options.get("max_vocab"),
                             cache=options.get("cache", True), vocab_path=options.get("vocab"))


def tune_table(tuning: dict) -> list[str]:
    """The trials of --tune as lines for people, best marked."""
    from ..train.tune import SEARCH

    names = list(SEARCH)
    lines = [f"tuning on {tuning['validation_users']:,} held-out items, {tuning['seconds']:.0f} s"
             + (" (budget reached)" if tuning["out_of_time"] else ""),
             "  " + "".join(f"{n:>13}" for n in names) + f"{'hit@10':>9}{'seconds':>9}"]
    best = tuning["best"]
    for trial in tuning["trials"]:
        mark = " <- best" if all(trial[n] == best[n] for n in names) else ""
        lines.append("  " + "".join(f"{trial[n]:>13g}" for n in names)
                     + f"{100 * trial['hit@10']:>8.2f}%{trial['seconds']:>9.1f}{mark}")
    return lines


def _tuned_settings(config, checkpoint):
    """A resumed --tune run keeps the settings its search chose (they are in the checkpoint)."""
    import dataclasses

    if not config.tune:
        return config
    from ..train.tune import SEARCH

    return dataclasses.replace(config, **{name: checkpoint.config[name] for name in SEARCH})


@click.command(name="item2vec")
@interactions_argument
@output_option
@config_options(Item2VecConfig, InteractionsConfig)
@vocab_file_option
@cache_option
@click.option("--save-context/--no-save-context", "save_context", default=True, show_default=True,
              help="Store the context vectors as context.npy (native format); recommendations score with them.")
@checkpoint_options
@format_option
@force_option
@json_option
def item2vec(**options: Any) -> None:
    """Train item vectors on INTERACTIONS and write them to -o.

    INTERACTIONS is a sequences file (one user, session or basket per line, item IDs separated by
    spaces; a line's user is its line number) or, with --user-col and --item-col, a CSV or TSV
    table of (user, item[, time]) rows. Every item's context is its whole sequence (--window 0).
    """
    import dataclasses

    from ..config import build, canonical_format
    from ..errors import WordvecError
    from ..train.checkpoint import check_data, corpus_identity
    from ..train.item2vec import train_item2vec
    from ..util.progress import plural
    from ..vectors.formats import save

    config = build(Item2VecConfig, options)
    fmt = canonical_format(options["format"])
    if config.users and fmt != "native":
        raise WordvecError(f"--users needs --format native (the {fmt} format holds items only)")
    checkpointer, resume, config = checkpointing(options, "item2vec",
                                                 dataclasses.replace(config, threads=config.effective_threads),
                                                 settle=_tuned_settings)
    check_output_of(options, vectors_output(fmt))
    check_checkpoint_of(options)
    with interrupt_notes(checkpointer):
        started = time.perf_counter()
        interactions = read_input(options)
        if resume is not None:
            check_data(resume, interactions.items, corpus_identity(interactions.corpus))
        prepared = time.perf_counter()
        lines = [f"interactions: {interactions.report['interactions']:,} of {interactions.n_users:,} users on "
                 f"{len(interactions.items):,} items (longest sequence {interactions.report['longest_sequence']:,})"]
        tuning = None
        if config.tune and resume is None:
            from ..train.tune import tune_item2vec

            config, tuning = tune_item2vec(interactions, config)
            lines += tune_table(tuning)
        tuned = time.perf_counter()
        result = train_item2vec(interactions, config, checkpointer=checkpointer, resume=resume)
        stages = {"prepare_seconds": prepared - started,
                  **({"tune_seconds": tuned - prepared} if tuning is not None else {}), **result.stages}
        result.kv.meta["stages"] = {k: round(v, 3) for k, v in stages.items()}
        result.kv.meta["interactions"] = interactions.report
        if tuning is not None:
            result.kv.meta["tune"] = tuning
        context = result.context if options["save_context"] and fmt == "native" else None
        saving = time.perf_counter()
        save(result.kv, options["output"], format=fmt, context=context)
        times = timings({**stages, "save_seconds": time.perf_counter() - saving}, started)
    summary = {"trainer": "item2vec", "output": str(options["output"]), "format": fmt, "items": len(result.kv),
               "users": interactions.n_users, "interactions": interactions.report["interactions"],
               "epochs": config.epochs, "threads": config.effective_threads, **times,
               "final_loss": result.history[-1]["loss"], "config": result.kv.meta["config"], "tune": tuning}
    lines += [f"trained item2vec in {times['train_seconds']:.1f} s ({plural(config.epochs, 'epoch')}, dim "
              f"{config.dim}, {plural(config.effective_threads, 'thread')}); final loss {summary['final_loss']:.4f}",
              f"wrote {options['output']} ({fmt}{', with user vectors' if result.kv.users is not None else ''})",
              timing_line(times)]
    report(summary, lines, options["json"])

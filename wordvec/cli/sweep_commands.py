"""`wordvec sweep skipgram|cbow|glove|item2vec`: one model per value of a setting, compared on quality and cost.

Each command offers every setting of its trainer (derived from the trainer's config, as `train`
does) and reads the input its `train` command reads (a corpus, or interactions: the trainer's
Measure says which); the numeric settings take text here so that the swept one can be a
comma-separated list (`--dim 25,50,100`). The others hold one value each, fixed for every run.
"""

from __future__ import annotations

import dataclasses
import json
import time
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import click

from ..config import InteractionsConfig, TokenizerConfig, build, fields_of
from ..sweep.quality import MEASURES
from ..sweep.trainers import TRAINERS, SweepTrainer
from .options import cache_option, config_options, corpus_argument, force_option, json_option, vocab_file_option
from .outputs import FOLDER, check_output_of
from .reports import tell
from .train_item2vec import interactions_argument, read_input
from .training import prepare


@dataclass(frozen=True)
class SweepInput:
    """What a sweep command reads, as its trainer's `train` command reads it."""

    argument: Callable          # the click argument
    options: type               # the config of the reading options (TokenizerConfig, InteractionsConfig)
    read: Callable              # command options -> the input as run_sweep takes it
    name: str                   # the argument as the help names it


INPUTS = {"corpus": SweepInput(corpus_argument, TokenizerConfig, prepare, "CORPUS"),
          "interactions": SweepInput(interactions_argument, InteractionsConfig, read_input, "INTERACTIONS")}


def _parse(field: dataclasses.Field, kind: Any, text: str) -> list:
    """'25,50,100' → [25, 50, 100] in the field's type ('none' for a setting that may be unset)."""
    kinds = set(typing.get_args(kind)) - {type(None)} or {kind}
    convert = float if float in kinds else int
    values = []
    for item in (part.strip() for part in text.split(",")):
        if item.lower() == "none" and type(None) in typing.get_args(kind):
            values.append(None)
            continue
        try:
            values.append(convert(item))
        except ValueError:
            kind_name = "a number" if convert is float else "a whole number"
            raise click.UsageError(f"--{field.name.replace('_', '-')}: {item!r} is not {kind_name}") from None
    if len(set(values)) < len(values):
        raise click.UsageError(f"--{field.name.replace('_', '-')} {text}: give each value once")
    return values


def plan(trainer: SweepTrainer, options: dict[str, Any]) -> tuple[str, list, dict[str, Any]]:
    """(swept setting, its values, every other setting of the trainer's config) from the options."""
    hints = typing.get_type_hints(trainer.config)
    fields = fields_of(trainer.config)
    given = {name: _parse(fields[name], hints[name], options[name])
             for name in trainer.sweepable() if options.get(name) is not None}
    several = [name for name, values in given.items() if len(values) > 1]
    param = (options["param"] or "").replace("-", "_") or (several[0] if len(several) == 1 else "dim")
    if [n for n in several if n != param]:
        flags = " and ".join(f"--{n.replace('_', '-')}" for n in several)
        raise click.UsageError(f"several values for {flags}: sweep one setting at a time (--param NAME)")
    default = trainer.default_values(param)
    values = given.pop(param, None) or (_parse(fields[param], hints[param], default) if default else None)
    if not values:
        raise click.UsageError(f"give the values to sweep: --{param.replace('_', '-')} A,B,C")
    settings = {k: v for k, v in options.items() if k in fields and k not in trainer.sweepable()}
    settings.update({name: single for name, (single,) in given.items()})
    return param, values, settings


def _sweep(trainer: SweepTrainer, options: dict[str, Any]) -> None:
    from ..sweep.report import markdown_table
    from ..sweep.run import run_sweep

    param, values, settings = plan(trainer, options)
    trainer.config(**{**settings, **trainer.fixed, param: values[0]}).validate()  # bad settings: before any work
    source = INPUTS[MEASURES[trainer.quality].reads]
    reading = build(source.options, options)
    check_output_of(options, FOLDER)
    root = click.get_current_context().find_root().params
    started = time.perf_counter()
    data = source.read(options)
    extra = {"input": reading.to_dict(), "prepare_seconds": round(time.perf_counter() - started, 3)}
    record = run_sweep(trainer, data, settings, param, values, options["output"],
                       keep_models=options["keep_models"], extra=extra, quiet=root.get("quiet", False),
                       verbose=root.get("verbose", False))
    if options["json"]:
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(markdown_table(record, MEASURES[trainer.quality].columns), nl=False)
    failed = sum(run["status"] != "ok" for run in record["runs"])
    files = ["sweep.json", "sweep.md"] + (["sweep.png"] if (Path(options["output"]) / "sweep.png").exists() else [])
    tell(f"wrote {options['output']}: {len(values) - failed} of {len(values)} runs trained"
         f"{f' ({failed} failed)' if failed else ''}; {', '.join(files)}")


def _command(trainer: SweepTrainer) -> click.Command:
    """The sweep command of one trainer: its options come from the trainer's config and its input's."""
    swept = trainer.sweepable()
    measure = MEASURES[trainer.quality]
    source = INPUTS[measure.reads]

    @click.command(name=trainer.name,
                   help=f"Train {trainer.name} once per value of one setting on {source.name} (read once) and "
                        f"compare training time, peak memory, file size and quality: {measure.about}."
                        f"\n\nExample: --dim {trainer.default_values('dim')} (the default sweep), or --param "
                        f"epochs --epochs {trainer.default_values('epochs')}. Every other setting holds one value "
                        "for all runs. -o DIR receives the models, sweep.json, sweep.md (a table) and sweep.png "
                        "(a chart, with the plot extra).")
    @source.argument
    @click.option("-o", "--output", required=True, type=click.Path(),
                  help="Folder for the models, sweep.json, sweep.md and sweep.png (written when all is done).")
    @click.option("--param", type=click.Choice([name.replace("_", "-") for name in swept]), default=None,
                  help="The setting to sweep.  [default: the one given several values, else dim]")
    @config_options(trainer.config, source.options, exclude=trainer.exclude, lists=swept)
    @vocab_file_option
    @cache_option
    @force_option
    @click.option("--keep-models/--no-keep-models", default=True, show_default=True,
                  help="Keep each run's vectors in the folder (PARAM-VALUE.wv), or only their measurements.")
    @json_option
    def command(**options: Any) -> None:
        _sweep(trainer, options)

    return command


COMMANDS = [_command(trainer) for trainer in TRAINERS.values()]

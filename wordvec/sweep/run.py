"""A sweep: one model per value of one setting, all on one prepared corpus, measured alike.

The input is read once by the caller; the trainer's Measure (wordvec.sweep.quality) carves out
what is held out for scoring (items: the last item of each user), and what every run trains on
is written once into a work folder (vocab.txt, ids.npy, offsets.npy), with GloVe's
co-occurrences when the swept setting does not change the counting. Each value then trains in
a fresh process (wordvec.sweep.child, .measure), and the parent scores the saved model.
Everything is built in a temporary folder beside `output` and renamed into place at the end:
an interrupted or failed sweep leaves nothing, and a finished one is complete (a run that
failed is recorded as failed).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

import numpy as np

from ..errors import WordvecError
from ..util.progress import log
from .quality import MEASURES
from .report import FORMAT, VERSION, markdown_table
from .trainers import SweepTrainer, changes_counting


def _label(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _share(work: Path, trainer: SweepTrainer, vocab, corpus, config, param: str) -> dict:
    """Write what every run reads into `work`; returns the paths a job needs, and the counting time."""
    vocab.save(work / "vocab.txt")
    np.save(work / "ids.npy", np.asarray(corpus.ids))
    np.save(work / "offsets.npy", np.asarray(corpus.offsets))
    shared = {"vocab": str(work / "vocab.txt"), "ids": str(work / "ids.npy"), "offsets": str(work / "offsets.npy"),
              "corpus_info": dict(getattr(corpus, "info", {}) or {}), "cooc": None, "cooccur_seconds": None}
    if trainer.counts_cooccurrences and not changes_counting(param):
        from ..train.cooccur import count_cooccurrences

        started = time.perf_counter()
        count_cooccurrences(corpus, vocab, config.cooccur, output=work / "cooc", tmp_dir=work)
        shared.update(cooc=str(work / "cooc"), cooccur_seconds=round(time.perf_counter() - started, 3))
    return shared


def _measure(trainer: SweepTrainer, config, job: dict, model: Path, held_out, keep: bool, quiet: bool,
             verbose: bool) -> dict:
    """Train one value in its own process and score it.

    A failure is recorded and the sweep goes on: a value that diverges (a large --lr) or runs out
    of memory (a large --dim) says something about the setting, and the other values stand.
    """
    from .child import run_isolated

    try:
        run = run_isolated("wordvec.sweep.measure:train_one",
                           {**job, "trainer": trainer.name, "config": config.to_dict(), "output": str(model)},
                           quiet=quiet, verbose=verbose)
    except WordvecError as exc:
        log.warning("%s: %s", model.stem, exc)
        return {"status": "failed", "error": str(exc)}
    quality = MEASURES[trainer.quality].score(model, held_out)
    size = _folder_bytes(model)
    if not keep:
        shutil.rmtree(model)
    return {"status": "ok", **run, "file_bytes": size, "model": model.name if keep else None, "quality": quality}


def _resolved(config):
    """The config with the defaults that depend on the machine or the trainer spelled out (threads,
    lr), so sweep.json says what every run used."""
    changes = {"threads": config.effective_threads}
    if hasattr(config, "effective_lr"):
        changes["lr"] = config.effective_lr
    return dataclasses.replace(config, **changes)


def _machine() -> dict:
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "load_average": load}


def run_sweep(trainer: SweepTrainer, data, settings: dict, param: str, values: list, output, *,
              keep_models: bool = True, extra: dict | None = None, quiet: bool = False,
              verbose: bool = False) -> dict:
    """Train `trainer` once per value of `param` (other settings as in `settings`) into the folder
    `output`: the models, sweep.json, sweep.md and, when matplotlib is installed, sweep.png.

    data: the input as read, of the kind the trainer's Measure reads: (Vocab, EncodedCorpus) for
    word trainers, Interactions for items. extra: more top-level keys for sweep.json (the
    preparation time). Returns the record written to sweep.json.
    """
    from ..util.atomic import atomic_dir

    if not values:
        raise WordvecError(f"no values to sweep --{param.replace('_', '-')} over")
    configs = [_resolved(trainer.config(**{**settings, **trainer.fixed, param: v}).validate()) for v in values]
    measure = MEASURES[trainer.quality]
    chart = _chart_possible()
    started_on = _machine()
    vocab, corpus, held_out = measure.hold_out(data)
    described = measure.describe(held_out) if measure.describe else {}
    with atomic_dir(output) as folder:
        work = folder / ".shared"
        work.mkdir()
        shared = _share(work, trainer, vocab, corpus, configs[0], param)
        runs = []
        for i, (value, config) in enumerate(zip(values, configs)):
            log.info("%s %s (%d of %d)", param, _label(value), i + 1, len(values))
            model = folder / f"{param}-{_label(value)}.wv"
            runs.append({"value": value, **_measure(trainer, config, shared, model, held_out, keep_models, quiet,
                                                    verbose)})
        shutil.rmtree(work)
        fixed = {k: v for k, v in configs[0].to_dict().items() if k != param}
        record = {"format": FORMAT, "version": VERSION, "trainer": trainer.name, "param": param, "values": values,
                  "fixed": fixed, **(extra or {}), "corpus": shared["corpus_info"], **described,
                  "cooccur_seconds": shared["cooccur_seconds"], "machine": started_on, "unit": measure.unit,
                  "runs": runs}
        with open(folder / "sweep.json", "w", encoding="utf-8") as f:
            json.dump(record, f, indent=2, ensure_ascii=False)
            f.write("\n")
        (folder / "sweep.md").write_text(markdown_table(record, measure.columns), encoding="utf-8")
        if chart:
            from ..plot.sweepchart import plot_sweep

            plot_sweep(record, folder / "sweep.png", measure.columns, label=measure.label)
    return record


def _chart_possible() -> bool:
    """Whether sweep.png can be drawn; if not, say once how to get it (the sweep still runs)."""
    from ..errors import MissingExtra
    from ..plot.extra import require

    try:
        require("matplotlib", "the sweep chart")
        return True
    except MissingExtra as exc:
        log.warning("%s; writing sweep.json and sweep.md only", exc)
        return False

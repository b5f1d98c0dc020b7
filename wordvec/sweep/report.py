"""What a sweep writes besides the models: sweep.json (the record) and sweep.md (the table).

sweep.json, format "wordvec-sweep" version 1:
  trainer, param, values        what was swept (param is a config field: dim, window, ...)
  fixed                         every other setting of the trainer's config, as used
  input                         how the input was read (the tokenizer, or the interactions options)
  corpus                        what every run trains on (its size; for items, the training part)
  held_out, baselines           items only: the held-out cases (how many, how many no model can get
                                right) and the popularity baseline's quality on them, computed once
  prepare_seconds               reading and preparing the input, once (cooccur_seconds: GloVe's counting)
  machine                       cores and load average when the sweep started (shared machines)
  unit                          what the speed counts: "words" (kept tokens) or "items" (interactions)
  runs[]                        one per value, in order: value, status ("ok" or "failed"),
                                train_seconds, words_per_second (items_per_second: see unit; null when
                                the trainer does not read the corpus, GloVe), peak_rss_bytes, file_bytes,
                                model (folder name, or null), final_loss, quality{...}; error when failed
"""

from __future__ import annotations

from .quality import PERCENT_KEYS, headline

FORMAT = "wordvec-sweep"
VERSION = 1
RUN_KEYS = ("value", "status", "train_seconds", "peak_rss_bytes", "file_bytes", "model", "final_loss", "quality")


def _mib(n: int | None) -> str:
    return "–" if n is None else f"{n / (1 << 20):,.1f} MiB"


def _number(value, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def _quality_cells(quality: dict, columns: tuple[tuple[str, str], ...]) -> list[str]:
    return [_number(headline(quality, key), percent=key.startswith(PERCENT_KEYS)) for key, _ in columns]


def markdown_table(record: dict, columns: tuple[tuple[str, str], ...]) -> str:
    """One row per value: cost (time, speed, memory, size) then quality (`columns` of the record's
    quality); then one row per baseline (items: popularity), its quality alone, for scale."""
    param = record["param"]
    unit = record.get("unit", "words")
    header = [param, "train time", f"{unit}/s", "peak memory", "file size"] + [title for _, title in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---:"] * len(header)) + "|"]
    for run in record["runs"]:
        if run["status"] != "ok":
            error = str(run.get("error", ""))
            error = error if len(error) <= 60 else error[:59] + "…"
            cells = [str(run["value"]), f"failed: {error}"] + [""] * (len(header) - 2)
        else:
            quality = run.get("quality") or {}
            speed = run[f"{unit}_per_second"]  # None for trainers that do not read the corpus (GloVe)
            seconds = run["train_seconds"]
            cells = [str(run["value"]), f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s",
                     "–" if speed is None else f"{speed:,.0f}", _mib(run["peak_rss_bytes"]), _mib(run["file_bytes"])]
            cells += _quality_cells(quality, columns)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    for name, quality in (record.get("baselines") or {}).items():
        lines.append("| " + " | ".join([f"{name} (baseline)", "", "", "", ""] + _quality_cells(quality, columns))
                     + " |")
    return "\n".join(lines) + "\n"


def check_record(record: dict) -> None:
    """Raise ValueError unless `record` has the shape documented above (tests and readers use it)."""
    for key in ("format", "version", "trainer", "param", "values", "fixed", "corpus", "runs"):
        if key not in record:
            raise ValueError(f"sweep.json has no {key!r}")
    if record["format"] != FORMAT or record["version"] != VERSION:
        raise ValueError(f"not a {FORMAT} version {VERSION} record")
    if [r["value"] for r in record["runs"]] != record["values"]:
        raise ValueError("runs do not follow values")
    if record["param"] in record["fixed"]:
        raise ValueError(f"the swept {record['param']!r} is also listed as fixed")
    if record.get("unit") == "items" and not {"held_out", "baselines"} <= record.keys():
        raise ValueError("an items sweep.json needs held_out and baselines")
    speed = f"{record.get('unit', 'words')}_per_second"
    for run in record["runs"]:
        keys = RUN_KEYS + (speed,) if run["status"] == "ok" else ("value", "status", "error")
        missing = [k for k in keys if k not in run]
        if missing:
            raise ValueError(f"run {run.get('value')!r} lacks {', '.join(missing)}")

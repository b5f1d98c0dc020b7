"""What a sweep writes besides the models: sweep.json (the record) and sweep.md (the table).

sweep.json, format "wordvec-sweep" version 1:
  trainer, param, values        what was swept (param is a config field: dim, window, ...)
  fixed                         every other setting of the trainer's config, as used
  tokenizer, corpus             how the shared corpus was prepared, and its size
  prepare_seconds               preparing the shared corpus (and co-occurrences), once
  machine                       cores and load average when the sweep started (shared machines)
  runs[]                        one per value, in order: value, status ("ok" or "failed"),
                                train_seconds, words_per_second, peak_rss_bytes, file_bytes,
                                model (folder name, or null), final_loss, quality{...}; error when failed
"""

from __future__ import annotations

from .quality import headline

FORMAT = "wordvec-sweep"
VERSION = 1
RUN_KEYS = ("value", "status", "train_seconds", "words_per_second", "peak_rss_bytes", "file_bytes", "model",
            "final_loss", "quality")


def _mib(n: int | None) -> str:
    return "–" if n is None else f"{n / (1 << 20):,.1f} MiB"


def _number(value, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def markdown_table(record: dict, columns: tuple[tuple[str, str], ...]) -> str:
    """One row per value: cost (time, speed, memory, size) then quality (`columns` of the record's quality)."""
    param = record["param"]
    header = [param, "train time", "words/s", "peak memory", "file size"] + [title for _, title in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---:"] * len(header)) + "|"]
    for run in record["runs"]:
        if run["status"] != "ok":
            error = str(run.get("error", ""))
            error = error if len(error) <= 60 else error[:59] + "…"
            cells = [str(run["value"]), f"failed: {error}"] + [""] * (len(header) - 2)
        else:
            quality = run.get("quality") or {}
            speed = run["words_per_second"]  # None for trainers that do not read the corpus (GloVe)
            seconds = run["train_seconds"]
            cells = [str(run["value"]), f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s",
                     "–" if speed is None else f"{speed:,.0f}", _mib(run["peak_rss_bytes"]), _mib(run["file_bytes"])]
            cells += [_number(headline(quality, key), percent=key == "analogy" or key.startswith("hit_rate"))
                      for key, _ in columns]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
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
    for run in record["runs"]:
        keys = RUN_KEYS if run["status"] == "ok" else ("value", "status", "error")
        missing = [k for k in keys if k not in run]
        if missing:
            raise ValueError(f"run {run.get('value')!r} lacks {', '.join(missing)}")

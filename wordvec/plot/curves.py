"""Training curves: loss (or GloVe's cost), learning rate and speed against the work done.

The history comes from a native vectors folder's meta.json: per step when the run kept a
``trace`` ({"unit": "word", "steps": [...]}, one record per runner step: ``done`` units so far,
``seconds`` so far, and the trainer's metrics), else per epoch from ``history`` (``words`` and
``seconds`` of that epoch, ``loss``/``cost``, ``lr``).
Whatever is present is drawn; a metric no run has gets no panel. Several runs share the axes,
one colour each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import FormatError, WordvecError

# panel order, y-axis label, and whether a metric spanning decades reads better on a log scale
PANELS = (("loss", "loss (word2vec)", False), ("cost", "cost (GloVe)", True),
          ("lr", "learning rate", False), ("speed", "speed ({unit}/s)", False))


@dataclass
class Curve:
    """One run's history as arrays against cumulative work."""

    name: str                    # what the legend calls the run
    trainer: str                 # meta.json "trainer" (word2vec-skipgram, glove, ...)
    x: np.ndarray                # cumulative work after each record
    unit: str                    # what x counts: "words", "epochs", or the runner's unit
    epochs: np.ndarray           # the same points in epochs (fractional within an epoch)
    per: str                     # "step" or "epoch": how often the run recorded
    metrics: dict[str, np.ndarray] = field(default_factory=dict)


def _column(records: list[dict], key: str) -> np.ndarray | None:
    """The records' values for `key` as floats, or None unless every record has a number there."""
    values = [r.get(key) for r in records]
    if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    return np.asarray(values, dtype=np.float64)


def _metrics(records: list[dict]) -> dict[str, np.ndarray]:
    found = {}
    for key in ("loss", "cost", "lr"):
        column = _column(records, key)
        if column is not None:
            found[key] = column
    return found


def _steps(meta: dict) -> tuple[list[dict], str] | None:
    """The per-step records of meta.json's trace and the plural of their unit, if usable."""
    trace = meta.get("trace")
    if not isinstance(trace, dict):
        return None
    records = trace.get("steps")
    if isinstance(records, list) and records and all(isinstance(r, dict) for r in records) \
            and _column(records, "done") is not None:
        unit = str(trace.get("unit") or "step")
        return records, {"entry": "entries"}.get(unit, unit + "s")
    return None


def _from_steps(records: list[dict], unit: str, meta: dict, name: str, trainer: str) -> Curve:
    """Per-step records: `done` and `seconds` are running totals; speed is their ratio per step."""
    done, seconds = _column(records, "done"), _column(records, "seconds")
    epochs_total = float((meta.get("config") or {}).get("epochs") or 1)
    metrics = _metrics(records)
    if seconds is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.diff(done, prepend=0.0) / np.diff(seconds, prepend=0.0)
        metrics["speed"] = np.where(np.isfinite(speed), speed, np.nan)
    scale = epochs_total / done[-1] if done[-1] > 0 else 1.0
    return Curve(name, trainer, done, unit, done * scale, "step", metrics)


def _from_epochs(records: list[dict], name: str, trainer: str) -> Curve:
    """Per-epoch records: x is cumulative words when every epoch says how many, else epochs."""
    epochs = np.arange(1, len(records) + 1, dtype=np.float64)
    words, seconds = _column(records, "words"), _column(records, "seconds")
    metrics = _metrics(records)
    if words is not None and seconds is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            metrics["speed"] = np.where(seconds > 0, words / seconds, np.nan)
    if words is not None:
        return Curve(name, trainer, np.cumsum(words), "words", epochs, "epoch", metrics)
    return Curve(name, trainer, epochs, "epochs", epochs, "epoch", metrics)


def read_curve(path: str | os.PathLike, name: str | None = None) -> Curve:
    """The training history stored in a native vectors folder, per step if kept, else per epoch."""
    from ..vectors.formats import read_native_meta

    path = Path(path)
    if path.is_file() and path.name == "meta.json":
        path = path.parent
    if not path.exists():
        raise FormatError(f"{path}: no such file or folder")
    if not (path / "meta.json").is_file():
        raise FormatError(f"{path}: no training history here: only the native format (a folder with "
                          "meta.json, as `wordvec train` writes by default) keeps one")
    meta = read_native_meta(path)
    trainer = str(meta.get("trainer") or "unknown trainer")
    name = name or path.name
    steps = _steps(meta)
    if steps is not None:
        return _from_steps(*steps, meta, name, trainer)
    records = meta.get("history")
    if isinstance(records, list) and records and all(isinstance(r, dict) for r in records):
        curve = _from_epochs(records, name, trainer)
        if curve.metrics:
            return curve
    raise FormatError(f"{path}: meta.json keeps no training history (vectors converted from another "
                      "format, or written by an older wordvec)")


def _names(paths: list[Path]) -> list[str]:
    """Folder names, or the whole paths when two runs would share a name."""
    names = [p.name for p in paths]
    return [str(p) for p in paths] if len(set(names)) < len(names) else names


def common_axis(curves: list[Curve]) -> str:
    """The runs' shared unit of work, or epochs when they differ (word2vec's words, GloVe's entries)."""
    units = {c.unit for c in curves}
    return units.pop() if len(units) == 1 else "epochs"


def plot_history(paths, output: str | os.PathLike, size: tuple[int, int] = (1000, 800),
                 title: str | None = None) -> dict:
    """Draw the training curves of one or more native vectors folders into `output`.

    Returns what was drawn: {"runs": [{"path", "trainer", "per", "points", "metrics"}], "x": unit}.
    """
    from .canvas import image_format, new_figure, save, style

    image_format(output)
    paths = [Path(p) for p in paths]
    if not paths:
        raise WordvecError("plot --history needs at least one vectors folder")
    curves = [read_curve(p, n) for p, n in zip(paths, _names(paths))]
    unit = common_axis(curves)
    panels = [p for p in PANELS if any(p[0] in c.metrics for c in curves)]
    with style():
        figure = new_figure(size, layout="constrained")
        axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        _draw(axes, panels, curves, unit)
        default = f"Training curve: {curves[0].name}" if len(curves) == 1 else f"Training curves: {len(curves)} runs"
        figure.suptitle(title or default, fontweight="bold").set_parse_math(False)
        figure.align_ylabels(axes)
        save(figure, output)
    return {"x": unit, "runs": [{"path": str(p), "trainer": c.trainer, "per": c.per, "points": len(c.x),
                                  "metrics": sorted(c.metrics)} for p, c in zip(paths, curves)]}


def _draw(axes, panels, curves: list[Curve], unit: str) -> None:
    from matplotlib.ticker import EngFormatter

    colours = [f"C{i % 10}" for i in range(len(curves))]
    handles: dict[int, object] = {}  # one legend entry per run, from whichever panel drew it first
    for ax, (key, label, log_scale) in zip(axes, panels):
        drawn = [c for c in curves if key in c.metrics]
        for i, curve in enumerate(curves):
            if key not in curve.metrics:
                continue
            x = curve.x if unit == curve.unit else curve.epochs
            (line,) = ax.plot(x, curve.metrics[key], color=colours[i], marker="o" if len(x) <= 30 else None,
                              markersize=4, linewidth=1.6, label=f"{curve.name} ({curve.trainer}, per {curve.per})")
            handles.setdefault(i, line)
        units = list(dict.fromkeys(c.unit for c in drawn))  # speeds of runs with other units: name them all
        ax.set_ylabel(label.format(unit=" or ".join(units)))
        values = np.concatenate([c.metrics[key] for c in drawn])
        if log_scale and (values > 0).all() and values.max() > 20 * values.min():  # spans decades
            ax.set_yscale("log")
        if key == "speed":
            ax.yaxis.set_major_formatter(EngFormatter(sep=""))
        ax.grid(True, alpha=0.3)
    legend = axes[0].legend(handles=[handles[i] for i in sorted(handles)], loc="best", fontsize=9)
    for text in legend.get_texts():
        text.set_parse_math(False)
    axes[-1].set_xlabel(f"{unit} processed" if unit != "epochs" else "epochs")
    if unit != "epochs":
        axes[-1].xaxis.set_major_formatter(EngFormatter(sep=""))

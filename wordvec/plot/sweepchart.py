"""The sweep chart: quality and cost of one model per value of the swept setting.

Four panels against the swept value: quality (analogy accuracy, word-pair Spearman rho, or
an item hit rate, NDCG and MRR: all on a 0-1 scale; a baseline's figures, such as popularity's
for items, as dashed lines), training time, peak memory and file size, all from 0. Failed runs
leave a gap. Values that grow by multiples (dimensions 25..300) get a logarithmic x axis with a
tick at each value.
"""

from __future__ import annotations

import os

import numpy as np

from ..sweep.quality import headline

MIB = 1 << 20


def _series(record: dict, pick) -> np.ndarray:
    return np.array([pick(run) if run["status"] == "ok" and pick(run) is not None else np.nan
                     for run in record["runs"]], dtype=np.float64)


def plot_sweep(record: dict, output: str | os.PathLike, columns: tuple[tuple[str, str], ...],
               size: tuple[int, int] = (1100, 800), label: str = "quality (accuracy, Spearman ρ)") -> None:
    """Draw `record` (a sweep.json dict) into `output`; `columns` are the quality keys and titles,
    `label` the quality axis's."""
    from .canvas import image_format, new_figure, save, style

    image_format(output)
    values = np.array(record["values"], dtype=np.float64)
    cost = (("train_seconds", "training time (s)", 1), ("peak_rss_bytes", "peak memory (MiB)", MIB),
            ("file_bytes", "file size (MiB)", MIB))
    with style():
        figure = new_figure(size, layout="constrained")
        axes = figure.subplots(2, 2, sharex=True).ravel()
        quality_axis = axes[0]
        for i, (key, title) in enumerate(columns):
            quality_axis.plot(values, _series(record, lambda r, k=key: headline(r.get("quality") or {}, k)),
                              marker="o", color=f"C{i}", label=title)
            for name, quality in (record.get("baselines") or {}).items():
                level = headline(quality, key)
                if level is not None:
                    quality_axis.axhline(level, color=f"C{i}", linestyle="--", linewidth=1,
                                         label=f"{title}, {name}")
        quality_axis.set_ylabel(label)
        quality_axis.set_ylim(min(quality_axis.get_ylim()[0], 0), None)  # from 0: differences at their true scale
        quality_axis.legend(fontsize=9, ncols=len(columns), loc="lower center", bbox_to_anchor=(0.5, 1.0))
        for ax, (key, title, unit) in zip(axes[1:], cost):
            ax.plot(values, _series(record, lambda r, k=key: r.get(k)) / unit, marker="o", color="#444444")
            ax.set_ylabel(title)
            ax.set_ylim(0, ax.get_ylim()[1] * 1.05)  # a flat line stays off the frame
        for ax in axes:
            ax.grid(True, alpha=0.3)
            if len(values) > 1 and values.min() > 0 and values.max() >= 8 * values.min():
                ax.set_xscale("log")
            ax.set_xticks(values, [f"{v:g}" for v in values])
            ax.minorticks_off()
        for ax in axes[2:]:
            ax.set_xlabel(record["param"])
        figure.suptitle(f"{record['trainer']}: quality and cost against {record['param']}",
                        fontweight="bold").set_parse_math(False)
        save(figure, output)

"""Progress bars and log lines on stderr.

A tqdm bar appears only when stderr is a terminal and the user did not ask for quiet; in
pipes and logs there is no bar. Log lines go through the standard `logging` module under
the "wordvec" logger, which the CLI configures from -q / -v.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger("wordvec")


def plural(n: int, noun: str) -> str:
    """A count for people: '1 epoch', '5 epochs', '12,345 words' (thousands always separated)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"

_quiet = False
_last_bar: Any = None   # the most recent bar, so an interrupt can say how far the work got


def set_quiet(quiet: bool) -> None:
    """`wordvec -q`: no progress bars and no reports (wordvec.cli.reports); errors still go to
    stderr through logging."""
    global _quiet
    _quiet = quiet


def quiet() -> bool:
    return _quiet


def forget_bars() -> None:
    """Start a run with no 'how far' to report (main() may run several times in one process)."""
    global _last_bar
    _last_bar = None


def bars_enabled() -> bool:
    return not _quiet and sys.stderr.isatty()


class _NullBar:
    """Stands in for tqdm when no bar is shown; accepts the same calls and does nothing."""

    n = 0

    def __init__(self, *args: Any, **kwargs: Any):
        self.n = kwargs.get("initial", 0)
        self.total = kwargs.get("total")
        self.desc = kwargs.get("desc", "")
        self.unit = kwargs.get("unit", "it")

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "_NullBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def progress_bar(total: float | None = None, desc: str = "", unit: str = "it", **kwargs: Any):
    """A tqdm bar on stderr when it is a terminal, else a no-op object with the same methods."""
    global _last_bar
    if not bars_enabled():
        _last_bar = _NullBar(total=total, desc=desc, unit=unit)
        return _last_bar
    from tqdm import tqdm

    _last_bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True,
                     leave=False, smoothing=0.1, **kwargs)
    return _last_bar


def _amount(value: float, unit: str, with_unit: bool = True) -> str:
    """1234567 B -> '1.2 MiB'; 4780000 word -> '4.78M words'; with_unit=False drops 'words'."""
    if unit == "B":
        for size, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
            if value >= size:
                return f"{value / size:.1f} {name}"
        return f"{int(value)} bytes"
    number = f"{value / 1e6:.2f}M" if value >= 1e6 else f"{int(value):,}"
    if not with_unit:
        return number
    return f"{number} {unit if unit.endswith('s') or value == 1 else unit + 's'}"


def how_far() -> str:
    """Where the most recent progress bar stood, for an interrupt message ('' if no bar ran).

    Example: 'during skipgram: 1.20M of 4.78M words (25%)'; 'during counting, after 8.0 MiB'.
    """
    bar = _last_bar
    if bar is None:
        return ""
    n, total = float(getattr(bar, "n", 0) or 0), getattr(bar, "total", None)
    desc, unit = (getattr(bar, "desc", "") or "work").rstrip(": "), getattr(bar, "unit", "it") or "it"
    if total:
        if n >= total:
            return f"after {desc} finished"
        return (f"during {desc}: {_amount(n, unit, with_unit=unit == 'B')} of {_amount(total, unit)} "
                f"({100 * n / total:.0f}%)")
    return f"during {desc}, after {_amount(n, unit)}"

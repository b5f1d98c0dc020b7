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

_quiet = False


def set_quiet(quiet: bool) -> None:
    """Silence progress bars (errors still go to stderr through logging)."""
    global _quiet
    _quiet = quiet


def bars_enabled() -> bool:
    return not _quiet and sys.stderr.isatty()


class _NullBar:
    """Stands in for tqdm when no bar is shown; accepts the same calls and does nothing."""

    n = 0

    def __init__(self, *args: Any, **kwargs: Any):
        self.total = kwargs.get("total")

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, *args: Any, **kwargs: Any) -> None:
        pass

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        pass

    def set_description_str(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "_NullBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def progress_bar(total: float | None = None, desc: str = "", unit: str = "it", **kwargs: Any):
    """A tqdm bar on stderr when it is a terminal, else a no-op object with the same methods."""
    if not bars_enabled():
        return _NullBar(total=total)
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True,
                leave=False, smoothing=0.1, **kwargs)

"""Resident memory of this process: now, at its peak, and a reset of the peak (Linux).

The sweep measures what training itself costs: the peak is reset just before training and
read just after, so imports and loading do not count. Linux keeps the peak as VmHWM in
/proc/self/status and clears it when "5" is written to /proc/self/clear_refs (Linux 4.0+).
Where that is impossible, ``reset_peak`` returns False and ``peak_bytes`` falls back to
getrusage's ru_maxrss: the peak over the whole life of the process. numpy- and numba-free.
"""

from __future__ import annotations

import resource
import sys

STATUS = "/proc/self/status"
CLEAR_REFS = "/proc/self/clear_refs"


def _status_kib(key: str) -> int | None:
    try:
        with open(STATUS, encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def current_bytes() -> int | None:
    """Resident set size now (VmRSS), or None where /proc is not available."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib * 1024


def reset_peak() -> bool:
    """Make the peak start again from the current resident size; False when the system cannot."""
    try:
        with open(CLEAR_REFS, "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_bytes() -> int:
    """The highest resident size since the last reset (or since the process started)."""
    kib = _status_kib("VmHWM")
    if kib is not None:
        return kib * 1024
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # macOS reports bytes, Linux KiB

"""A guard before large allocations: estimate the bytes, compare with available memory.

Allocating a model larger than memory does not fail cleanly: Linux overcommits, the process
starts swapping, and the OOM killer ends it an hour later without a word. Trainers call
``check_fits`` with their estimate before allocating, and the user gets one line with the
estimate, what is available and the option that makes it smaller.
numpy-free and numba-free: safe to import anywhere.
"""

from __future__ import annotations

import os

from ..errors import ResourceError

MEMINFO = "/proc/meminfo"
HEADROOM = 0.9   # use at most this share of what is available (page cache, other allocations)


def available_bytes(meminfo: str = MEMINFO) -> int | None:
    """Memory a new allocation can get without swapping: MemAvailable (Linux), else None.

    WORDVEC_MEMORY_AVAILABLE (bytes) overrides it, for tests and for containers whose limit
    /proc/meminfo does not show.
    """
    override = os.environ.get("WORDVEC_MEMORY_AVAILABLE")
    if override:
        try:
            return int(float(override))
        except ValueError:
            pass
    try:
        with open(meminfo, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # the kernel reports kB
    except (OSError, ValueError, IndexError):
        pass
    try:  # no MemAvailable (old kernels, non-Linux POSIX): free physical pages
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def human_bytes(n: float) -> str:
    """2147483648 -> '2.00 GiB'; 5242880 -> '5.0 MiB'."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.2f} GiB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    return f"{int(n):,} bytes"


def check_fits(nbytes: int, what: str, hint: str, available: int | None = None) -> None:
    """Raise ResourceError if `nbytes` for `what` exceed the memory available now.

    hint names the option that reduces the estimate, e.g. "lower --max-vocab or --dim".
    When the available memory cannot be known, nothing is checked.
    Example: check_fits(2 * V * D * 4, f"the model ({V:,} words x {D} dims)", "lower --max-vocab or --dim")
    """
    available = available_bytes() if available is None else available
    if available is None or nbytes <= HEADROOM * available:
        return
    raise ResourceError(f"{what} needs about {human_bytes(nbytes)} but only {human_bytes(available)} of memory "
                        f"is available; {hint}")


def release_free_memory() -> None:
    """Hand memory freed by a finished stage back to the system before the next one allocates.

    Counting leaves hundreds of thousands of dead strings and dicts behind; CPython keeps
    their arenas and glibc keeps freed heap pages mapped, which would all count in the
    training stage's peak. A full collection, then glibc's malloc_trim (absent elsewhere).
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)  # the process's own symbols include the C library's
    except (OSError, AttributeError, TypeError):
        pass

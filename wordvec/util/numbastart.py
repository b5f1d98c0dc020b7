"""How numba starts in the `wordvec` program: without scipy.

numba's first kernel load imports numba.np.arraymath, which imports scipy.linalg whenever
scipy is installed, only to decide whether np.convolve-style inner products may call BLAS.
No wordvec kernel calls BLAS, and that import cost every command 0.13 s and 14 MiB (measured
on the bench machine, where gensim brings scipy). The program, and only the program, loads
arraymath with scipy hidden: in a user's own process numba is left to decide for itself.
"""

from __future__ import annotations

import sys

in_program = False      # set by the `wordvec` console entry point, never by `import wordvec`


def load_numba() -> None:
    """Import numba's array functions with scipy hidden, when this is the program and scipy is
    not loaded yet; afterwards scipy imports as usual."""
    if not in_program or "scipy" in sys.modules or "numba.np.arraymath" in sys.modules:
        return
    sys.modules["scipy"] = None     # `import scipy...` now raises ImportError at once
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        if sys.modules.get("scipy", 0) is None:
            del sys.modules["scipy"]

"""How numba starts in the `wordvec` program: without scipy, and without the garbage collector.

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
    """In the program: import numba's array functions with scipy hidden (unless scipy is loaded
    already; afterwards it imports as usual), then set up numba's compiler contexts, which its
    first kernel call would do, with the garbage collector paused, and freeze what they made."""
    if not in_program or "numba.np.arraymath" in sys.modules:
        return
    import gc

    hide = "scipy" not in sys.modules
    if hide:
        sys.modules["scipy"] = None     # `import scipy...` now raises ImportError at once
    collecting = gc.isenabled()
    gc.disable()
    try:
        import numba.np.arraymath  # noqa: F401
        _set_up_contexts()
    finally:
        if hide and sys.modules.get("scipy", 0) is None:
            del sys.modules["scipy"]
        if collecting:
            gc.freeze()     # numba's registries live as long as the process: never traverse them
            gc.enable()


def _set_up_contexts() -> None:
    """What numba's first kernel call sets up (typing and target registries: 0.16 s). Made
    here, the collector need not run over the hundreds of thousands of objects it creates
    (two full collections, 0.06 s, measured in a phrases run)."""
    try:
        from numba.core.registry import cpu_target

        cpu_target.typing_context.refresh()
        cpu_target.target_context.refresh()
    except Exception:  # noqa: BLE001 - numba internals: without them the first call does it
        pass

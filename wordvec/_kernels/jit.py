"""The decorators of the byte-level kernels (tokenizing, hash tables, encoding).

They are compiled without numba's reference counting (NRT): a call that passes arrays to a
helper, even an inlined one, otherwise increments and decrements the arrays' reference counts
atomically, per call, which in a per-token loop cost three times the tokenizing itself
(42 ns a token instead of 12 ns on the bench machine) and makes threads that share a lookup
table fight over its counter's cache line. Without NRT a kernel cannot allocate: every array
it uses comes from Python, or is a module-level constant.
"""

from numba import njit


def _without_nrt() -> dict:
    """{"_nrt": False} where this numba knows the (private) option, else nothing: a release that
    drops it then gets the ordinary, slower compilation with the same results, not a failure."""
    try:
        from numba.core.cpu import CPUTargetOptions
    except ImportError:
        return {}
    return {"_nrt": False} if hasattr(CPUTargetOptions, "_nrt") else {}


_OPTIONS = _without_nrt()
kernel = njit(nogil=True, cache=True, **_OPTIONS)
inline = njit(inline="always", nogil=True, cache=True, **_OPTIONS)

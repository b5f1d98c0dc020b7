"""numba kernels only: arrays and scalars in, arrays out; no I/O, no Python objects.

Importing the package first drops numba's cache of these kernels if any source here changed
since it was written (util/kernelcache.py says why numba alone would miss it).
"""

from pathlib import Path

from ..util.kernelcache import drop_stale_cache

drop_stale_cache(Path(__file__).parent)

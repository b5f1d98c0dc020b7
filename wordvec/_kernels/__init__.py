"""numba kernels only: arrays and scalars in, arrays out; no I/O, no Python objects.

Importing the package first drops numba's cache of these kernels if any source here changed
since it was written (util/kernelcache.py says why numba alone would miss it), and in the
`wordvec` program loads numba without scipy (util/numbastart.py).
"""

from pathlib import Path

from ..util.kernelcache import drop_stale_cache
from ..util.numbastart import load_numba

drop_stale_cache(Path(__file__).parent)
load_numba()

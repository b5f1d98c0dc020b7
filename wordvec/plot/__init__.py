"""Pictures of vectors and of training runs: 2-D word maps and training curves.

Everything here draws with matplotlib, an optional extra (``pip install 'wordvec[plot]'``)
imported only when a picture is made, on a private Agg canvas (pyplot's global state and
the caller's backend are never touched). Like the rest of the query side, this package
never imports numba.
"""

from __future__ import annotations

from .curves import plot_history
from .wordmap import plot_map

__all__ = ["plot_map", "plot_history"]

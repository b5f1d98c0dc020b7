"""Optional files that let a native folder open without a pass over its words or vectors.

Every save writes, beside vectors.npy and vocab.txt:
  norms.npy        float32 [V], the length of each row: the first query is one pass over the
                   matrix (no norms pass), and the NaN/infinity check at load reads V floats
                   instead of V × D;
  vocab.index.npy  the hash index over vocab.txt (see wordtable): words are found without
                   decoding vocab.txt.
Both are derived data. A folder without them (older versions, or written by hand) loads as
before; each is used only while it agrees with the files it was computed from: the index
checks its own CRC-32 and vocab.txt's size and time (or CRC-32), and the norms are recomputed for 64 rows spread
over the matrix and compared. numpy only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from . import similarity as sim
from .wordtable import INDEX_FILE, build_index, stamp_index
from ..util.npyfile import write_array
from ..util.progress import log

NORMS_FILE = "norms.npy"
CHECKED_ROWS = 64   # rows whose stored norm is recomputed at load
NORM_RTOL = 1e-5    # stored and recomputed norms agree to float32 rounding; stale ones do not


def write(folder: Path, kv, vocab: bytes, write_npy: Callable[[Path, np.ndarray], None]) -> None:
    """Write norms.npy and vocab.index.npy into `folder` for `kv`, whose vocab.txt is `vocab`."""
    norms = kv.stored_norms if kv.stored_norms is not None else sim.row_norms(kv.vectors)
    write_npy(folder / NORMS_FILE, norms)
    index = build_index(kv.words, vocab)
    if index is not None:
        stamp_index(index, folder / "vocab.txt")
        write_array(folder / INDEX_FILE, index, rows_per_write=1 << 18)


def stored_norms(folder: Path, vectors: np.ndarray) -> np.ndarray | None:
    """norms.npy for the first len(vectors) rows, or None if absent or not these vectors'."""
    try:
        norms = np.load(folder / NORMS_FILE, mmap_mode="r", allow_pickle=False)
    except Exception:  # noqa: BLE001 - absent, or numpy's header parser met damage (any exception type)
        return None
    if norms.dtype != np.float32 or norms.ndim != 1 or len(norms) < len(vectors):
        return None
    norms = norms[:len(vectors)]
    if len(vectors):
        sample = np.unique(np.linspace(0, len(vectors) - 1, CHECKED_ROWS).astype(np.int64))
        with np.errstate(over="ignore", invalid="ignore"):
            fresh = sim.row_norms(np.asarray(vectors[sample]))
        if not np.allclose(fresh, norms[sample], rtol=NORM_RTOL, atol=0, equal_nan=True):
            log.info("%s does not match vectors.npy: norms are computed at the first query instead "
                     "(`wordvec convert FOLDER NEW --to native` writes fresh ones)", folder / NORMS_FILE)
            return None
    return norms

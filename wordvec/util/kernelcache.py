"""Keep numba's on-disk cache of the kernels honest.

numba keys a cached kernel on the time and size of the file that defines it, not on the files
of the helpers it inlines or calls (word2vec.py's helpers are compiled into subwords.py's and
item2vec.py's kernels, for instance). An edit to a helper's file alone would leave its callers
running the old machine code. One fingerprint of every kernel source, kept beside the cache,
drops the whole cache when any of them changes; numba then recompiles on first use.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

STAMP = "wordvec-kernels.sha1"


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha1()
    for source in sorted(folder.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_cache(folder: Path) -> bool:
    """Remove folder/__pycache__/*.nbi and *.nbc unless the stamp there matches the sources;
    returns True when it dropped them. Never raises: a read-only install keeps its cache."""
    cache = folder / "__pycache__"
    try:
        wanted = fingerprint(folder)
        try:
            if (cache / STAMP).read_text() == wanted:
                return False
        except OSError:
            pass
        for entry in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
            entry.unlink(missing_ok=True)
        cache.mkdir(exist_ok=True)
        partial = cache / f"{STAMP}.{os.getpid()}"
        partial.write_text(wanted)
        os.replace(partial, cache / STAMP)
        return True
    except OSError:
        return False

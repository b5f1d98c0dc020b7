"""Shared fixtures: an isolated cache folder and slices of the bundled corpus."""

from __future__ import annotations

import lzma
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWN = ROOT / "corpora" / "brown.txt.xz"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Keep the encoded-corpus cache of the tests out of the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


def brown_lines(n: int) -> list[str]:
    """The first n sentences of the bundled Brown corpus (one per line, pre-tokenised)."""
    lines = []
    with lzma.open(BROWN, "rt", encoding="utf-8") as f:
        for line in f:
            lines.append(line.rstrip("\n"))
            if len(lines) >= n:
                break
    return lines


@pytest.fixture(scope="session")
def brown_small(tmp_path_factory) -> Path:
    """About 100k tokens of real English text as a plain file."""
    path = tmp_path_factory.mktemp("corpus") / "brown-5k.txt"
    path.write_text("\n".join(brown_lines(5000)) + "\n", encoding="utf-8")
    return path

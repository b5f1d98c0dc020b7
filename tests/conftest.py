"""Shared fixtures: an isolated cache folder, slices of the bundled corpus, and the command line
run in this process."""

from __future__ import annotations

import contextlib
import io
import lzma
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWN = ROOT / "corpora" / "brown.txt.xz"


@pytest.fixture(autouse=True, scope="session")
def _ctrl_c_as_in_a_terminal():
    """Tests that send SIGINT need Python's usual handler. A suite started as a background job
    of a script (`make test &`, nohup) inherits SIGINT ignored, and wordvec rightly keeps it
    ignored then, so those tests would see no interrupt at all."""
    inherited = signal.getsignal(signal.SIGINT)
    if inherited is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if inherited is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


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


@pytest.fixture
def royal(tmp_path) -> Path:
    """A tiny native vectors folder (tests/reference/vectors.royal_vectors) with counts and context."""
    import numpy as np

    from tests.reference import vectors as ref
    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    matrix, words = ref.royal_vectors()
    path = tmp_path / "royal.wv"
    save(KeyedVectors(matrix, words, counts=np.arange(9, 0, -1)), path, context=matrix * 3)
    return path


@dataclass
class CliResult:
    """How a `wordvec` command ended: exit status, stdout, stderr."""

    code: int
    stdout: str
    stderr: str

    def __iter__(self):  # code, out, err = run_wordvec(...)
        return iter((self.code, self.stdout, self.stderr))

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("wordvec: error:")]


def run_wordvec(*argv, stdin: str | bytes | None = None) -> CliResult:
    """Run `wordvec ARGV...` in this process, through the same main() as the console script
    (error lines and exit statuses included). For cases that need a real process (signals,
    resource limits, the interpreter's own exit), tests start `python -m wordvec` instead."""
    from wordvec.cli import main

    out, err = io.StringIO(), io.StringIO()
    data = stdin.encode() if isinstance(stdin, str) else (stdin or b"")
    fake_stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    old_stdin = sys.stdin
    sys.stdin = fake_stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main([str(a) for a in argv])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = old_stdin
    return CliResult(code, out.getvalue(), err.getvalue())


def interactions_generator():
    """scripts/generate_interactions.py as a module: purchase-like data with planted taste groups
    (its docstring says how it is calibrated)."""
    import importlib.util

    if "generate_interactions" not in sys.modules:
        spec = importlib.util.spec_from_file_location("generate_interactions",
                                                      ROOT / "scripts" / "generate_interactions.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["generate_interactions"] = module   # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["generate_interactions"]


@pytest.fixture(scope="session")
def purchases(tmp_path_factory) -> Path:
    """A generated purchases table (user,item,timestamp; 1,000 users, 400 items in 8 taste groups,
    rows shuffled) with titles.tsv beside it; small enough to train in about a second."""
    gen = interactions_generator()
    folder = tmp_path_factory.mktemp("purchases")
    data = gen.generate(users=1000, items=400, groups=8, seed=7)
    gen.write_table(data, folder / "purchases.csv")
    gen.write_titles(data, folder / "titles.tsv")
    return folder / "purchases.csv"

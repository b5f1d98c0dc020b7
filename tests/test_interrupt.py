"""SIGINT and SIGTERM sent to a real `wordvec` child in the middle of its work.

For each long step (vocabulary counting, co-occurrence counting with spill files, skip-gram
training) the child must stop promptly, exit 130 (SIGINT) or 143 (SIGTERM), print one line
saying it was interrupted and how far it got, print no traceback, and leave nothing behind:
no output, no temporary file beside it, no spill folder, no hidden work folder in the cache,
nothing in $TMPDIR.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import brown_lines

STOP_TIMEOUT = 30  # seconds; a guard against hangs, not a timing assertion


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """40,000 Brown sentences (~900k tokens): long enough to interrupt every step."""
    path = tmp_path_factory.mktemp("interrupt-corpus") / "brown.txt"
    path.write_text("\n".join(brown_lines(40_000)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache for the module: later runs reuse the encoded corpus of earlier ones."""
    return tmp_path_factory.mktemp("interrupt-cache")


class Child:
    """A `python -m wordvec` process whose stderr lines are collected as they come."""

    def __init__(self, argv: list, work: Path, cache: Path, stdin=subprocess.DEVNULL):
        (work / "tmp").mkdir(exist_ok=True)
        (work / "out").mkdir(exist_ok=True)
        env = dict(os.environ, XDG_CACHE_HOME=str(cache), TMPDIR=str(work / "tmp"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wordvec", *map(str, argv)], stdin=stdin, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, cwd=work,
            # a child started from a shell's background job may inherit SIGINT ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for raw in self.proc.stderr:
            self.lines.put(raw.decode("utf-8", "replace").rstrip("\n"))

    def wait_for(self, needle: str, timeout: float = 120) -> None:
        """Block until a stderr line contains `needle` (the step has started)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"child ended early: {self.seen}"
                continue
            self.seen.append(line)
            if needle in line:
                return
        raise AssertionError(f"{needle!r} never appeared: {self.seen}")

    def interrupt(self, signum: int) -> tuple[int, list[str], str]:
        """Send `signum`; return the exit status, every stderr line and stdout."""
        assert self.proc.poll() is None, f"child ended before the signal: {self.seen}"
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"no exit within {STOP_TIMEOUT} s of {signal.Signals(signum).name}")
        self.reader.join(timeout=5)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, self.seen, self.proc.stdout.read().decode("utf-8", "replace")


def assert_interrupted(code: int, lines: list[str], stdout: str, signum: int, *where: str) -> None:
    name = signal.Signals(signum).name
    assert code == 128 + signum, (code, lines)
    assert not any("Traceback" in line for line in lines), lines
    assert stdout == ""
    last = lines[-1]
    assert last.startswith(f"wordvec: interrupted by {name}"), lines
    for needle in where:  # how far the work got
        assert needle in last, (needle, last)
    assert sum("interrupted" in line for line in lines) == 1, lines


def assert_nothing_left(work: Path, cache: Path) -> None:
    assert list((work / "out").iterdir()) == [], "output or temporary files left beside the output"
    assert list((work / "tmp").iterdir()) == [], "files left in $TMPDIR"
    assert list(cache.rglob(".*")) == [], "hidden work folders left in the cache"


@pytest.mark.parametrize("signum", [signal.SIGTERM], ids=["SIGTERM"])
def test_interrupt_while_counting_vocabulary(signum, tmp_path, cache, corpus):
    """stdin keeps the child counting for as long as we like: feed 9 MB, then signal."""
    child = Child(["vocab", "-", "-o", "out/vocab.txt"], tmp_path, cache, stdin=subprocess.PIPE)
    text = corpus.read_bytes()
    fed = 0
    while fed < 9 << 20:  # blocks while the child is busy: when it returns, the child has read it
        child.proc.stdin.write(text)
        fed += len(text)
    child.proc.stdin.flush()
    time.sleep(1.0)
    code, lines, stdout = child.interrupt(signum)
    child.proc.stdin.close()
    assert_interrupted(code, lines, stdout, signum, "during counting", "MiB")
    assert_nothing_left(tmp_path, cache)


@pytest.mark.parametrize("signum", [signal.SIGINT], ids=["SIGINT"])
def test_interrupt_while_counting_cooccurrences(signum, tmp_path, cache, corpus):
    """A 20 MiB budget makes the counting spill runs into the output folder: they must go."""
    child = Child(["cooccur", corpus, corpus, corpus, "-o", "out/cooc", "--window", "15", "--memory", "0.02",
                   "--threads", "1"], tmp_path, cache)
    child.wait_for("counting co-occurrences")
    time.sleep(1.0)
    code, lines, stdout = child.interrupt(signum)
    assert_interrupted(code, lines, stdout, signum, "cooccur")
    assert_nothing_left(tmp_path, cache)


@pytest.mark.parametrize("signum, extra", [(signal.SIGINT, []), (signal.SIGTERM, []),
                                           (signal.SIGINT, ["--subwords", "3-6", "--buckets", "100000", "--loss", "hs"])],
                         ids=["SIGINT", "SIGTERM", "SIGINT-subwords-hs"])
def test_interrupt_while_training(signum, extra, tmp_path, cache, corpus):
    if extra:   # numba compiles these kernels once (~5 s): do it first, so the signal lands in training
        subprocess.run([sys.executable, "-m", "wordvec", "-q", "train", "skipgram", corpus, "-o", tmp_path / "warm.wv",
                        "--epochs", "1", *extra], check=True, env=dict(os.environ, XDG_CACHE_HOME=str(cache)))
        shutil.rmtree(tmp_path / "warm.wv")
    child = Child(["train", "skipgram", corpus, corpus, "-o", "out/vectors.wv", "--epochs", "20", "--threads", "2",
                   *extra], tmp_path, cache)
    child.wait_for("training skipgram")
    time.sleep(1.5)
    code, lines, stdout = child.interrupt(signum)
    assert_interrupted(code, lines, stdout, signum, "during skipgram", "words")
    assert_nothing_left(tmp_path, cache)


def test_interrupt_while_spooling_stdin_removes_the_spool(tmp_path, cache, corpus):
    """Trainers copy stdin to a temporary file (they read the corpus twice): it must go too."""
    child = Child(["train", "cbow", "-", "-o", "out/vectors.wv"], tmp_path, cache, stdin=subprocess.PIPE)
    text = corpus.read_bytes()
    child.proc.stdin.write(text[: 4 << 20])
    child.proc.stdin.flush()
    deadline = time.monotonic() + STOP_TIMEOUT  # the child is copying stdin once its spool exists
    while not any((tmp_path / "tmp").iterdir()):
        assert time.monotonic() < deadline and child.proc.poll() is None, "the spool never appeared"
        time.sleep(0.05)
    code, lines, stdout = child.interrupt(signal.SIGTERM)
    child.proc.stdin.close()
    assert_interrupted(code, lines, stdout, signal.SIGTERM)
    assert_nothing_left(tmp_path, cache)


def test_interrupt_while_training_glove(tmp_path, cache, corpus):
    child = Child(["train", "glove", corpus, "-o", "out/vectors.wv", "--epochs", "200", "--threads", "2",
                   "--window", "5"], tmp_path, cache)
    child.wait_for("training GloVe")
    time.sleep(1.5)
    code, lines, stdout = child.interrupt(signal.SIGINT)
    assert_interrupted(code, lines, stdout, signal.SIGINT, "glove")
    assert_nothing_left(tmp_path, cache)

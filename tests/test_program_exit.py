"""The `wordvec` program's ending (cli.console, exits.leave): it skips the interpreter's teardown
but keeps everything an ordinary exit guarantees: output flushed, exit status, atexit callbacks,
threads still running waited for. And in the program numba loads without scipy."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest


def _program(script: str, *args: str) -> subprocess.CompletedProcess:
    """Run `script` (which ends by calling the program's entry point) in a fresh interpreter,
    its stdout block-buffered as usual for a pipe (whatever PYTHONUNBUFFERED says here)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_output_sent_to_a_pipe_arrives_whole(tmp_path, brown_small):
    done = subprocess.run([sys.executable, "-m", "wordvec", "-q", "phrases", str(brown_small), "-o", "-",
                           "--min-count", "1", "--threshold", "1"], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"\n") == brown_small.read_bytes().count(b"\n")
    assert done.stderr == b""


def test_an_error_keeps_its_status_and_its_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "wordvec", "phrases", str(tmp_path / "missing.txt"), "-o",
                           str(tmp_path / "out.txt")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("wordvec: error:")
    assert not (tmp_path / "out.txt").exists()


def test_atexit_callbacks_run(tmp_path, brown_small):
    mark = tmp_path / "mark"
    done = _program(f"""
        import atexit, sys
        atexit.register(lambda: open({str(mark)!r}, "w").write("ran"))
        sys.argv = ["wordvec", "-q", "vocab", {str(brown_small)!r}, "-o", {str(tmp_path / "v.tsv")!r}]
        from wordvec.cli import console
        console()
    """)
    assert done.returncode == 0, done.stderr
    assert mark.read_text() == "ran"
    assert (tmp_path / "v.tsv").exists()


def test_a_thread_still_running_is_waited_for(tmp_path):
    mark = tmp_path / "mark"
    done = _program(f"""
        import sys, threading, time
        def late():
            time.sleep(0.5)
            open({str(mark)!r}, "w").write("done")
        threading.Thread(target=late).start()
        sys.argv = ["wordvec", "--version"]
        from wordvec.cli import console
        console()
    """)
    assert done.returncode == 0, done.stderr
    assert "wordvec" in done.stdout
    assert mark.read_text() == "done"


def test_a_status_sys_exit_would_print_is_printed():
    from wordvec.cli.exits import _status_code

    assert (_status_code(None), _status_code(0), _status_code(3)) == (0, 0, 3)


@pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="needs scipy installed to show it is skipped")
def test_the_program_starts_numba_without_scipy(tmp_path, brown_small):
    script = f"""
        import atexit, sys
        import gc
        atexit.register(lambda: print("scipy" in sys.modules, "numba.np.arraymath" in sys.modules, gc.isenabled()))
        sys.argv = ["wordvec", "-q", "vocab", {str(brown_small)!r}, "-o", {str(tmp_path / "v.tsv")!r}]
        from wordvec.cli import console
        console()
    """
    done = _program(script)
    assert done.returncode == 0, done.stderr
    # numba's kernels ran, scipy stayed out, the collector paused for numba's set-up runs again
    assert done.stdout.split() == ["False", "True", "True"]
    library = _program("""
        import sys
        import wordvec._kernels
        import numba.np.arraymath
        print("scipy" in sys.modules)
    """)
    assert library.stdout.split() == ["True"]            # a user's own process: numba decides


def test_what_is_still_buffered_is_written_before_the_process_ends():
    done = _program("""
        import sys
        sys.stdout.write("answer " * 1000)        # buffered, not flushed, when leave() is called
        sys.stderr.write("note")
        from wordvec.cli.exits import leave
        leave(3)
    """)
    assert done.returncode == 3
    assert done.stdout == "answer " * 1000 and done.stderr == "note"

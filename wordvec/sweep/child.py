"""Run one training of a sweep in a fresh process and hand its measurements back.

Each value of a sweep trains in its own spawned process, so every run starts from the same
clean state: no memory kept by an earlier model or by the first run's kernel loading, and a
peak resident size that belongs to that run alone (the target resets and reads it around
training itself, see wordvec.util.rss). The parent waits on a pipe; the child sends
("ok", result), ("error", one line) or nothing at all when it was killed (out of memory).
The child ignores SIGINT: the parent handles Ctrl-C and terminates it.
"""

from __future__ import annotations

import importlib
import logging

from ..errors import WordvecError


def run_isolated(target: str, job: dict, *, quiet: bool = False, verbose: bool = False) -> dict:
    """Call ``module:function`` with `job` in a spawned process and return the dict it returns.

    A WordvecError carries the child's one-line error. The child ignores SIGINT: Ctrl-C reaches
    the whole process group, and the parent alone decides, terminating the child as it unwinds.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(target, job, send, quiet, verbose),
                              name="wordvec-sweep-run", daemon=True)
    process.start()
    send.close()
    message = None
    try:
        try:
            message = receive.recv()
        except EOFError:  # the child died before answering
            pass
        process.join()
    finally:
        if process.is_alive():  # interrupted while waiting: the run must not outlive the sweep
            process.terminate()
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()
        receive.close()
    if message is None:
        status = process.exitcode
        killed = "; killed by SIGKILL: out of memory?" if status == -9 else ""
        raise WordvecError(f"the training process ended without a result (exit status {status}{killed})")
    kind, payload = message
    if kind == "error":
        raise WordvecError(payload)
    return payload


def _child_main(target: str, job: dict, send, quiet: bool, verbose: bool) -> None:
    """The spawned process: log like the command line, run the target, send back one message."""
    import signal

    from ..cli.exits import configure_logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging(quiet, verbose)
    try:
        module, name = target.split(":")
        message = ("ok", getattr(importlib.import_module(module), name)(job))
    except (WordvecError, ValueError, KeyError, OSError, MemoryError) as exc:
        if verbose:
            logging.getLogger("wordvec").exception("the training process failed")
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        message = ("error", " ".join(str(text).split()) or type(exc).__name__)
    except BaseException as exc:  # noqa: BLE001 - a bug: still one line, the traceback with -v
        if verbose:
            logging.getLogger("wordvec").exception("the training process failed")
        message = ("error", f"{type(exc).__name__}: {' '.join(str(exc).split())}")
    try:
        send.send(message)
    except (BrokenPipeError, OSError):  # the parent is gone (interrupted)
        pass
    finally:
        send.close()

"""How a run of the command line ends: one line on stderr and a meaningful exit status.

0 success, 1 user or data error, 2 usage error, 130 SIGINT, 143 SIGTERM. SIGINT and SIGTERM
unwind the stack as Interrupted, so every cleanup runs and no partial output is left.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

import click

from ..errors import Interrupted

EXIT_USER_ERROR = 1
command_line: list[str] = []    # the arguments of the run in progress (for "resume with: ..." lines)


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = "wordvec: " if record.levelno < logging.WARNING else f"wordvec: {record.levelname.lower()}: "
        return prefix + record.getMessage()


def configure_logging(quiet: bool, verbose: bool) -> None:
    from ..util.progress import set_quiet

    set_quiet(quiet)
    logger = logging.getLogger("wordvec")
    logger.handlers[:] = []
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO)


def _raise_interrupted(signum, frame):  # noqa: ARG001
    """SIGINT and SIGTERM both unwind the stack (running every cleanup) as Interrupted."""
    raise Interrupted(signal.Signals(signum).name, signal_number=signum)


def _install_signal_handlers() -> dict:
    """Route SIGINT and SIGTERM to Interrupted; returns the previous handlers to restore."""
    import threading

    previous: dict = {}
    if threading.current_thread() is not threading.main_thread():  # only the main thread may
        return previous
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler is not signal.SIG_IGN:  # a background job of a script keeps ignoring SIGINT
            previous[signum] = handler
            signal.signal(signum, _raise_interrupted)
    return previous


def _restore_signal_handlers(previous: dict) -> None:
    """main() called in-process (tests, embedding) leaves the caller's handlers as it found them."""
    for signum, handler in previous.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _one_line_warnings() -> None:
    """Python warnings (numpy's RuntimeWarning, say) as one log line, never a source excerpt."""
    import warnings

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001
        logging.getLogger("wordvec").warning("%s: %s", category.__name__, " ".join(str(message).split()))

    warnings.showwarning = show


def _error(message: str) -> None:
    message = " ".join(str(message).split("\n")[0].split()) or "unknown error"
    click.echo(f"wordvec: error: {message}", err=True)


def _interrupted(signal_number: int, note: str | None = None) -> None:
    """One line saying the run was interrupted, how far it got and, with a checkpoint, where it
    is and how to resume; exit 128 + signal."""
    from ..util.progress import how_far

    name = signal.Signals(signal_number).name
    where = how_far()
    click.echo(f"wordvec: interrupted by {name}{' ' + where if where else ''}; no output was written"
               + (f"; {note}" if note else ""), err=True)
    sys.exit(128 + int(signal_number))


def _usage_error(exc: click.ClickException) -> None:
    """click's usage errors in one line: the problem, then where to find help."""
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    _error(exc.format_message() + hint)
    sys.exit(exc.exit_code)


def run(group: click.Group, argv: list[str] | None = None) -> None:
    """Console entry point: run the group, map exceptions to one line and an exit status."""
    import warnings

    from ..util.progress import forget_bars

    forget_bars()
    command_line[:] = list(sys.argv[1:] if argv is None else argv)
    previous = _install_signal_handlers()
    show_warning = warnings.showwarning
    _one_line_warnings()
    try:
        _run(group, argv)
    finally:
        _restore_signal_handlers(previous)
        warnings.showwarning = show_warning


def _run(group: click.Group, argv: list[str] | None) -> None:
    """Run the group; every way it can end becomes an exit status and at most one line."""
    from ..errors import WordvecError

    verbose = "-v" in (argv or sys.argv[1:])[:3] or "--verbose" in (argv or sys.argv[1:])[:3]
    try:
        status = group.main(args=argv, prog_name="wordvec", standalone_mode=False)
        if isinstance(status, int) and status:  # click.exceptions.Exit(N) raised by a command
            sys.exit(status)
    except Interrupted as exc:
        _interrupted(exc.signal_number, exc.note)
    except click.exceptions.Abort as exc:  # click's wrapping of KeyboardInterrupt / EOF
        if isinstance(exc.__cause__, EOFError):  # a reader hit the end of a damaged file
            if verbose:
                raise exc.__cause__ from None
            _error(f"unexpected end of data ({exc.__cause__ or 'EOF'}); a file is truncated or damaged")
            sys.exit(EXIT_USER_ERROR)
        _interrupted(signal.SIGINT)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `wordvec`: the help, as usual
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        _usage_error(exc)
    except click.ClickException as exc:
        _error(exc.format_message())
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _interrupted(signal.SIGINT)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except (WordvecError, ValueError, KeyError, OSError, MemoryError) as exc:
        if verbose:
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in str(exc.strerror):
            message = f"{exc.filename}: {exc.strerror}"
        elif isinstance(exc, MemoryError):
            message = f"out of memory{': ' + str(exc) if str(exc) else ''}"
        _error(str(message))
        sys.exit(EXIT_USER_ERROR)


def leave(status: object = 0) -> None:
    """End the process with `status` as `sys.exit` would, skipping the interpreter's teardown.

    Tearing down what numba and LLVM loaded took 0.3 s after every command that ran a kernel,
    however small its input (measured: a phrases run on a 3-word file spends 0.30 s after its
    last line). So once the command is done, stdout and stderr are flushed, the atexit
    callbacks run (logging, tempfile and weakref finalizers, tqdm) and the process exits at
    once. With a thread of ours or a library's still running, the ordinary exit waits for it.
    """
    import threading

    code = _status_code(status)
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.current_thread()):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    code = _flushed(sys.stdout, code)
    code = _flushed(sys.stderr, code)
    os._exit(code)


def _status_code(status: object) -> int:
    """What Python makes of sys.exit(status): None is 0, an int itself, anything else is
    printed on stderr and is 1."""
    if status is None:
        return 0
    if isinstance(status, int):
        return status
    print(status, file=sys.stderr)
    return 1


def _flushed(stream, code: int) -> int:
    """Flush a standard stream; a reader gone away (`wordvec ... | head`) makes a success 1."""
    try:
        if stream is not None and not stream.closed:
            stream.flush()
    except (BrokenPipeError, ValueError):
        return code or 1
    return code

"""The `wordvec` command: a thin click shell over the library.

Commands parse options, call the library and print. This module owns the group options
(-q, -v, --version) and turns every error into one line on stderr with a meaningful exit
status: 0 success, 1 user or data error, 2 usage error, 130 SIGINT, 143 SIGTERM.
Heavy imports (numpy, numba) happen inside commands so `--help` starts fast.
"""

from __future__ import annotations

import logging
import signal
import sys

import click

from .. import __version__
from ..errors import Interrupted

EXIT_USER_ERROR = 1
EXIT_USAGE = 2


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prefix = "wordvec: " if record.levelno < logging.WARNING else f"wordvec: {record.levelname.lower()}: "
        return prefix + record.getMessage()


def _configure_logging(quiet: bool, verbose: bool) -> None:
    from ..progress import set_quiet

    set_quiet(quiet)
    logger = logging.getLogger("wordvec")
    logger.handlers[:] = []
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but results and errors.")
@click.option("-v", "--verbose", is_flag=True, help="More detail; full tracebacks on errors.")
@click.version_option(__version__, "--version", prog_name="wordvec")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Train word embeddings (word2vec skip-gram/CBOW, GloVe) and query them."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["quiet"] = quiet
    _configure_logging(quiet, verbose)


def _raise_interrupt_on_sigterm(signum, frame):  # noqa: ARG001
    raise Interrupted("interrupted by SIGTERM", signal_number=signal.SIGTERM)


def _error(message: str) -> None:
    message = " ".join(str(message).split("\n")[0].split()) or "unknown error"
    click.echo(f"wordvec: error: {message}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the group, map exceptions to one line and an exit status."""
    from ..errors import WordvecError

    signal.signal(signal.SIGTERM, _raise_interrupt_on_sigterm)
    verbose = "-v" in (argv or sys.argv[1:])[:3] or "--verbose" in (argv or sys.argv[1:])[:3]
    try:
        cli.main(args=argv, prog_name="wordvec", standalone_mode=False)
    except click.exceptions.Abort as exc:  # click's wrapping of KeyboardInterrupt / EOF
        click.echo("wordvec: interrupted", err=True)
        sys.exit(130 if isinstance(exc.__cause__, KeyboardInterrupt) or exc.__cause__ is None else 1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Interrupted as exc:
        click.echo(f"wordvec: {exc}", err=True)
        sys.exit(128 + int(exc.signal_number))
    except KeyboardInterrupt:
        click.echo("wordvec: interrupted", err=True)
        sys.exit(130)
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


# Command registration: each module adds its commands to `cli`. Keep these imports light.
from . import corpus_commands  # noqa: E402,F401
from . import train_commands  # noqa: E402,F401
from . import query_commands  # noqa: E402,F401

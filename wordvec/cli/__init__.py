"""The `wordvec` command: a thin click shell over the library.

This root module owns the group options (-q, -v, --version) and registers every command with
``add_command``; the command modules never import it back. Commands parse options, call the
library and print. Heavy imports (numpy, numba) happen inside commands so `--help` starts fast.
"""

from __future__ import annotations

import click

from .. import __version__
from . import exits
from .corpus_commands import cooccur, vocab
from .item_commands import recommend, split
from .phrase_commands import phrases
from .plot_commands import plot
from .sweep_commands import COMMANDS as SWEEP_COMMANDS
from .query_commands import analogy, doesnt_match, similar, similarity, vector
from .train_glove import glove
from .train_item2vec import item2vec
from .train_word2vec import cbow, skipgram
from .vectors_commands import convert, evaluate, info


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("-q", "--quiet", is_flag=True, help="Print only results (answers, scores, tables, --json, data sent to stdout) and "
                   "errors; no summary of a file written, no progress, no warnings.")
@click.option("-v", "--verbose", is_flag=True, help="More detail; full tracebacks on errors.")
@click.version_option(__version__, "--version", prog_name="wordvec")
def cli(quiet: bool, verbose: bool) -> None:
    """Train word embeddings (word2vec skip-gram/CBOW, GloVe) and item embeddings (item2vec), query them
    and draw them."""
    exits.configure_logging(quiet, verbose)


@click.group()
def train() -> None:
    """Train vectors: skipgram, cbow, glove or item2vec."""


@click.group()
def sweep() -> None:
    """Train one model per value of a setting (--dim 25,50,100...) and compare quality and cost."""


for _command in (skipgram, cbow, glove, item2vec):
    train.add_command(_command)
for _command in SWEEP_COMMANDS:
    sweep.add_command(_command)
for _command in (vocab, cooccur, phrases, train, sweep, similar, analogy, similarity, vector, doesnt_match, evaluate,
                 convert, info, plot, recommend, split):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Run the command line in-process: every way it can end is one line and SystemExit."""
    exits.run(cli, argv)


def console() -> None:
    """The `wordvec` program: main(), then the process ends without tearing numba down (exits.leave)."""
    from ..util import numbastart

    numbastart.in_program = True
    try:
        main()
    except SystemExit as done:
        exits.leave(done.code)
    exits.leave(0)

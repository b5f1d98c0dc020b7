"""Options shared by several commands, defined once so names, help and defaults never drift.

Names follow the config fields (``--min-count`` is ``min_count``).
"""

from __future__ import annotations

from typing import Callable

import click

from ..config import TOKEN_MODES


def _stack(*decorators: Callable) -> Callable:
    def apply(func: Callable) -> Callable:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def tokenizer_options(func: Callable) -> Callable:
    """--tokens, --lowercase/--no-lowercase."""
    return _stack(
        click.option("--tokens", type=click.Choice(TOKEN_MODES), default="words", show_default=True,
                     help="words: split on whitespace and strip punctuation from token edges; "
                          "raw: split on whitespace only (pre-tokenized text, item IDs)."),
        click.option("--lowercase/--no-lowercase", default=True, show_default=True,
                     help="Lowercase tokens."),
    )(func)


def vocab_options(func: Callable) -> Callable:
    """--min-count, --max-vocab, --vocab."""
    return _stack(
        click.option("--min-count", type=int, default=5, show_default=True,
                     help="Drop words seen fewer times."),
        click.option("--max-vocab", type=int, default=None,
                     help="Keep at most this many most frequent words."),
        click.option("--vocab", "vocab_path", type=click.Path(dir_okay=False), default=None,
                     help="Reuse this vocabulary (vocab.txt, GloVe vocab_count or word2vec "
                          "-save-vocab output) instead of building one."),
    )(func)


def cache_option(func: Callable) -> Callable:
    return click.option("--no-cache", is_flag=True,
                        help="Do not reuse or store the encoded corpus under $XDG_CACHE_HOME/wordvec.")(func)


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print a machine-readable result.")(func)


def training_options(*, window: int, epochs: int, lr: float | None, lr_help: str) -> Callable:
    """--dim --window --epochs --lr --threads --seed, with trainer-specific defaults."""
    return _stack(
        click.option("--dim", type=int, default=100, show_default=True, help="Vector dimensionality."),
        click.option("--window", type=int, default=window, show_default=True,
                     help="Context words on each side."),
        click.option("--epochs", type=int, default=epochs, show_default=True, help="Passes over the data."),
        click.option("--lr", type=float, default=lr, show_default=lr is not None, help=lr_help),
        click.option("--threads", type=int, default=None,
                     help="Worker threads.  [default: all cores]"),
        click.option("--seed", type=int, default=1, show_default=True,
                     help="Random seed; with --threads 1 the output is bit-identical."),
    )


def output_option(func: Callable) -> Callable:
    return click.option("-o", "--output", required=True, type=click.Path(),
                        help="Output path, used verbatim (the native format is a folder at exactly this path).")(func)


corpus_argument = click.argument("corpus", nargs=-1, required=True, type=click.Path(allow_dash=True))

__all__ = ["tokenizer_options", "vocab_options", "cache_option", "json_option", "training_options",
           "output_option", "corpus_argument"]

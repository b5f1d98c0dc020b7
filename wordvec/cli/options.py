"""Click options, each declared once.

Settings that belong to a config (``--dim``, ``--min-count``, ``--tokens``...) are derived
from the config dataclass fields (name, type, default and help live in wordvec/config.py), so
a default exists in exactly one place. Options that only a command has (``-o``, ``--vocab``,
``--format``, ``--json``) are declared here once each. Commands take ``**options`` and build
their configs with ``wordvec.config.build``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Callable

import click

from ..config import WRITABLE_FORMAT_NAMES, fields_of, format_choices


def _stack(decorators: list[Callable]) -> Callable:
    def apply(func: Callable) -> Callable:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def _base_type(hint: Any) -> type:
    """int for `int | None`, and so on: the type click converts the option's text to."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        (hint,) = [a for a in typing.get_args(hint) if a is not type(None)]
    return hint


def _option(field: dataclasses.Field, hint: Any) -> Callable:
    """The click option for one config field."""
    meta = field.metadata
    name = field.name
    dashed = "--" + name.replace("_", "-")
    kind = _base_type(hint)
    help_text = meta["help"]
    if meta.get("default_text"):
        help_text += f"  [default: {meta['default_text']}]"
    if kind is bool:
        declaration = meta.get("flag") or (f"{dashed}/--no-{dashed[2:]}" if field.default else dashed)
        return click.option(declaration, name, default=field.default, show_default="/" in declaration,
                            is_flag=True, help=help_text)
    click_type = click.Choice(meta["choices"]) if meta.get("choices") else kind
    return click.option(dashed, name, type=click_type, default=field.default, metavar=meta.get("metavar"),
                        show_default=field.default is not None, help=help_text)


def _list_option(field: dataclasses.Field) -> Callable:
    """A config field's option taking text: one value, or a comma-separated list (`wordvec sweep`)."""
    default = field.metadata.get("default_text") or ("none" if field.default is None else field.default)
    return click.option("--" + field.name.replace("_", "-"), field.name, type=str, default=None,
                        help=f"{field.metadata['help']} One value, or a comma-separated list when this is the "
                             f"swept setting.  [default: {default}]")


def config_options(*config_classes: type, exclude: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> Callable:
    """Options for every command-line setting of the given configs (a name once, first class wins).

    Settings named in `lists` take text instead (parsed by the command: `wordvec sweep` reads
    a comma-separated list for the swept one); their option's value is None when not given.
    """
    seen = set(exclude)
    decorators = []
    for config_class in config_classes:
        hints = typing.get_type_hints(config_class)
        for name, field in fields_of(config_class).items():
            if name in seen or not field.metadata.get("cli", False):
                continue
            seen.add(name)
            decorators.append(_list_option(field) if name in lists else _option(field, hints[name]))
    return _stack(decorators)


corpus_argument = click.argument("corpus", nargs=-1, required=True, type=click.Path(allow_dash=True))

output_option = click.option("-o", "--output", required=True, type=click.Path(),
                             help="Output path, used verbatim (the native format is a folder at exactly this path); "
                                  "it never replaces an input, nor without --force an output of another kind.")

vocab_file_option = click.option("--vocab", "vocab", type=click.Path(dir_okay=False), default=None,
                                 help="Reuse this vocabulary (vocab.txt, GloVe vocab_count or word2vec -save-vocab "
                                      "output) instead of building one.")

cache_option = click.option("--cache/--no-cache", "cache", default=True, show_default=True,
                            help="Reuse and store the encoded corpus under $XDG_CACHE_HOME/wordvec.")

dask_options = _stack([
    click.option("--dask", "dask", metavar="ADDRESS", default=None,
                 help="Count, encode (and count co-occurrences) on a Dask cluster: a scheduler's address "
                      "(tcp://HOST:8786), or local:N for N worker processes on this machine. The workers read "
                      "CORPUS at the same path. Needs pip install 'wordvec[dask]'."),
    click.option("--dask-work", "dask_work", type=click.Path(file_okay=False), default=None,
                 help="With --dask: a folder every worker can write and read, for the encoded shards "
                      "(removed at the end).  [default: beside -o]"),
])

format_option = click.option("--format", "format", type=click.Choice(WRITABLE_FORMAT_NAMES, case_sensitive=False),
                             default="native", show_default=True,
                             help=f"Output format of the vectors: {format_choices(writable=True)}.")

force_option = click.option("--force", is_flag=True,
                            help="Replace an existing output of another kind (a file by a folder, a folder by a "
                                 "file, a file that is not what this command writes). Never an input.")

json_option = click.option("--json", "json", is_flag=True, help="Print a machine-readable result.")

json_lines_option = click.option("--json", "json", is_flag=True,
                                 help='JSON Lines: one {"query": ..., "results": [...]} (or "error") object per query.')


def as_flags(config_class: type, values: dict[str, Any]) -> str:
    """Saved settings (meta.json's config) as the command-line flags that give them: the inverse
    of config_options, for `wordvec info` ("--dim 100 --window 5 --lowercase ...")."""
    parts = []
    for name, field in fields_of(config_class).items():
        if name not in values or not field.metadata.get("cli", False):
            continue
        value, dashed = values[name], "--" + name.replace("_", "-")
        if isinstance(value, bool):
            declaration = field.metadata.get("flag") or (f"{dashed}/--no-{dashed[2:]}" if field.default else dashed)
            on, _, off = declaration.partition("/")
            if value or off:
                parts.append(on if value else off)
        elif value is not None:
            parts.append(f"{dashed} {value:g}" if isinstance(value, float) else f"{dashed} {value}")
    return " ".join(parts)

phrases_option = click.option("--phrases", "phrases", type=click.Path(dir_okay=False), default=None,
                              help="Join the phrases of this table (from `wordvec phrases --save-table`) on the fly, "
                                   "before counting and training: new_york becomes one word.")

checkpoint_options = _stack([
    click.option("--checkpoint", "checkpoint", type=click.Path(file_okay=False), default=None,
                 help="Save the whole training state to this folder every --checkpoint-every minutes and when "
                      "interrupted (Ctrl-C, SIGTERM), to continue later with --resume."),
    click.option("--checkpoint-every", "checkpoint_every", type=click.FloatRange(min=0), default=10.0,
                 show_default=True, help="Minutes between checkpoints."),
    click.option("--resume", "resume", type=click.Path(file_okay=False), default=None,
                 help="Continue the run saved in this checkpoint (same corpus and settings; it goes on saving there "
                      "unless --checkpoint names another folder)."),
])

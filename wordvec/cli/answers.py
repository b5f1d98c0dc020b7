"""How query commands read their vectors and answer: one query at a time, each answer printed
as it comes (text, or one JSON Lines record: wordvec.cli.jsonlines), a failed query reported
on stderr (and as an error record) without stopping the others, exit status 1 at the end if
any failed.

Query words are folded the way the training folded its corpus (meta.json's tokenizer:
lowercase, punctuation stripped from word edges), and a word missing only because ``--limit``
read the first rows is reported as such, not as unknown.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

from ..config import FORMAT_NAMES
from . import jsonlines


def load_options(func: Callable) -> Callable:
    """VECTORS argument plus --format, --limit, --allow-nonfinite (how to read the vectors)."""
    for decorator in reversed((
        click.argument("vectors", type=click.Path(exists=True)),
        click.option("--format", "input_format", type=click.Choice(FORMAT_NAMES, case_sensitive=False), default=None,
                     help="Format of VECTORS.  [default: sniffed]"),
        click.option("--limit", type=click.IntRange(min=1), default=None, help="Read only the first N rows."),
        click.option("--allow-nonfinite", is_flag=True,
                     help="Load rows containing NaN or infinity (with a warning) instead of refusing the file."),
    )):
        func = decorator(func)
    return func


def names_vectors_file(command: Callable) -> Callable:
    """For commands that are not query commands (plot): an unknown word is reported with the
    vectors file it is missing from, as Session.explain does for queries."""
    import functools

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ..vectors.keyedvectors import UnknownWordError

        try:
            return command(*args, **kwargs)
        except UnknownWordError as exc:
            raise UnknownWordError(f"{kwargs.get('vectors')}: {exc}", exc.words) from None

    return wrapper


def load_vectors(options: dict[str, Any]):
    """The VECTORS of a command, read as its load options say."""
    from ..vectors.formats import load

    return load(options["vectors"], format=options["input_format"], limit=options["limit"],
                allow_nonfinite=options["allow_nonfinite"])


def corpus_folding(meta: dict) -> tuple[Callable[[bytes], list[str]] | None, str]:
    """The tokenizer's normalisation of the corpus the vectors were trained on (from meta.json),
    and how to describe it; (None, "") when nothing was folded or the vectors do not say."""
    from ..config import TokenizerConfig, fields_of

    settings = (meta.get("corpus") or {}).get("tokenizer") if isinstance(meta, dict) else None
    if not isinstance(settings, dict):
        return None, ""
    try:
        config = TokenizerConfig(**{k: v for k, v in settings.items() if k in fields_of(TokenizerConfig)})
    except TypeError:
        return None, ""
    what = [w for w, on in (("lowercased", config.lowercase), ("punctuation stripped", config.tokens == "words"))
            if on]
    if not what:
        return None, ""
    from ..text.tokenize import type_normalizer

    return type_normalizer(config), ", ".join(what)


class Session:
    """The vectors of one query command and the answers it prints."""

    def __init__(self, options: dict[str, Any]):
        self.options = options
        self.kv = load_vectors(options)
        self.as_json = bool(options.get("json"))
        self.failed = 0
        self.answered = 0
        self._fold, self._folding = corpus_folding(self.kv.meta)
        self._told = False
        self._typed: dict[str, str] = {}  # folded word -> the word as typed

    # --- words ------------------------------------------------------------------------------
    def word(self, word: str) -> str:
        """The word as the vectors spell it: itself if present, else folded as the corpus was."""
        if self._fold is None or word in self.kv:
            return word
        folded = self._fold(word.encode("utf-8"))
        if len(folded) != 1 or folded[0] == word:
            return word
        self._typed[folded[0]] = word
        if not self._told and folded[0] in self.kv:
            self._told = True
            from ..util.progress import log

            log.info("query words are folded as the corpus was (%s): %r -> %r", self._folding, word, folded[0])
        return folded[0]

    def words(self, words) -> list[str]:
        return [self.word(w) for w in words]

    # --- answers ----------------------------------------------------------------------------
    def answer(self, query: dict, compute: Callable[[], list[dict]],
               text: Callable[[list[dict]], list[str]], separate: bool = False) -> bool:
        """Compute one query's results and print them, or report why it has none; True if answered.

        compute: the results as JSON objects; text: the lines people see for them;
        separate: a blank line before this answer's lines when others came before.
        """
        from ..errors import WordvecError

        try:
            results = compute()
        except (KeyError, WordvecError) as exc:
            self.fail(query, self.explain(exc))
            return False
        if self.as_json:
            jsonlines.emit(query, results)
        else:
            if separate and self.answered:
                click.echo()
            for line in text(results):
                click.echo(line)
            sys.stdout.flush()
        self.answered += 1
        return True

    def fail(self, query: dict, message: str) -> None:
        """A query that has no answer: one line on stderr, and an error record with --json."""
        self.failed += 1
        message = " ".join(message.split())
        if self.as_json:
            jsonlines.emit(query, error=message)
        click.echo(f"wordvec: error: {message}", err=True)

    def explain(self, exc: Exception) -> str:
        """The message for a failed query: unknown words named with the vectors file, and words
        that are in the file beyond the rows --limit read said to be there."""
        from ..vectors.keyedvectors import UnknownWordError

        vectors = self.options["vectors"]
        if not isinstance(exc, UnknownWordError):
            return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        limit, source = self.options.get("limit"), self.kv.source or {}
        beyond: dict[str, int] = {}
        if limit is not None and source.get("path"):
            from ..vectors.rowsearch import rows_of

            beyond = rows_of(source["path"], source["format"], exc.words)
        parts = [f"{self._named(w)} is row {row:,}, outside the first {limit:,} rows read (--limit {limit})"
                 for w, row in beyond.items()]
        rest = list(dict.fromkeys(w for w in exc.words if w not in beyond))
        if rest:
            unknown = []
            for word in rest:
                hints = self.kv.suggestions(word)
                unknown.append(self._named(word) + (f" (did you mean {', '.join(hints)}?)" if hints else ""))
            parts.insert(0, f"unknown word{'s' if len(rest) > 1 else ''}: " + "; ".join(unknown))
        return f"{vectors}: " + "; ".join(parts)

    def _named(self, word: str) -> str:
        """A word for a message, with how it was typed when folding changed it."""
        typed = self._typed.get(word)
        return f"{word!r}" + (f" (typed {typed!r})" if typed is not None else "")

    def finish(self) -> None:
        """Exit status 1 when any query failed (each was reported as it happened)."""
        if self.failed:
            raise click.exceptions.Exit(1)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_queries(prompt: str) -> Any:
    """Lines of stdin, split into words, until EOF (empty lines skipped). On a terminal a line
    says what to type (not under -q) and "> " asks for each query."""
    from ..util.progress import quiet

    interactive = stdin_is_terminal()
    if interactive and not quiet():
        click.echo(prompt + "; Ctrl-D ends", err=True)
    while True:
        if interactive:
            click.echo("> ", nl=False, err=True)
        line = sys.stdin.readline()
        if not line:
            return
        terms = line.split()
        if terms:
            yield terms

"""Query words on the command line, strictly: options stay options, operators need words.

``similar V man -n 3`` must not answer "man + 3 - n": before ``--``, an argument that starts
with ``-`` (other than the ``-`` operator) and is not one of the command's options is a usage
error naming it; after ``--`` every argument is a word, so ``-lrb-`` can be asked for.
An expression is words joined by the operators ``+`` and ``-`` standing alone
(``king - man + woman``; words side by side add up); an operator without a word after it, or
two operators in a row, is a usage error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click

OPERATORS = ("+", "-")


class QueryCommand(click.Command):
    """A command whose arguments are query words: an unknown option-like word is refused whole
    (click would name only its first letter) with a hint about ``--`` and spaced operators."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse_unknown_options(self, ctx, args)
        return super().parse_args(ctx, args)


def _options_of(command: click.Command, ctx: click.Context) -> tuple[set[str], set[str]]:
    """(every option name, the names of options that take a value)."""
    names, valued = set(ctx.help_option_names), set()
    for param in command.params:
        if isinstance(param, click.Option):
            opts = set(param.opts) | set(param.secondary_opts)
            names |= opts
            if not param.is_flag and not param.count:
                valued |= set(param.opts)
    return names, valued


def refuse_unknown_options(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    names, valued = _options_of(command, ctx)
    skip = False
    for arg in args:
        if skip:  # the value of the option before it
            skip = False
            continue
        if arg == "--":
            return
        if not arg.startswith("-") or arg in OPERATORS:
            continue
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if name in names:
            skip = name in valued and "=" not in arg
            continue
        import difflib

        close = difflib.get_close_matches(name, sorted(n for n in names if n.startswith("--")), n=1)
        hint = f"did you mean {close[0]}? " if close and name.startswith("--") else ""
        raise click.UsageError(f"no such option: {arg} ({hint}a word that starts with '-' goes after --, as in "
                               f"`{ctx.command_path} VECTORS -- {arg}`; an operator stands alone: king - man)",
                               ctx)


@dataclass
class Expression:
    """Words to add and words to subtract, in the order given."""

    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The expression as people write it: king + woman - man."""
        text = " + ".join(self.positive)
        minus = "".join(f" - {w}" for w in self.negative)
        return (text + minus) if text else minus.lstrip()

    def as_query(self) -> dict:
        return {"positive": list(self.positive), "negative": list(self.negative)}


def has_operator(terms: list[str] | tuple[str, ...]) -> bool:
    return any(t in OPERATORS for t in terms)


def parse_expression(terms: list[str] | tuple[str, ...]) -> Expression:
    """``a - b + c`` (operators standing alone; words side by side add up) as an Expression.

    Raises click.UsageError for a dangling operator or two operators in a row."""
    expression, sign, previous = Expression(), None, None
    for term in terms:
        if term in OPERATORS:
            if sign is not None:
                raise click.UsageError(f"two operators in a row ('{sign} {term}'): put a word between them")
            sign = term
            continue
        (expression.negative if sign == "-" else expression.positive).append(term)
        sign, previous = None, term
    if sign is not None:
        after = f" after '{previous}'" if previous else ""
        raise click.UsageError(f"the expression ends with the operator '{sign}'{after}: put a word after it")
    if not expression.positive and not expression.negative:
        raise click.UsageError("the expression has no words")
    return expression

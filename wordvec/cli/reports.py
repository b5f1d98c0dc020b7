"""What a command prints about the file it wrote, under the one output rule of the command line.

- A result is what the user asked to see: a query's answers, scores, `info`, a sweep's table, a
  --dry-run estimate, data written to stdout by `-o -`, and the JSON object --json asks for.
  Commands print results themselves, always, even under `wordvec -q`.
- A report is the summary, for people, of a command whose product is a file: what it wrote,
  counts, timings. It goes through this module, so that `-q` silences every report alike.
- An error is one line on stderr and a non-zero exit status, always (wordvec.cli.exits).
"""

from __future__ import annotations

import json
from typing import Any

import click


def report(summary: dict[str, Any], lines: list[str], as_json: bool, aside: bool = False) -> None:
    """The summary as one JSON object with --json (asked for, so printed even under -q); else the
    lines for people, unless -q. aside: stdout carries the command's data (-o -), so the lines go
    to stderr as log lines, JSON or not."""
    if aside:
        from ..util.progress import log

        for line in lines:
            log.info(line)  # the logger lets only errors through under -q
    elif as_json:
        click.echo(json.dumps(summary))
    else:
        tell(*lines)


def tell(*lines: str) -> None:
    """Report lines on stdout, unless -q."""
    from ..util.progress import quiet

    if quiet():
        return
    for line in lines:
        click.echo(line)

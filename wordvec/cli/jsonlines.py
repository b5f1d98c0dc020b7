"""The one JSON shape of every query command: JSON Lines, one object per query.

    {"query": {...}, "results": [{...}, ...]}      an answered query
    {"query": {...}, "error": "one-line message"}   a query that could not be answered

The query is given structurally, never as display text: ``{"positive": [...], "negative": [...]}``
for neighbours and expressions (plus ``"analogy": [a, b, c]`` and ``"method"`` where they
apply), ``{"words": [...]}`` for similarity and odd-one-out, ``{"word": w}`` for a vector,
``{"vector": {"source": ..., "line": n}}`` for a query vector. A result names its word (when
there is one) and its score. Any command that answers queries (similar, analogy, similarity,
vector, doesnt-match, and later ones such as recommend) prints through ``emit``, in
command-line and interactive mode alike.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Iterable

import click

SCORE_DIGITS = 6  # a cosine to 1e-6: float32 vectors carry about 7 significant digits


def scored(pairs: Iterable[tuple[str, float]]) -> list[dict[str, Any]]:
    """[(word, score)] as result objects."""
    return [{"word": word, "score": round(float(score), SCORE_DIGITS)} for word, score in pairs]


def line(query: dict[str, Any], results: list[dict[str, Any]] | None = None, error: str | None = None) -> str:
    """One JSON Lines record: the query with its results, or with its error."""
    record: dict[str, Any] = {"query": query}
    if error is not None:
        record["error"] = error
    else:
        record["results"] = results if results is not None else []
    return json.dumps(record, ensure_ascii=False)


def emit(query: dict[str, Any], results: list[dict[str, Any]] | None = None, error: str | None = None) -> None:
    """Print one record on stdout and flush it (a reader on a pipe sees each answer at once)."""
    click.echo(line(query, results, error))
    sys.stdout.flush()

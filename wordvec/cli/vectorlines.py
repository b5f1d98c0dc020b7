"""Query vectors for `similar --vector`: one per line of a file or stdin.

A line is D numbers (spaces, tabs or commas between them), or a word then D numbers (as
`wordvec vector` and word2vec text print them), or a JSON array of numbers, or a JSON Lines
record of `wordvec vector --json` (its first result's vector). A line that is none of these,
or has the wrong number of values, is that query's error, not the end of the run.
"""

from __future__ import annotations

import json
import sys
from typing import Iterator


def _numbers(fields: list[str]) -> list[float] | None:
    try:
        return [float(f) for f in fields]
    except ValueError:
        return None


def parse_vector_line(text: str) -> tuple[list[float] | None, str | None]:
    """(values, label) of one line; values None when the line holds no vector."""
    text = text.strip()
    if text.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError:
            return None, None
        if isinstance(data, dict):  # a record of `wordvec vector --json`
            results = data.get("results") or [{}]
            data, label = results[0].get("vector"), results[0].get("word")
        else:
            label = None
        ok = isinstance(data, list) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in data)
        return (list(map(float, data)) if ok else None), label
    fields = text.replace(",", " ").split()
    values = _numbers(fields)
    if values is None and len(fields) > 1:
        return _numbers(fields[1:]), fields[0]
    return values, None


def read_vector_lines(source: str, dim: int) -> Iterator[tuple[dict, object]]:
    """(query, numpy vector or the message why the line is not one) per non-empty line."""
    import numpy as np

    name = "<stdin>" if source == "-" else source
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for number, text in enumerate(stream, 1):
            if not text.strip():
                continue
            values, label = parse_vector_line(text)
            where = {"source": name, "line": number, **({"label": label} if label is not None else {})}
            query = {"vector": where}
            if values is None:
                yield query, f"{name}:{number}: not a vector (D numbers, a word then D numbers, or a JSON array)"
            elif len(values) != dim:
                yield query, f"{name}:{number}: {len(values)} values, but the vectors have {dim} dimensions"
            elif not np.isfinite(values).all():
                yield query, f"{name}:{number}: the vector holds NaN or infinity"
            else:
                yield query, np.asarray(values, dtype=np.float32)
    finally:
        if stream is not sys.stdin:
            stream.close()

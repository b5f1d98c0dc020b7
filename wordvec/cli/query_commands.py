"""Query commands: similar, analogy, similarity, vector, doesnt-match.

Each answers queries given as arguments or, with none, one per line of stdin (interactive on a
terminal), with the same grammar either way. Answers print as text, or with --json as JSON
Lines (wordvec.cli.jsonlines). Imports of numpy and the library happen inside the commands so
`wordvec --help` stays fast; nothing here imports numba.
"""

from __future__ import annotations

import sys
from typing import Iterable

import click

from .answers import Session, load_options, read_queries
from .expressions import Expression, QueryCommand, has_operator, parse_expression
from .jsonlines import scored
from .options import json_lines_option

topn_option = click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True, help="How many answers.")
restrict_option = click.option("--restrict", type=click.IntRange(min=1), default=None,
                               help="Answer only from the first N rows (the most frequent words).")
method_option = click.option("--method", type=click.Choice(("3cosadd", "3cosmul")), default="3cosadd",
                             show_default=True, help="How terms combine (analogies and expressions).")


def _neighbour_lines(heading: str):
    def text(results: list[dict]) -> list[str]:
        width = max((len(r["word"]) for r in results), default=0)
        return [heading] + [f"  {r['word']:<{width}}  {r['score']:.4f}" for r in results]

    return text


def _ask_expression(session: Session, expression: Expression, analogy: list[str] | None = None) -> None:
    """Nearest words to sum(positive) - sum(negative) (the query words excluded); an analogy
    a : b :: c : ? is the expression b - a + c, asked and shown as such."""
    o = session.options
    expression = Expression(session.words(expression.positive), session.words(expression.negative))
    query, heading = expression.as_query(), expression.text
    if analogy is not None:
        a, b, c = session.words(analogy)
        query, heading = {"analogy": [a, b, c], **query}, f"{a} : {b} :: {c} : ?"
    session.answer(dict(query, method=o["method"]), lambda: scored(session.kv.most_similar(
        expression.positive, expression.negative, topn=o["topn"], restrict=o["restrict"], method=o["method"])),
        _neighbour_lines(heading), separate=True)


def _ask_neighbours(session: Session, words: list[str]) -> None:
    """Nearest words to each word, with one matrix product for all the known ones (with
    subwords, words outside the vocabulary are composed from their n-grams)."""
    o, kv = session.options, session.kv
    words = session.words(words)
    known = list(dict.fromkeys(w for w in words if kv.has_vector(w)))
    answers = dict(zip(known, kv.most_similar_many(known, topn=o["topn"], restrict=o["restrict"]))) if known else {}

    def neighbours(word: str) -> list[dict]:
        if word not in answers:
            raise kv.unknown([word])
        return scored(answers[word])

    for word in words:
        session.answer({"positive": [word], "negative": []}, lambda w=word: neighbours(w), _neighbour_lines(word),
                       separate=True)


def _ask_similar(session: Session, terms: list[str]) -> None:
    if has_operator(terms):
        _ask_expression(session, parse_expression(terms))
    else:
        _ask_neighbours(session, terms)


def _ask_vectors(session: Session, source: str) -> None:
    from .vectorlines import read_vector_lines

    o, kv = session.options, session.kv
    for query, vector in read_vector_lines(source, kv.dim):
        where = query["vector"]
        heading = f"{where['source']}:{where['line']}" + (f" ({where['label']})" if "label" in where else "")
        if isinstance(vector, str):
            session.fail(query, vector)
            continue
        session.answer(query, lambda v=vector: scored(kv.similar_by_vector(v, topn=o["topn"], restrict=o["restrict"])),
                       _neighbour_lines(heading), separate=True)


@click.command(cls=QueryCommand)
@load_options
@click.argument("words", nargs=-1)
@click.option("--positive", multiple=True, help="A word to add (repeat for more): the structured form of an "
              "expression.")
@click.option("--negative", multiple=True, help="A word to subtract (repeat for more).")
@click.option("--vector", "vector_file", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Nearest words to each vector in this file (- for stdin), one per line: D numbers, optionally "
                   "after a word (as `wordvec vector` prints), or a JSON array.")
@topn_option
@restrict_option
@method_option
@json_lines_option
def similar(**options):
    """Nearest words to each WORD, or to an expression: king - man + woman.

    Operators stand alone; a word that starts with '-' goes after --. With no WORD, reads one
    query per line from stdin until EOF, in the same form.
    """
    words, positive, negative, vector_file = (options[k] for k in ("words", "positive", "negative", "vector_file"))
    given = [name for name, value in (("WORD", words), ("--positive/--negative", positive or negative),
                                      ("--vector", vector_file)) if value]
    if len(given) > 1:
        raise click.UsageError(f"give either {' or '.join(given)}, not both")
    if has_operator(words):
        parse_expression(words)  # its usage errors before the vectors load
    session = Session(options)
    if positive or negative:
        _ask_expression(session, Expression(list(positive), list(negative)))
    elif vector_file is not None:
        _ask_vectors(session, vector_file)
    elif words:
        _ask_similar(session, list(words))
    else:
        for terms in read_queries("one query per line: a word, several, or an expression like king - man + woman"):
            _interactive(session, lambda: _ask_similar(session, terms), terms)
    session.finish()


def _interactive(session: Session, ask, terms: list[str]) -> None:
    """One line of stdin: its usage errors (a dangling operator) fail that line only."""
    try:
        ask()
    except click.UsageError as exc:
        session.fail({"terms": terms}, exc.format_message())


def _analogy(terms: list[str]) -> tuple[Expression, list[str] | None]:
    """The expression an analogy's terms ask for, and the three words when given as A B C."""
    if has_operator(terms):
        return parse_expression(terms), None
    if len(terms) != 3:
        raise click.UsageError("give three words A B C (a : b :: c : ?) or an expression like king - man + woman")
    a, b, c = terms
    return Expression([b, c], [a]), list(terms)


@click.command(cls=QueryCommand)
@load_options
@click.argument("terms", nargs=-1)
@topn_option
@restrict_option
@method_option
@json_lines_option
def analogy(**options):
    """A B C: a is to b as c is to ?  Or an expression: king - man + woman.

    The query words never appear among the answers. With no TERMS, reads one analogy or
    expression per line from stdin until EOF.
    """
    terms = list(options["terms"])
    asked = _analogy(terms) if terms else None  # usage errors before loading
    session = Session(options)
    if asked is not None:
        _ask_expression(session, *asked)
    else:
        for line in read_queries("one query per line: a b c (a : b :: c : ?) or an expression like king - man + woman"):
            _interactive(session, lambda: _ask_expression(session, *_analogy(line)), line)
    session.finish()


def _pairs(source: str) -> Iterable[tuple[int, list[str]]]:
    """(line number, fields) of a word-pair file: tab- or space-separated, blank and '#' lines skipped."""
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for number, line in enumerate(stream, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield number, (line.rstrip("\r\n").split("\t") if "\t" in line else line.split())
    finally:
        if stream is not sys.stdin:
            stream.close()


@click.command(cls=QueryCommand)
@load_options
@click.argument("word1", required=False)
@click.argument("word2", required=False)
@click.option("--pairs", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Score every pair of this file (- for stdin): 'word1 word2 ...' lines, tab or space separated; "
                   "one score per pair line, nan where a word is unknown.")
@json_lines_option
def similarity(**options):
    """Cosine similarity of WORD1 and WORD2, or of every pair in --pairs FILE (or on stdin)."""
    word1, word2, pairs = options["word1"], options["word2"], options["pairs"]
    if pairs is not None and word1 is not None:
        raise click.UsageError("give WORD1 WORD2 or --pairs FILE, not both")
    if word1 is not None and word2 is None:
        raise click.UsageError("give two words (WORD1 WORD2), or --pairs FILE")
    session = Session(options)
    kv = session.kv

    def ask(words: list[str], query: dict) -> bool:
        a, b = session.words(words)
        return session.answer(dict(query, words=[a, b]), lambda: [{"score": round(kv.similarity(a, b), 6)}],
                              lambda results: [f"{results[0]['score']:.4f}"])

    if word1 is not None:
        ask([word1, word2], {})
    else:
        source = pairs if pairs is not None else "-"
        if source == "-" and sys.stdin.isatty():
            click.echo("one pair of words per line; Ctrl-D ends", err=True)
        for number, fields in _pairs(source):
            if len(fields) < 2:
                session.fail({"line": number}, f"{'<stdin>' if source == '-' else source}:{number}: expected two words")
                answered = False
            else:
                answered = ask(fields[:2], {"line": number})
            if not answered and not session.as_json:
                click.echo("nan")  # one output line per pair line, whatever happened to it
    session.finish()


def _vector_text(results: list[dict]) -> list[str]:
    return [r["word"] + " " + " ".join(f"{x:.7g}" for x in r["vector"]) for r in results]


@click.command(cls=QueryCommand)
@load_options
@click.argument("words", nargs=-1)
@json_lines_option
def vector(**options):
    """Print the vector of each WORD: 'word x1 ... xD' lines (fastText's print-word-vectors).

    With no WORD, reads words from stdin (whitespace-separated) until EOF.
    """
    session = Session(options)
    kv = session.kv

    def ask(word: str) -> None:
        word = session.word(word)
        session.answer({"word": word}, lambda: [{"word": word, "vector": [float(f"{x:.7g}") for x in kv[word]]}],
                       _vector_text)

    for word in options["words"]:
        ask(word)
    if not options["words"]:
        for terms in read_queries("words, one or more per line"):
            for word in terms:
                ask(word)
    session.finish()


@click.command(name="doesnt-match", cls=QueryCommand)
@load_options
@click.argument("words", nargs=-1)
@json_lines_option
def doesnt_match(**options):
    """The WORD that fits least with the others (lowest cosine with their mean).

    Prints the odd one out; --json ranks every word by its cosine with the mean, odd one first.
    With no WORD, reads one group of words per line from stdin until EOF.
    """
    if len(options["words"]) == 1:
        raise click.UsageError("give at least two words")
    session = Session(options)

    def ask(words: list[str]) -> None:
        words = session.words(words)
        session.answer({"words": words}, lambda: scored(session.kv.odd_one_out(words)),
                       lambda results: [results[0]["word"]])

    if options["words"]:
        ask(list(options["words"]))
    else:
        for terms in read_queries("one group of words per line"):
            ask(terms)
    session.finish()

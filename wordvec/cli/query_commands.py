"""Query commands: similar, analogy, similarity, evaluate, convert, info.

Thin shells over wordvec.vectors (formats, keyedvectors, evaluate): parse, call,
print (a readable table, or JSON with --json). Imports of numpy and the library happen
inside the commands so `wordvec --help` stays fast; nothing here imports numba.
"""

from __future__ import annotations

import json
import sys
from typing import Callable

import click

from ..config import FORMAT_NAMES, WRITABLE_FORMAT_NAMES
from .options import json_option

_TERMS = {"ignore_unknown_options": True}  # lets "king -man +woman" reach the arguments
_METHOD_LABELS = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}


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
    """An unknown query word is reported with the vectors file it is missing from."""
    import functools

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from ..vectors.keyedvectors import UnknownWordError

        try:
            return command(*args, **kwargs)
        except UnknownWordError as exc:
            raise UnknownWordError(f"{kwargs.get('vectors')}: {exc}", exc.words) from None

    return wrapper


def _load(options: dict):
    """The VECTORS of a query command, read as its load options say."""
    from ..vectors.formats import load

    return load(options["vectors"], format=options["input_format"], limit=options["limit"],
                allow_nonfinite=options["allow_nonfinite"])


def _print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _result_json(query: str, results: list[tuple[str, float]]) -> dict:
    return {"query": query, "results": [{"word": w, "score": round(s, 6)} for w, s in results]}


def _print_results(query: str, results: list[tuple[str, float]]) -> None:
    click.echo(query)
    width = max((len(w) for w, _ in results), default=0)
    for word, score in results:
        click.echo(f"  {word:<{width}}  {score:.4f}")


# --- expressions: "king - man + woman", "king -man +woman" -----------------------------------
def _is_expression(terms: tuple[str, ...] | list[str], kv) -> bool:
    return any(t in ("+", "-") or (len(t) > 1 and t[0] in "+-" and t not in kv) for t in terms)


def parse_expression(terms, kv) -> tuple[list[str], list[str]]:
    """Split ``a - b + c`` (signs alone or glued to words) into positive and negative words."""
    positive, negative, sign = [], [], 1
    for term in terms:
        if term in ("+", "-"):
            sign = 1 if term == "+" else -1
            continue
        if term not in kv and len(term) > 1 and term[0] in "+-":
            sign, term = (1 if term[0] == "+" else -1), term[1:]
        (positive if sign > 0 else negative).append(term)
        sign = 1
    if not positive and not negative:
        raise click.UsageError("the expression has no words")
    return positive, negative


def _expression_text(positive: list[str], negative: list[str]) -> str:
    text = " + ".join(positive)
    return text + "".join(f" - {w}" for w in negative)


def _answer(kv, terms: list[str], topn: int, restrict: int | None, method: str) -> list[tuple[str, list]]:
    """One query line: an expression, an analogy ``a b c``, or neighbours of each word."""
    for term in terms:  # unknown options reach here because of ignore_unknown_options
        if term.startswith("--") and term not in kv:
            raise click.UsageError(f"no such option: {term}")
    if _is_expression(terms, kv):
        positive, negative = parse_expression(terms, kv)
        return [(_expression_text(positive, negative),
                 kv.most_similar(positive, negative, topn=topn, restrict=restrict, method=method))]
    if len(terms) == 3:
        a, b, c = terms
        return [(f"{a} : {b} :: {c} : ?", kv.analogy(a, b, c, method=method, topn=topn, restrict=restrict))]
    return list(zip(terms, kv.most_similar_many(list(terms), topn=topn, restrict=restrict)))


def _interactive(kv, topn: int, restrict: int | None, method: str, as_json: bool) -> None:
    """One query per line until EOF; an unknown word reports an error and the loop goes on."""
    from ..errors import WordvecError

    prompt = sys.stdin.isatty()
    if prompt:
        click.echo("one query per line: a word, 'a b c' (a : b :: c : ?) or 'king - man + woman'; "
                   "Ctrl-D ends", err=True)
    while True:
        if prompt:
            click.echo("> ", nl=False, err=True)
        line = sys.stdin.readline()
        if not line:
            break
        terms = line.split()
        if not terms:
            continue
        try:
            answers = _answer(kv, terms, topn, restrict, method)
        except (KeyError, WordvecError, click.UsageError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            click.echo(f"wordvec: error: {message}", err=True)
            continue
        for query, results in answers:
            _print_json(_result_json(query, results)) if as_json else _print_results(query, results)
        sys.stdout.flush()


topn_option = click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True, help="How many answers.")
restrict_option = click.option("--restrict", type=click.IntRange(min=1), default=None,
                               help="Answer only from the first N rows (the most frequent words).")
method_option = click.option("--method", type=click.Choice(("3cosadd", "3cosmul")), default="3cosadd",
                             show_default=True, help="How terms combine (analogies and expressions).")


@click.command(context_settings=_TERMS)
@load_options
@click.argument("words", nargs=-1)
@topn_option
@restrict_option
@method_option
@json_option
@names_vectors_file
def similar(**options):
    """Nearest words to each WORD (or to an expression such as king - man + woman).

    With no WORD, reads one query per line from stdin until EOF: a word, "a b c" as an
    analogy, or an expression.
    """
    kv = _load(options)
    words, topn, restrict, method, as_json = (options[k] for k in ("words", "topn", "restrict", "method", "json"))
    if not words:
        _interactive(kv, topn, restrict, method, as_json)
        return
    if _is_expression(words, kv) or any(w.startswith("--") for w in words):
        answers = _answer(kv, list(words), topn, restrict, method)
    else:
        answers = list(zip(words, kv.most_similar_many(list(words), topn=topn, restrict=restrict)))
    if as_json:
        payload = [_result_json(q, r) for q, r in answers]
        _print_json(payload[0] if len(payload) == 1 else payload)
        return
    for i, (query, results) in enumerate(answers):
        if i:
            click.echo()
        _print_results(query, results)


@click.command(context_settings=_TERMS)
@load_options
@click.argument("terms", nargs=-1, required=True)
@topn_option
@restrict_option
@method_option
@json_option
@names_vectors_file
def analogy(**options):
    """A B C: a is to b as c is to ?  Or an expression: king - man + woman.

    The query words never appear among the answers.
    """
    kv = _load(options)
    terms, topn, restrict, method, as_json = (options[k] for k in ("terms", "topn", "restrict", "method", "json"))
    if not _is_expression(terms, kv) and len(terms) != 3:
        raise click.UsageError("give three words A B C (a : b :: c : ?) or an expression like king - man + woman")
    (query, results), = _answer(kv, list(terms), topn, restrict, method)
    if as_json:
        _print_json({**_result_json(query, results), "method": method})
    else:
        _print_results(query, results)


@click.command()
@load_options
@click.argument("word1")
@click.argument("word2")
@json_option
@names_vectors_file
def similarity(**options):
    """Cosine similarity of WORD1 and WORD2."""
    kv = _load(options)
    word1, word2 = options["word1"], options["word2"]
    value = kv.similarity(word1, word2)
    if options["json"]:
        _print_json({"word1": word1, "word2": word2, "similarity": round(value, 6)})
    else:
        click.echo(f"{value:.4f}")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _print_analogy_table(report: dict) -> None:
    from pathlib import Path

    methods = report["methods"]
    click.echo(f"Analogies: {Path(report['file']).name} (questions and answers within the "
               f"{report['restrict']:,} most frequent words; case-insensitive)")
    width = max(len(s["section"]) for s in report["sections"]) + 2
    header = f"  {'section':<{width}}{'answered':>16}" + "".join(f"{_METHOD_LABELS[m]:>10}" for m in methods)
    click.echo(header)
    rows = report["sections"] + [None] + [report["semantic"], report["syntactic"], report["total"]]
    for row in rows:
        if row is None:
            click.echo("  " + "-" * (len(header) - 2))
            continue
        answered = f"{row['answered']:,}/{row['questions']:,}"
        click.echo(f"  {row['section']:<{width}}{answered:>16}"
                   + "".join(f"{_percent(row['accuracy'][m]):>10}" for m in methods))
    total = report["total"]
    click.echo(f"  coverage: {_percent(total['coverage'])} of {total['questions']:,} questions; "
               f"{total['skipped']:,} skipped for unknown words")


def _correlation(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _print_pairs_table(reports: list[dict]) -> None:
    """One line per file; subword vectors add the figures over all pairs (unseen words composed)."""
    from pathlib import Path

    width = max(len(Path(r["file"]).name) for r in reports) + 2
    composed = all("all_pairs" in r for r in reports)
    extra = f"{'all pairs':>11}{'composed':>10}{'Spearman':>10}" if composed else ""
    click.echo(f"Word pairs: {'file':<{width - 2}}{'pairs':>8}{'skipped':>10}{'Spearman':>10}{'Pearson':>10}{extra}")
    for r in reports:
        line = (f"            {Path(r['file']).name:<{width - 2}}{r['pairs']:>8}"
                f"{_percent(r['skipped_share']):>10}{_correlation(r['spearman']):>10}{_correlation(r['pearson']):>10}")
        if composed:
            every = r["all_pairs"]
            line += f"{every['pairs']:>11}{every['composed_words']:>10}{_correlation(every['spearman']):>10}"
        click.echo(line)
    if composed:
        click.echo("            all pairs: words outside the vocabulary composed from their character n-grams")


@click.command()
@load_options
@click.option("--analogies", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Analogy questions (': section' headers, 'a b c d' lines).  [default: the bundled "
                   "Google questions-words set]")
@click.option("--no-analogies", is_flag=True, help="Skip the analogy evaluation.")
@click.option("--pairs", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Word-pair file(s): 'word1 word2 score' lines, tab or space separated.  "
                   "[default: the bundled WordSim-353 and SimLex-999]")
@click.option("--no-pairs", is_flag=True, help="Skip the word-pair evaluation.")
@click.option("--restrict", type=click.IntRange(min=1), default=30000, show_default=True,
              help="Analogies use only the N most frequent words (word2vec's compute-accuracy).")
@click.option("--pairs-restrict", type=click.IntRange(min=1), default=300000, show_default=True,
              help="Word pairs use only the N most frequent words (gensim's default).")
@click.option("--method", "methods", type=click.Choice(("3cosadd", "3cosmul")), multiple=True,
              help="Analogy method(s).  [default: both]")
@json_option
def evaluate(**options):
    """Score VECTORS on analogy questions and word-pair similarity sets."""
    from ..vectors import evaluate as ev

    kv = _load(options)
    result: dict = {"vectors": str(options["vectors"]), "count": len(kv), "dim": kv.dim}
    if not options["no_analogies"]:
        result["analogies"] = ev.evaluate_analogies(kv, options["analogies"] or ev.DEFAULT_ANALOGIES,
                                                    restrict=options["restrict"],
                                                    methods=tuple(options["methods"]) or ("3cosadd", "3cosmul"))
    if not options["no_pairs"]:
        result["pairs"] = [ev.evaluate_pairs(kv, p, restrict=options["pairs_restrict"])
                           for p in (options["pairs"] or ev.DEFAULT_PAIRS)]
    if options["json"]:
        _print_json(result)
        return
    if "analogies" in result:
        _print_analogy_table(result["analogies"])
    if "pairs" in result:
        if "analogies" in result:
            click.echo()
        _print_pairs_table(result["pairs"])


@click.command()
@click.argument("source", type=click.Path(exists=True))
@click.argument("target", type=click.Path())
@click.option("--to", "to_format", type=click.Choice(WRITABLE_FORMAT_NAMES, case_sensitive=False), required=True,
              help="Output format.")
@click.option("--from", "input_format", type=click.Choice(FORMAT_NAMES, case_sensitive=False), default=None,
              help="Input format.  [default: sniffed]")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Convert only the first N rows.")
@click.option("--allow-nonfinite", is_flag=True, help="Accept rows containing NaN or infinity.")
@json_option
def convert(**options):
    """Convert vectors from SOURCE to TARGET (written atomically)."""
    from ..config import canonical_format
    from ..util.atomic import check_output
    from ..util.progress import log
    from ..vectors.formats import load_context, save

    source, target, to_format, limit = (options[k] for k in ("source", "target", "to_format", "limit"))
    check_output(target, [("vectors", source)])
    kv = _load(dict(options, vectors=source))
    context = None
    if kv.source["format"] == "native" and canonical_format(to_format) == "native":
        context = load_context(source)
        if context is not None and limit is not None:
            context = context[:limit]
    save(kv, target, format=to_format, context=context)
    summary = {"source": str(source), "source_format": kv.source["format"], "target": str(target),
               "format": canonical_format(to_format), "count": len(kv), "dim": kv.dim}
    if options["json"]:
        _print_json(summary)
    else:
        log.info("wrote %s (%s, %d words × %d dims)", target, summary["format"], len(kv), kv.dim)


@click.command()
@load_options
@click.option("--head", type=click.IntRange(min=0), default=10, show_default=True, help="How many leading words to show.")
@json_option
def info(**options):
    """Describe VECTORS: format, size, metadata, leading words, vector norms."""
    import numpy as np

    kv = _load(options)
    vectors, head, as_json = options["vectors"], options["head"], options["json"]
    norms = np.divide(1, kv.inv_norms, out=np.zeros_like(kv.inv_norms), where=kv.inv_norms > 0)
    result = {"path": str(vectors), "format": kv.source["format"], "count": len(kv), "dim": kv.dim,
              "has_counts": kv.counts is not None, "head": kv.words[:head],
              "norm": {"min": float(norms.min()), "median": float(np.median(norms)), "max": float(norms.max())},
              "meta": {k: v for k, v in kv.meta.items() if k not in ("format", "version", "dim", "count")}}
    if as_json:
        _print_json(result)
        return
    click.echo(f"{result['path']}: {result['format']}, {len(kv):,} words × {kv.dim} dims"
               f"{', with counts' if result['has_counts'] else ''}")
    click.echo(f"  first words: {' '.join(result['head'])}")
    n = result["norm"]
    click.echo(f"  vector norms: min {n['min']:.4g}, median {n['median']:.4g}, max {n['max']:.4g}")
    for key, value in result["meta"].items():
        if value is not None:
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
            click.echo(f"  {key}: {text if len(text) < 300 else text[:297] + '...'}")

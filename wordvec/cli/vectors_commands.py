"""Commands on whole vectors files: evaluate (benchmarks), convert (between formats), info
(what a file holds). Their --json prints one object per run (the query commands print JSON
Lines, one record per query). Nothing here imports numba.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..config import FORMAT_NAMES, WRITABLE_FORMAT_NAMES, format_choices
from .answers import load_options, load_vectors
from .options import force_option, json_option

_METHOD_LABELS = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _print_analogy_table(report: dict) -> None:
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
    width = max(len(Path(r["file"]).name) for r in reports) + 2
    composed = all("all_pairs" in r for r in reports)
    extra = f"{'all pairs':>11}{'composed':>10}{'Spearman':>10}" if composed else ""
    click.echo(f"Word pairs: {'file':<{width - 2}}{'pairs':>8}{'skipped':>10}{'Spearman':>10}{'Pearson':>10}{extra}")
    for r in reports:
        line = (f"            {Path(r['file']).name:<{width - 2}}{r['pairs']:>8,}"
                f"{_percent(r['skipped_share']):>10}{_correlation(r['spearman']):>10}{_correlation(r['pearson']):>10}")
        if composed:
            every = r["all_pairs"]
            line += f"{every['pairs']:>11,}{every['composed_words']:>10,}{_correlation(every['spearman']):>10}"
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
@click.option("--next-item", "next_item", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Instead: recommendations, scored on 'history<TAB>held-out item' lines (wordvec split) beside "
                   "the popularity baseline.")
@click.option("--k", "k", type=click.IntRange(min=1), multiple=True, default=(10, 20), show_default=True,
              help="--next-item: cut-offs of hit rate, NDCG and coverage (repeat for several).")
@click.option("--recency", type=click.FloatRange(min=0), default=None,
              help="--next-item: recency half-life of the histories.  [default: the vectors' own]")
@click.option("--cosine", is_flag=True, help="--next-item: score by cosine even when context vectors are stored.")
@json_option
def evaluate(**options):
    """Score VECTORS on analogy questions and word-pair similarity sets, or with --next-item on
    held-out next items."""
    from ..vectors import evaluate as ev

    if options["next_item"] is not None:
        from .item_commands import next_item_report, print_next_item_table

        report = next_item_report(load_vectors(options), options)
        click.echo(json.dumps(report, ensure_ascii=False)) if options["json"] else print_next_item_table(report)
        return

    if options["no_analogies"] and options["no_pairs"]:
        raise click.UsageError("--no-analogies and --no-pairs leave nothing to evaluate: drop one")
    for skip, given in (("no_analogies", "analogies"), ("no_pairs", "pairs")):
        if options[skip] and options[given]:
            raise click.UsageError(f"--{skip.replace('_', '-')} contradicts --{given}: drop one")
    kv = load_vectors(options)
    result: dict = {"vectors": str(options["vectors"]), "count": len(kv), "dim": kv.dim}
    if not options["no_analogies"]:
        result["analogies"] = ev.evaluate_analogies(kv, options["analogies"] or ev.DEFAULT_ANALOGIES,
                                                    restrict=options["restrict"],
                                                    methods=tuple(options["methods"]) or ("3cosadd", "3cosmul"))
    if not options["no_pairs"]:
        result["pairs"] = [ev.evaluate_pairs(kv, p, restrict=options["pairs_restrict"])
                           for p in (options["pairs"] or ev.DEFAULT_PAIRS)]
    if options["json"]:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    if "analogies" in result:
        _print_analogy_table(result["analogies"])
    if "pairs" in result:
        if "analogies" in result:
            click.echo()
        _print_pairs_table(result["pairs"])


def _target_format(options: dict[str, Any]) -> str:
    """--to, or the format TARGET's name implies (.bin, .vec, .txt, .wv, a folder)."""
    from ..config import canonical_format, format_of_name

    if options["to_format"] is not None:
        return canonical_format(options["to_format"])
    implied = format_of_name(options["target"])
    if implied is None:
        raise click.UsageError(f"cannot tell the output format from the name {options['target']!r} (.bin is "
                               f"word2vec-binary, .vec and .txt word2vec, .wv or a folder native): pass --to with "
                               f"one of {format_choices(writable=True)}")
    return implied


@click.command()
@click.argument("source", type=click.Path(exists=True))
@click.argument("target", type=click.Path())
@click.option("--to", "to_format", type=click.Choice(WRITABLE_FORMAT_NAMES, case_sensitive=False), default=None,
              help="Output format.  [default: from TARGET's name: .bin word2vec-binary, .vec/.txt word2vec, "
                   ".wv or a folder native]")
@click.option("--from", "--format", "input_format", type=click.Choice(FORMAT_NAMES, case_sensitive=False),
              default=None, help="Input format.  [default: sniffed]")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Convert only the first N rows.")
@click.option("--allow-nonfinite", is_flag=True, help="Accept rows containing NaN or infinity.")
@force_option
@json_option
def convert(**options):
    """Convert vectors from SOURCE to TARGET (written atomically); the format follows TARGET's
    name unless --to says otherwise."""
    from ..util.progress import log
    from ..vectors.formats import load_context, save
    from .outputs import check_output_of, vectors_output

    fmt = _target_format(options)
    source = Path(options["source"])
    if source.name == "meta.json":  # the native folder it describes is the input
        source = source.parent
    check_output_of(options, vectors_output(fmt), target="target", inputs=[("vectors", source)])
    kv = load_vectors(dict(options, vectors=source))
    context = None
    if kv.source["format"] == "native" and fmt == "native":
        context = load_context(source)
        if context is not None and options["limit"] is not None:
            context = context[:options["limit"]]
    save(kv, options["target"], format=fmt, context=context)
    summary = {"source": str(options["source"]), "source_format": kv.source["format"],
               "target": str(options["target"]), "format": fmt, "count": len(kv), "dim": kv.dim}
    if options["json"]:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        log.info("wrote %s (%s, %s × %d dims)", options["target"], fmt, f"{len(kv):,} words", kv.dim)


@click.command()
@load_options
@click.option("--head", type=click.IntRange(min=0), default=10, show_default=True, help="How many leading words to show.")
@json_option
def info(**options):
    """Describe VECTORS: format, size, leading words, vector norms, and how they were trained."""
    import numpy as np

    from .describe import describe_meta

    kv = load_vectors(options)
    norms = np.divide(1, kv.inv_norms, out=np.zeros_like(kv.inv_norms), where=kv.inv_norms > 0)
    result = {"path": str(options["vectors"]), "format": kv.source["format"], "count": len(kv), "dim": kv.dim,
              "has_counts": kv.counts is not None, "head": kv.table.slice(0, options["head"]),
              "norm": {"min": float(norms.min()), "median": float(np.median(norms)), "max": float(norms.max())},
              "meta": {k: v for k, v in kv.meta.items() if k not in ("format", "version", "dim", "count")}}
    if options["json"]:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{result['path']}: {result['format']}, {len(kv):,} words × {kv.dim:,} dims"
               f"{', with counts' if result['has_counts'] else ''}")
    click.echo(f"  first words: {' '.join(result['head'])}")
    n = result["norm"]
    click.echo(f"  vector norms: min {n['min']:.4g}, median {n['median']:.4g}, max {n['max']:.4g}")
    for label, text in describe_meta(result["meta"]):
        click.echo(f"  {label}: {text}")

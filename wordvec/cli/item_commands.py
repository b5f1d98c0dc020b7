"""Item commands: recommend, split, and the next-item table of `evaluate --next-item`.

Thin shells over wordvec.vectors.recommend, wordvec.vectors.nextitem and wordvec.text.split.
Imports of numpy and the library happen inside the commands; nothing here imports numba.
"""

from __future__ import annotations

import sys
from typing import Any, Iterator

import click

from ..config import InteractionsConfig
from .answers import load_options, load_vectors
from .options import config_options, json_lines_option, json_option

recency_option = click.option("--recency", type=click.FloatRange(min=0), default=None,
                              help="Weight recent history items more: an item's weight halves every N items back "
                                   "(0: all alike).  [default: the value the vectors were trained with]")
cosine_option = click.option("--cosine", is_flag=True,
                             help="Score by cosine with the item vectors even when context vectors are stored "
                                  "(by default recommendations use them: see docs/DESIGN.md).")


def recommender_of(options: dict[str, Any], kv):
    """A Recommender for the loaded vectors: their context vectors unless --cosine, their recency
    unless --recency."""
    from ..vectors.formats import load_context
    from ..vectors.recommend import Recommender

    context = None
    if not options["cosine"] and kv.source and kv.source["format"] == "native" and options["limit"] is None:
        context = load_context(kv.source["path"])
    recency = options["recency"]
    if recency is None:
        recency = float((kv.meta.get("config") or {}).get("recency") or 0.0)
    return Recommender(kv, recency=recency, context=context)


def read_titles(path: str | None) -> dict[str, str]:
    """id<TAB>title lines (a missing title or a line without a tab is skipped)."""
    if path is None:
        return {}
    from ..errors import WordvecError

    titles = {}
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError as exc:
        raise WordvecError(f"{path}: cannot read it ({exc.strerror})") from None
    for line in text.splitlines():
        item, tab, title = line.partition("\t")
        if tab and item.strip():
            titles[item.strip()] = title.strip()
    if not titles:
        raise WordvecError(f"{path}: no 'id<TAB>title' lines found")
    return titles


def _history_lines(path: str) -> Iterator[list[str]]:
    from ..errors import WordvecError

    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise WordvecError(f"{path}: cannot read it ({exc.strerror})") from None
    with stream:
        for line in stream:
            yield line.split()


def _named(item: str, titles: dict[str, str]) -> str:
    return f"{item} ({titles[item]})" if item in titles else item


def _print_history(kv, user: str, titles: dict[str, str], last: int = 3) -> None:
    """What a stored user has: how many items, and the latest few."""
    rows = kv.users.history(user).tolist()
    latest = ", ".join(_named(kv.words[r], titles) for r in rows[-last:][::-1])
    click.echo(f"{user}: {len(rows):,} item(s) in the history; latest: {latest}")


def answer_record(answer, query: dict[str, Any], titles: dict[str, str]) -> tuple[dict, list[dict]]:
    """The JSON Lines record of one recommendation (wordvec.cli.jsonlines): the query as given
    (``user``, or ``items`` with the ``unknown`` ones named) and the scored items, with titles."""
    from .jsonlines import scored

    if answer.unknown:
        query = {**query, "unknown": answer.unknown}
    results = scored(answer.results)
    if titles:
        for result in results:
            result["title"] = titles.get(result["word"], "")
    return query, results


def _print_answer(answer, query: dict[str, Any], titles: dict[str, str], as_json: bool, batch: bool) -> None:
    if as_json:
        from .jsonlines import emit

        emit(*answer_record(answer, query, titles))
    elif batch:
        click.echo(" ".join(item for item, _ in answer.results))
    else:
        width = max((len(item) for item, _ in answer.results), default=0)
        for item, score in answer.results:
            title = f"  {titles[item]}" if item in titles else ""
            click.echo(f"  {item:<{width}}  {score:.4f}{title}")


@click.command(context_settings={"ignore_unknown_options": False})
@load_options
@click.argument("items", nargs=-1)
@click.option("--user", "users", multiple=True, help="Recommend for this stored user (repeat for several).")
@click.option("--items", "items_flag", is_flag=True, help="Recommend for the history given as ITEMS (oldest first).")
@click.option("--histories", type=click.Path(allow_dash=True, dir_okay=False), default=None,
              help="Batch: one history per line (item IDs separated by spaces), one answer line per line.")
@click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True, help="How many items.")
@click.option("--titles", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A TSV of id<TAB>title lines: names shown beside the IDs.")
@recency_option
@cosine_option
@json_lines_option
def recommend(**options: Any) -> None:
    """Items to recommend from VECTORS: the best --topn items not already in the history.

    For --user ID (a user stored with `train item2vec --users`), for --items A B C (a history on
    the command line), or for --histories FILE (batch). Unknown items are skipped and counted.
    """
    chosen = bool(options["users"]) + options["items_flag"] + (options["histories"] is not None)
    if chosen != 1:
        raise click.UsageError("give exactly one of --user ID, --items A B C or --histories FILE")
    if options["items"] and not options["items_flag"]:
        raise click.UsageError(f"unexpected argument {options['items'][0]!r} (item IDs go after --items)")
    if options["items_flag"] and not options["items"]:
        raise click.UsageError("--items needs at least one item ID")
    kv = load_vectors(options)
    titles = read_titles(options["titles"])
    recommender = recommender_of(options, kv)
    topn, as_json = options["topn"], options["json"]
    if options["users"]:
        answers = recommender.for_users(list(options["users"]), topn)
    elif options["items_flag"]:
        answers = [recommender.for_items(list(options["items"]), topn)]
    else:
        for answer in recommender.for_histories(_history_lines(options["histories"]), topn):
            _print_answer(answer, {"items": answer.query.split()}, titles, as_json, batch=True)
        return
    for i, answer in enumerate(answers):
        if i and not as_json:
            click.echo()
        if not as_json:
            if options["users"]:
                _print_history(kv, answer.query, titles)
            else:
                click.echo(answer.query if answer.known else f"{answer.query} (no known item)")
        query = {"user": answer.query} if options["users"] else {"items": list(options["items"])}
        _print_answer(answer, query, titles, as_json, batch=False)
        if answer.unknown and not as_json:
            click.echo(f"  (skipped {len(answer.unknown)} unknown item(s): {' '.join(answer.unknown[:5])})")


@click.command()
@click.argument("interactions", type=click.Path(allow_dash=True))
@click.option("--train", "train_path", type=click.Path(dir_okay=False), required=True,
              help="Where the training part goes (a user<TAB>item table for a table input, else one sequence "
                   "per line).")
@click.option("--test", "test_path", type=click.Path(dir_okay=False), required=True,
              help="Where the test cases go: 'history<TAB>held-out item' lines.")
@config_options(InteractionsConfig)
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="Hold out the last item of only this many users (drawn with --seed).  [default: every user "
                   "with two items or more]")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of --sample.")
@json_option
def split(**options: Any) -> None:
    """Hold the last item of each user of INTERACTIONS out: a training part and next-item test cases."""
    from ..config import build
    from ..text.interactions import read_interactions
    from ..text.split import hold_out_last, write_split
    from ..util.atomic import Output, check_output
    from .reports import report

    if options["train_path"] == options["test_path"]:
        raise click.UsageError("--train and --test must be different files")
    for key in ("train_path", "test_path"):
        check_output(options[key], [("interactions", options["interactions"])], writes=Output(folder=False))
    config = build(InteractionsConfig, options)
    interactions = read_interactions(options["interactions"], config)
    result = hold_out_last(interactions, sample=options["sample"], seed=options["seed"])
    write_split(result, options["train_path"], options["test_path"], as_table=config.is_table)
    summary = {"train": options["train_path"], "test": options["test_path"], "users": interactions.n_users,
               "test_cases": result.n_test, "train_interactions": int(result.train.corpus.n_tokens),
               "held_out_unseen_in_train": int((result.test_targets < 0).sum())}
    report(summary, [f"{options['train_path']}: {summary['train_interactions']:,} interactions of "
                     f"{interactions.n_users:,} users",
                     f"{options['test_path']}: {result.n_test:,} test cases (the last item of each user with two "
                     f"or more; {summary['held_out_unseen_in_train']:,} of those items never occur in training)"],
           options["json"])


def next_item_report(kv, options: dict[str, Any]) -> dict:
    """`evaluate --next-item`: the vectors and the popularity baseline on a test file."""
    from ..vectors.nextitem import evaluate_next_item

    recommender = recommender_of(options, kv)
    context = None if recommender.scoring == "cosine" else recommender.targets
    return evaluate_next_item(kv, options["next_item"], ks=tuple(options["k"]), recency=recommender.recency,
                              context=context)


def print_next_item_table(report: dict) -> None:
    from pathlib import Path

    ks = report["ks"]
    columns = [f"hit@{k}" for k in ks] + [f"ndcg@{k}" for k in ks] + ["mrr"] + [f"coverage@{k}" for k in ks]
    click.echo(f"Next item: {Path(report['file']).name} ({report['cases']:,} cases, catalogue of "
               f"{report['catalogue']:,} items, scored by {report['scoring']})")
    click.echo(f"  {'':<12}" + "".join(f"{c:>13}" for c in columns))
    for name in ("vectors", "popularity"):
        row = report.get(name)
        if row is None:
            click.echo(f"  {name:<12}  (no item counts in the vectors)")
            continue
        cells = [f"{100 * row[c]:.2f} %" if c.startswith(("hit", "coverage")) else f"{row[c]:.4f}" for c in columns]
        click.echo(f"  {name:<12}" + "".join(f"{c:>13}" for c in cells))
    notes = [(report["unknown_targets"], "held-out items not in the vectors"),
             (report["targets_in_history"], "held-out items already in their history"),
             (report["histories_without_known_items"], "histories with no known item"),
             (report["unknown_history_items"], "unknown history items skipped")]
    said = [f"{n:,} {what}" for n, what in notes if n]
    if said:
        click.echo("  counted as misses or skipped: " + "; ".join(said))

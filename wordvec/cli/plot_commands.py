"""`wordvec plot`: a labelled 2-D map of vectors, or with --history the training curves of runs.

A thin shell over wordvec.plot; matplotlib (the `plot` extra) is imported only here and only
when drawing, and a missing extra is one line saying how to install it.
"""

from __future__ import annotations

import json
from typing import Any

import click

from .options import force_option, json_option
from .answers import load_options, names_vectors_file
from .reports import tell

def _map_only_options(options: dict[str, Any]) -> list[str]:
    """The map options given, which mean nothing for training curves."""
    names = [f"--{n}" for n in ("top", "neighbours") if options[n]] + (["--analogy"] if options["analogies"] else [])
    return names + (["--method tsne"] if options["method"] != "pca" else [])


@click.command()
@load_options
@click.argument("words", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The image: .png, .svg or .pdf (the extension decides).")
@click.option("--top", type=click.IntRange(min=2), default=None, help="Draw the N most frequent words.")
@click.option("--neighbours", "--neighbors", "neighbours", multiple=True, metavar="WORD",
              help="Draw WORD and its nearest neighbours in a colour of their own (repeatable).")
@click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True,
              help="Neighbours drawn for each --neighbours word.")
@click.option("--analogy", "analogies", multiple=True, metavar="A:B,C:D",
              help="Draw an arrow from A to B, from C to D...: parallel arrows show a shared relation.")
@click.option("--method", type=click.Choice(("pca", "tsne")), default="pca", show_default=True,
              help="Projection to 2-D: PCA keeps distances and directions; t-SNE keeps neighbourhoods.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of t-SNE.")
@click.option("--history", is_flag=True,
              help="Draw the training curves (loss, learning rate, speed) of VECTORS and of every further "
                   "vectors folder given, overlaid, instead of a map.")
@click.option("--size", default="1000x800", show_default=True, help="Image size in pixels, WIDTHxHEIGHT.")
@click.option("--title", default=None, help="Title of the picture.  [default: what it shows]")
@force_option
@json_option
@names_vectors_file
def plot(**options: Any) -> None:
    """Draw VECTORS: a map of WORDS (or --top N, --neighbours WORD, --analogy A:B,C:D), or with
    --history the training curves of one or more native vectors folders."""
    from ..plot.canvas import image_format, parse_size
    from ..plot.extra import require
    from .outputs import IMAGE_FILE, check_output_of

    if options["history"] and _map_only_options(options):
        raise click.UsageError(f"map options ({', '.join(_map_only_options(options))}) do not apply to "
                               "--history, which draws training curves")
    image_format(options["output"])
    size = parse_size(options["size"])
    sources = [options["vectors"], *options["words"]] if options["history"] else [options["vectors"]]
    check_output_of(options, IMAGE_FILE, inputs=[("vectors", s) for s in sources])
    require("matplotlib")  # before loading anything large
    if options["history"]:
        _history(sources, options, size)
    else:
        _map(options, size)


def _history(sources: list[str], options: dict[str, Any], size: tuple[int, int]) -> None:
    from ..plot.curves import plot_history

    drawn = plot_history(sources, options["output"], size=size, title=options["title"])
    if options["json"]:
        click.echo(json.dumps({"output": options["output"], **drawn}))
        return
    runs = ", ".join(f"{r['path']} ({r['points']} {r['per']}s)" for r in drawn["runs"])
    tell(f"wrote {options['output']}: training curves of {runs}")


def _map(options: dict[str, Any], size: tuple[int, int]) -> None:
    from ..plot.wordmap import plot_map
    from ..vectors.formats import load

    kv = load(options["vectors"], format=options["input_format"], limit=options["limit"],
              allow_nonfinite=options["allow_nonfinite"])
    drawn = plot_map(kv, options["output"], words=options["words"], top=options["top"],
                     neighbours=options["neighbours"], topn=options["topn"], analogies=options["analogies"],
                     method=options["method"], seed=options["seed"], size=size, title=options["title"])
    if options["json"]:
        click.echo(json.dumps({"output": options["output"], **drawn}, ensure_ascii=False))
        return
    tell(f"wrote {options['output']}: {len(drawn['words'])} words, {drawn['method'].upper()}")

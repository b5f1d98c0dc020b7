"""2-D word maps: choose the words, project them, draw labelled points and analogy arrows.

Words come from a list, the N most frequent, or one or more query words with their nearest
neighbours (one colour per query). ``man:king,woman:queen`` pairs add their words and an arrow
from the first word of each pair to the second: when the vectors encode the relation, the
arrows run parallel. Labels are spread by wordvec.plot.labels so they overlap as little as room
allows, with a thin leader line to any label pushed away from its point.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import WordvecError
from .projection import Projection, project

ARROW_COLOUR = "#b2182b"
MAX_WORDS = 3000  # beyond this labels cannot be read and placing them takes minutes
MAX_LABEL_CHARS = 24
ALL_WORDS = ""  # the group of words chosen by name or by --top


@dataclass
class Selection:
    """The words of a map in drawing order, the group of each, and the analogy pairs."""

    words: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    centres: set[str] = field(default_factory=set)  # the query words of --neighbours

    def add(self, word: str, group: str) -> None:
        if word not in self.groups_by_word:
            self.words.append(word)
            self.groups.append(group)

    @property
    def groups_by_word(self) -> dict[str, str]:
        return dict(zip(self.words, self.groups))


def parse_analogies(specs) -> list[tuple[str, str]]:
    """'man:king,woman:queen' (one or several such options) → [("man", "king"), ("woman", "queen")]."""
    if isinstance(specs, str):
        specs = [specs]
    pairs = []
    for spec in specs or ():
        for item in spec.split(","):
            item = item.strip()
            if not item:
                continue
            parts = [p.strip() for p in item.split(":")]
            if len(parts) != 2 or not all(parts):
                raise WordvecError(f"--analogy takes pairs A:B separated by commas, such as "
                                   f"man:king,woman:queen; {item!r} is not a pair")
            pairs.append((parts[0], parts[1]))
    return pairs


def most_frequent(kv, n: int) -> list[str]:
    """The n most frequent words: by stored counts when present, else the first rows (files list
    words most frequent first, as word2vec, GloVe and wordvec write them)."""
    if n < 1:
        raise WordvecError(f"--top must be at least 1, not {n}")
    if kv.counts is not None and kv.counts.any():
        order = np.argsort(-kv.counts, kind="stable")[:n]
    else:
        order = np.arange(min(n, len(kv)))
    return [kv.words[i] for i in order]


def choose_words(kv, words=(), top: int | None = None, neighbours=(), topn: int = 10,
                 analogies=()) -> Selection:
    """The map's words: named words, then the --top N, then each --neighbours word with its topn
    nearest, then the words of the analogy pairs. A word keeps the first group it was given."""
    selection = Selection(pairs=parse_analogies(analogies))
    named = list(words) + [w for pair in selection.pairs for w in pair] + list(neighbours)
    kv.rows(named)  # every unknown word named at once, with suggestions
    for word in words:
        selection.add(word, ALL_WORDS)
    if top is not None:
        for word in most_frequent(kv, top):
            selection.add(word, ALL_WORDS)
    if topn < 1:
        raise WordvecError(f"--topn must be at least 1, not {topn}")
    for centre in neighbours:
        selection.centres.add(centre)
        selection.add(centre, centre)
        for word, _ in kv.similar_by_word(centre, topn=topn):
            selection.add(word, centre)
    for a, b in selection.pairs:
        selection.add(a, ALL_WORDS)
        selection.add(b, ALL_WORDS)
    if not selection.words:
        raise WordvecError("choose the words to draw: name them, or pass --top N, --neighbours WORD "
                           "or --analogy A:B,C:D")
    if len(selection.words) > MAX_WORDS:
        raise WordvecError(f"a map of {len(selection.words):,} words cannot be read; draw at most {MAX_WORDS:,}")
    return selection


def plot_map(kv, output: str | os.PathLike, words=(), top: int | None = None, neighbours=(),
             topn: int = 10, analogies=(), method: str = "pca", seed: int = 1,
             size: tuple[int, int] = (1000, 800), title: str | None = None) -> dict:
    """Draw a labelled 2-D map of the chosen words of `kv` into `output` (.png, .svg or .pdf).

    Returns {"method", "axes", "words": [{"word", "group", "x", "y"}]}: the coordinates drawn.
    """
    from .canvas import image_format, new_figure, save, style

    image_format(output)
    selection = choose_words(kv, words, top, neighbours, topn, analogies)
    projection = project(kv[selection.words], method, seed)
    source = Path(kv.source["path"]).name if kv.source else "vectors"
    with style():
        figure = new_figure(size)
        draw_map(figure, selection, projection,
                 title or f"{source}: {len(selection.words)} words, {projection.method}")
        save(figure, output)
    return {"method": method, "axes": list(projection.axis_labels),
            "words": [{"word": w, "group": g, "x": float(x), "y": float(y)}
                      for w, g, (x, y) in zip(selection.words, selection.groups, projection.coords)]}


def _short(word: str) -> str:
    word = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in word)
    return word if len(word) <= MAX_LABEL_CHARS else word[:MAX_LABEL_CHARS - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _font_size(n: int) -> float:
    return 11 if n <= 40 else 9 if n <= 120 else 7.5 if n <= 300 else 6


def _limits(coords: np.ndarray, ax_width: float, ax_height: float) -> tuple[tuple, tuple]:
    """Axis limits holding every point with a margin, with equal scales on both axes (so the
    picture keeps the projection's distances and angles: parallel arrows stay parallel)."""
    low, high = coords.min(axis=0), coords.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    centre = (low + high) / 2
    per_pixel = max(span[0] / ax_width, span[1] / ax_height) * 1.25  # 12.5% margin each side for labels
    half = np.array([ax_width, ax_height]) * per_pixel / 2
    return (centre[0] - half[0], centre[0] + half[0]), (centre[1] - half[1], centre[1] + half[1])


def draw_map(figure, selection: Selection, projection: Projection, title: str) -> None:
    """Points coloured by group, spread labels, analogy arrows, a legend when groups differ."""
    from matplotlib.lines import Line2D

    coords = projection.coords
    ax = figure.add_axes((0.05, 0.07, 0.9, 0.86))
    group_names = list(dict.fromkeys(selection.groups))
    colours = {g: f"C{i % 10}" for i, g in enumerate(group_names)}
    point_colours = [colours[g] for g in selection.groups]
    ax_box = ax.get_window_extent()
    xlim, ylim = _limits(coords, ax_box.width, ax_box.height)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    sizes = [60 if w in selection.centres else 18 for w in selection.words]
    ax.scatter(coords[:, 0], coords[:, 1], s=sizes, c=point_colours, zorder=3, linewidths=0)
    for a, b in selection.pairs:
        i, j = selection.words.index(a), selection.words.index(b)
        ax.annotate("", xy=coords[j], xytext=coords[i], zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": ARROW_COLOUR, "lw": 1.6,
                                "shrinkA": 4, "shrinkB": 4, "mutation_scale": 14})
    arrows = [(selection.words.index(a), selection.words.index(b)) for a, b in selection.pairs]
    _place_labels(figure, ax, selection, coords, point_colours, arrows)
    ax.set_title(title, parse_math=False)
    ax.set_xlabel(projection.axis_labels[0])
    ax.set_ylabel(projection.axis_labels[1])
    ax.set_xticks([])
    ax.set_yticks([])
    if len(group_names) > 1 or selection.pairs:
        handles = [Line2D([], [], marker="o", linestyle="", color=colours[g],
                          label=f"{g} and its neighbours" if g in selection.centres else "chosen words")
                   for g in group_names]
        if selection.pairs:
            handles.append(Line2D([], [], color=ARROW_COLOUR, lw=1.6, label="analogy A → B"))
        legend = ax.legend(handles=handles, loc="lower right", fontsize=9)
        for text in legend.get_texts():
            text.set_parse_math(False)


def _arrow_samples(anchors: np.ndarray, arrows: list[tuple[int, int]], spacing: float = 6.0) -> np.ndarray:
    """Pixel points every `spacing` pixels along each arrow, for labels to keep off."""
    samples = [np.zeros((0, 2))]
    for i, j in arrows:
        steps = max(2, int(np.linalg.norm(anchors[j] - anchors[i]) / spacing))
        share = np.linspace(0, 1, steps)[1:-1, None]
        samples.append(anchors[i] + share * (anchors[j] - anchors[i]))
    return np.concatenate(samples)


def _place_labels(figure, ax, selection: Selection, coords: np.ndarray, point_colours: list[str],
                  arrows: list[tuple[int, int]]) -> None:
    """Measure every label, place them in pixel space beside their points and off the arrows, and
    draw a leader line to any label that had to move away from its point."""
    from .labels import place_labels

    size = _font_size(len(selection.words))
    texts = [ax.text(x, y, _short(w), fontsize=size * (1.15 if w in selection.centres else 1),
                     fontweight="bold" if w in selection.centres else "normal", ha="center", va="center",
                     color="#222222", zorder=4, parse_math=False)
             for w, (x, y) in zip(selection.words, coords)]
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    extents = np.array([[b.width, b.height] for b in boxes])
    anchors = ax.transData.transform(coords)
    frame = ax.get_window_extent(renderer)
    centres = place_labels(anchors, extents, (frame.x0, frame.y0, frame.x1, frame.y1),
                           point_radius=4.0, gap=2.0, obstacles=_arrow_samples(anchors, arrows))
    to_data = ax.transData.inverted()
    placed = to_data.transform(centres)
    for text, (x, y) in zip(texts, placed):
        text.set_position((x, y))
    # a label whose box no longer touches the neighbourhood of its point gets a leader line from
    # the point to where that line meets the label's box: c - d·s, with d = c - a and s the
    # smaller of the half-extents over |d| (the box edge the line crosses first)
    half = extents / 2
    delta = centres - anchors
    far = (np.abs(delta) > half + 10.0).any(axis=1)
    with np.errstate(divide="ignore"):
        shrink = np.minimum(1.0, np.min(np.where(np.abs(delta) > 0, half / np.abs(delta), np.inf), axis=1))
    ends = to_data.transform(centres - delta * shrink[:, None])
    for i in np.nonzero(far)[0]:
        ax.plot([coords[i, 0], ends[i, 0]], [coords[i, 1], ends[i, 1]], color=point_colours[i],
                lw=0.6, alpha=0.5, zorder=1)

"""A figure on a private Agg canvas, and its atomic save as .png, .svg or .pdf by extension.

Figures are built with ``matplotlib.figure.Figure`` and an explicit Agg canvas instead of
pyplot: nothing global changes (a notebook's backend stays as it was), and no display is
ever needed. Sizes are in pixels at DPI dots per inch, so a PNG of 1000x800 is exactly that;
SVG and PDF get the same physical size (1000x800 px = 720x576 pt).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from ..errors import WordvecError
from .extra import require

DPI = 100
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
MIN_SIDE, MAX_SIDE = 200, 10000  # pixels: smaller is unreadable, larger is a typo

# Text stays text in SVG (searchable, selectable, small) and TrueType in PDF; one sans font.
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "wordvec",       # element ids that do not change from run to run
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "legend.frameon": False,
}


def image_format(path: str | os.PathLike) -> str:
    """The image format named by the output's extension; a clear error for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise WordvecError(f"{path}: cannot tell the image type from the extension "
                           f"{suffix or '(none)'!r}; end the name with .png, .svg or .pdf")
    return FORMATS[suffix]


def parse_size(text: str) -> tuple[int, int]:
    """'1000x800' → (1000, 800) pixels, within sensible bounds."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise WordvecError(f"--size must be WIDTHxHEIGHT in pixels, such as 1000x800, not {text!r}") from None
    for side in (width, height):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise WordvecError(f"--size {text}: each side must be between {MIN_SIDE} and {MAX_SIDE} pixels")
    return width, height


@contextlib.contextmanager
def style() -> Iterator[None]:
    """matplotlib settings for the pictures of this package, restored afterwards."""
    matplotlib = require("matplotlib")
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(size: tuple[int, int], layout: str | None = None):
    """A Figure of `size` pixels with its own Agg canvas (call inside ``style()``); layout
    "constrained" lets matplotlib fit panels and their labels."""
    require("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(size[0] / DPI, size[1] / DPI), dpi=DPI, layout=layout)
    FigureCanvasAgg(figure)
    return figure


def save(figure, path: str | os.PathLike) -> None:
    """Write the figure atomically in the format its extension names (no partial image ever)."""
    from ..util.atomic import atomic_file

    fmt = image_format(path)
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)  # same input, same bytes
    with atomic_file(path, "wb") as f:
        figure.savefig(f, format=fmt, dpi=DPI, metadata=metadata)

"""Helpers for the picture tests: a small structured vocabulary and checks that images are real."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from wordvec.vectors.keyedvectors import KeyedVectors

SVG = "{http://www.w3.org/2000/svg}"


def royal_kv(dim: int = 16, fillers: int = 40) -> KeyedVectors:
    """man/woman/king/queen on a rectangle (orthogonal gender and royalty directions around an
    orthogonal base, so all four have one length and stay a parallelogram as unit vectors), three
    tight topic clusters, and filler words; counts make 'the' the most frequent word."""
    rng = np.random.default_rng(3)
    base, gender, royal = np.linalg.qr(rng.standard_normal((dim, 3)))[0].T * [[2.0], [1.0], [1.5]]
    rows = {"man": base - gender - royal, "woman": base + gender - royal,
            "king": base - gender + royal, "queen": base + gender + royal}
    for topic in ("paris london rome berlin", "run walk swim jump", "red green blue yellow"):
        centre = rng.standard_normal(dim) * 3
        for word in topic.split():
            rows[word] = centre + 0.2 * rng.standard_normal(dim)
    for i in range(fillers):
        rows[f"w{i}"] = rng.standard_normal(dim)
    rows["the"] = rng.standard_normal(dim)
    words = list(rows)
    counts = np.arange(len(words), 0, -1) * 10
    counts[words.index("the")] = 10_000
    return KeyedVectors(np.array([rows[w] for w in words], dtype=np.float32), words, counts=counts,
                        meta={"trainer": "test"})


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (and proof the file is a PNG)."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    assert data.endswith(b"IEND\xaeB`\x82"), "PNG is truncated"
    return struct.unpack(">II", data[16:24])


def png_ink(path: Path) -> tuple[float, int]:
    """Share of pixels that are not white, and the number of distinct colours."""
    import matplotlib.image

    pixels = matplotlib.image.imread(str(path))[..., :3]
    ink = float((pixels.min(axis=-1) < 0.95).mean())
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    return ink, colours


def svg_texts(path: Path) -> tuple[ET.Element, list[str]]:
    """The parsed SVG root and the strings of its <text> elements."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return root, ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]

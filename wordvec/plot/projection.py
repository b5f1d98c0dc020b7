"""Two-dimensional projections of word vectors: PCA (numpy) or t-SNE (scikit-learn).

Rows are scaled to unit length first: the queries rank words by cosine, and on unit vectors
squared Euclidean distance is 2 - 2·cosine, so both projections see the geometry the queries
see rather than word-frequency effects on vector length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import WordvecError
from ..vectors.similarity import normalize
from .extra import require

METHODS = ("pca", "tsne")
TSNE_MIN_WORDS = 5


@dataclass
class Projection:
    coords: np.ndarray        # float64 [n, 2]
    axis_labels: tuple[str, str]
    method: str


def pca(points: np.ndarray, components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of `points` [n, D] on their first principal axes, and each axis's share of variance.

    PCA by SVD of the centred matrix X = U S Vᵀ: the rows of Vᵀ are the principal axes, X Vᵀ[:k]ᵀ
    the coordinates, and S²/ΣS² the share of variance along each. An axis's sign is arbitrary
    (SVD routines differ), so each is flipped to make its largest-magnitude coordinate positive:
    the same vectors always give the same picture. Missing axes (fewer points or dimensions
    than `components`) are zeros.
    """
    points = np.asarray(points, dtype=np.float64)
    centred = points - points.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    k = min(components, len(singular))
    coords = np.zeros((len(points), components))
    coords[:, :k] = centred @ vt[:k].T
    for axis in range(k):
        if coords[np.argmax(np.abs(coords[:, axis])), axis] < 0:
            coords[:, axis] = -coords[:, axis]
    total = float(np.sum(singular ** 2))
    share = np.zeros(components)
    if total > 0:
        share[:k] = singular[:k] ** 2 / total
    return coords, share


def tsne(points: np.ndarray, seed: int = 1) -> np.ndarray:
    """t-SNE (van der Maaten & Hinton 2008) coordinates [n, 2] from scikit-learn, seeded.

    Perplexity (the effective number of neighbours each point attends to) must stay below the
    number of points; 30 is the usual value, scaled down for small maps. The gradient runs on
    one OpenMP thread: a map has hundreds of points, where thread start-up and spinning cost
    more than they save (40 points: 0.3 s instead of 2 s on a busy 2-core machine), and one
    thread makes the layout the same every time.
    """
    manifold = require("sklearn.manifold", "--method tsne")
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn
    n = len(points)
    if n < TSNE_MIN_WORDS:
        raise WordvecError(f"--method tsne needs at least {TSNE_MIN_WORDS} words, got {n}; "
                           "use --method pca for fewer")
    perplexity = float(min(30.0, (n - 1) / 3))
    model = manifold.TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    with threadpool_limits(limits=1):
        coords = model.fit_transform(np.asarray(points, dtype=np.float32))
    return np.asarray(coords, dtype=np.float64)


def project(vectors: np.ndarray, method: str = "pca", seed: int = 1) -> Projection:
    """Unit-length rows of `vectors` [n, D] projected to 2-D by `method`."""
    if method not in METHODS:
        raise WordvecError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
    if len(vectors) < 2:
        raise WordvecError(f"a map needs at least 2 words, got {len(vectors)}")
    vectors = np.asarray(vectors, dtype=np.float32)
    if not np.isfinite(vectors).all():
        raise WordvecError("some chosen words have NaN or infinite vectors; they cannot be placed on a map")
    units = normalize(vectors)
    if method == "pca":
        coords, share = pca(units)
        return Projection(coords, (f"PC1 ({share[0]:.0%} of variance)", f"PC2 ({share[1]:.0%} of variance)"),
                          "PCA")
    return Projection(tsne(units, seed), ("t-SNE 1", "t-SNE 2"), "t-SNE")

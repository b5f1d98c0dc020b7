"""Projections: PCA against numpy's eigen-decomposition of the covariance; t-SNE from scikit-learn."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from wordvec.errors import MissingExtra, WordvecError
from wordvec.plot.projection import pca, project, tsne
from wordvec.vectors.similarity import normalize


def _numpy_pca(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The textbook route: eigenvectors of the covariance matrix, largest eigenvalues first."""
    centred = points - points.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    order = np.argsort(values)[::-1]
    return centred @ vectors[:, order[:2]], values[order] / values.sum()


@pytest.mark.parametrize("shape", [(30, 8), (7, 50), (200, 3)])
def test_pca_matches_numpy_up_to_the_sign_of_each_axis(shape):
    points = np.random.default_rng(shape[0]).standard_normal(shape) * np.linspace(3, 1, shape[1])
    coords, share = pca(points)
    expected, ratio = _numpy_pca(points)
    for axis in range(2):
        sign = np.sign(coords[:, axis] @ expected[:, axis])
        np.testing.assert_allclose(coords[:, axis], sign * expected[:, axis], atol=1e-9)
    np.testing.assert_allclose(share, ratio[:2], rtol=1e-9)


def test_pca_axis_signs_do_not_depend_on_the_svd_routine():
    points = np.random.default_rng(1).standard_normal((20, 6))
    coords, _ = pca(points)
    for axis in range(2):  # the largest coordinate of each axis is positive
        assert coords[np.argmax(np.abs(coords[:, axis])), axis] > 0
    np.testing.assert_allclose(pca(-points)[0], coords, atol=1e-12)  # same cloud mirrored: same picture


def test_pca_of_two_points_or_one_dimension():
    coords, share = pca(np.array([[0.0, 1.0], [2.0, 1.0]]))
    np.testing.assert_allclose(coords, [[1, 0], [-1, 0]])  # a tie for the largest: the first is positive
    np.testing.assert_allclose(share, [1, 0])
    assert pca(np.arange(5.0)[:, None])[0].shape == (5, 2)


def test_project_uses_unit_vectors():
    vectors = np.random.default_rng(2).standard_normal((12, 10)).astype(np.float32)
    scaled = vectors * np.arange(1, 13, dtype=np.float32)[:, None]  # lengths differ, directions do not
    np.testing.assert_allclose(project(scaled).coords, project(vectors).coords, atol=1e-5)
    np.testing.assert_allclose(project(vectors).coords, pca(normalize(vectors))[0], atol=1e-6)
    assert project(vectors).axis_labels[0].startswith("PC1 (")


def test_project_refuses_nan_and_too_few_words():
    with pytest.raises(WordvecError, match="at least 2 words"):
        project(np.ones((1, 4), np.float32))
    bad = np.ones((3, 4), np.float32)
    bad[1, 2] = np.nan
    with pytest.raises(WordvecError, match="NaN"):
        project(bad)
    with pytest.raises(WordvecError, match="pca, tsne"):
        project(np.ones((3, 4), np.float32), method="umap")


def test_tsne_keeps_clusters_apart_and_is_seeded():
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(4)
    centres = rng.standard_normal((3, 20)) * 5
    points = np.concatenate([c + 0.3 * rng.standard_normal((10, 20)) for c in centres])
    first = tsne(points, seed=3)
    assert first.shape == (30, 2) and np.isfinite(first).all()
    np.testing.assert_array_equal(first, tsne(points, seed=3))
    # every point's nearest neighbour on the map is from its own cluster
    distances = np.linalg.norm(first[:, None] - first[None], axis=-1)
    np.fill_diagonal(distances, np.inf)
    cluster = np.repeat(np.arange(3), 10)
    assert (cluster[distances.argmin(axis=1)] == cluster).all()


def test_tsne_needs_a_few_words():
    with pytest.raises(WordvecError, match="at least 5 words"):
        project(np.eye(4, dtype=np.float32), method="tsne")


def test_missing_scikit_learn_says_how_to_install_in_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.manifold", None)
    with pytest.raises(MissingExtra) as info:
        project(np.eye(6, dtype=np.float32), method="tsne")
    assert str(info.value) == ("--method tsne needs scikit-learn, which is not installed: "
                               "pip install 'wordvec[plot]'")

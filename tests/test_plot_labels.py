"""Label placement: labels avoid each other, the points and the frame, deterministically."""

from __future__ import annotations

import numpy as np

from wordvec.plot.labels import overlaps, place_labels

FRAME = (0.0, 0.0, 1000.0, 800.0)


def _covers_points(centres, sizes, points, radius=4.0):
    half = np.asarray(sizes) / 2
    dist = np.abs(centres[:, None, :] - points[None, :, :])
    return int(((half[:, None, :] + radius - dist) > 1e-9).all(axis=-1).sum())


def _inside(centres, sizes, frame=FRAME):
    half = np.asarray(sizes) / 2
    return bool(((centres - half >= frame[:2]) & (centres + half <= frame[2:])).all())


def test_a_lone_label_sits_just_above_its_point():
    centres = place_labels([[500, 400]], [[60, 14]], FRAME, point_radius=4, gap=2)
    np.testing.assert_allclose(centres, [[500, 400 + 8 + 4 + 2]])


def test_labels_of_one_spot_do_not_overlap():
    anchors = np.full((8, 2), 500.0)
    sizes = np.tile([50.0, 14.0], (8, 1))
    centres = place_labels(anchors, sizes, FRAME)
    assert overlaps(centres, sizes) == 0
    assert _inside(centres, sizes)


def test_scattered_labels_avoid_each_other_and_every_point():
    rng = np.random.default_rng(0)
    anchors = rng.random((80, 2)) * [900, 700] + 50
    sizes = np.column_stack([rng.integers(20, 80, 80), np.full(80, 14)]).astype(float)
    centres = place_labels(anchors, sizes, FRAME)
    assert overlaps(centres, sizes) == 0
    assert _covers_points(centres, sizes, anchors) == 0
    assert _inside(centres, sizes)
    np.testing.assert_array_equal(centres, place_labels(anchors, sizes, FRAME))  # no randomness


def test_obstacles_are_avoided_and_the_frame_edge_sends_a_label_below():
    arrow = np.column_stack([np.full(20, 500.0), np.linspace(405, 440, 20)])  # a line above the point
    centre = place_labels([[500, 400]], [[60, 14]], FRAME, obstacles=arrow)
    assert _covers_points(centre, [[60, 14]], arrow) == 0
    top = place_labels([[500, 795]], [[60, 14]], FRAME)
    assert top[0, 1] < 795 and _inside(top, [[60, 14]])


def test_crowded_labels_overlap_less_than_unplaced_ones():
    rng = np.random.default_rng(1)
    anchors = rng.random((400, 2)) * [300, 200] + 350  # far more text than room
    sizes = np.column_stack([rng.integers(30, 80, 400), np.full(400, 12)]).astype(float)
    naive = anchors + [0, 12]
    placed = place_labels(anchors, sizes, FRAME)
    assert overlaps(placed, sizes) < overlaps(naive, sizes) / 2
    assert _inside(placed, sizes)

"""Label placement: each label takes the nearest free place around its point (numpy only).

Labels are boxes (their text's size in pixels). In priority order (the order given: query
words and the most frequent words first), each label tries candidate places around its point,
nearest first: above, below, right, left, then the four corners, then the same eight one line
further out, and so on. It takes the first place that overlaps no label placed before it, no
point (nor arrow) and stays inside the frame; when every candidate collides it takes the one with the least
overlapping area. Greedy and without randomness, so a map is the same every time; dense maps
keep some overlap where there is no room.
"""

from __future__ import annotations

import numpy as np

RINGS = 5           # candidate rings around each point, one line height apart: further out, a
                    # label is hard to match with its point, and overlapping is the lesser evil
POINT_WEIGHT = 0.5  # covering a point costs this much per overlapping pixel (a label costs 1)


def _candidates(half: np.ndarray, point_radius: float, gap: float, step: float) -> np.ndarray:
    """Offsets [RINGS * 8, 2] of a label's centre from its point, nearest first."""
    hw, hh = half
    offsets = []
    for ring in range(RINGS):
        extra = ring * step
        dx, dy = hw + point_radius + gap + extra, hh + point_radius + gap + extra
        cx, cy = hw * 0.6 + point_radius + extra, hh + point_radius + extra  # corners: text beside the point
        offsets += [(0, dy), (0, -dy), (dx, 0), (-dx, 0), (cx, cy), (-cx, cy), (cx, -cy), (-cx, -cy)]
    return np.asarray(offsets, dtype=np.float64)


def _overlap_area(centre: np.ndarray, half: np.ndarray, others: np.ndarray, other_half: np.ndarray) -> np.ndarray:
    """Area shared by each candidate box [c, 2] (centres, one half-size) with every other box, summed [c]."""
    if len(others) == 0:
        return np.zeros(len(centre))
    dist = np.abs(centre[:, None, :] - others[None, :, :])
    shared = np.clip(half[None, None, :] + other_half[None, :, :] - dist, 0, None)
    return (shared[..., 0] * shared[..., 1]).sum(axis=1)


def place_labels(anchors: np.ndarray, sizes: np.ndarray, bounds: tuple[float, float, float, float],
                 point_radius: float = 4.0, gap: float = 2.0, obstacles: np.ndarray | None = None) -> np.ndarray:
    """Centres [n, 2] (pixels) for labels of `sizes` [n, 2] (width, height) beside `anchors` [n, 2].

    Labels are placed in index order (earlier labels get the better places). `bounds`
    (x0, y0, x1, y1) is the frame labels must stay inside; `gap` the space kept between two
    labels; `point_radius` the space kept around every point and every obstacle (extra points
    [m, 2] labels should not cover, such as samples along arrows).
    """
    anchors = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    half = np.asarray(sizes, dtype=np.float64).reshape(-1, 2) / 2 + gap / 2
    x0, y0, x1, y1 = bounds
    points = anchors if obstacles is None else np.concatenate([anchors, np.reshape(obstacles, (-1, 2))])
    point_half = np.full_like(points, point_radius)
    centres = np.zeros_like(anchors)
    for i in range(len(anchors)):
        options = anchors[i] + _candidates(half[i], point_radius, gap, step=2 * half[i, 1])
        inside = ((options[:, 0] - half[i, 0] >= x0) & (options[:, 0] + half[i, 0] <= x1)
                  & (options[:, 1] - half[i, 1] >= y0) & (options[:, 1] + half[i, 1] <= y1))
        cost = (_overlap_area(options, half[i], centres[:i], half[:i])
                + POINT_WEIGHT * _overlap_area(options, half[i], points, point_half))
        cost = np.where(inside, cost, np.inf)
        free = np.nonzero(cost == 0)[0]
        best = free[0] if len(free) else int(np.argmin(cost))
        if not np.isfinite(cost[best]):  # no candidate fits in the frame: nearest place, clamped
            best = 0
        centres[i] = np.clip(options[best], [x0 + half[i, 0], y0 + half[i, 1]],
                             [max(x0 + half[i, 0], x1 - half[i, 0]), max(y0 + half[i, 1], y1 - half[i, 1])])
    return centres


def overlaps(centres: np.ndarray, sizes: np.ndarray) -> int:
    """How many pairs of label boxes overlap."""
    half = np.asarray(sizes, dtype=np.float64) / 2
    delta = np.abs(centres[:, None, :] - centres[None, :, :])
    hit = ((half[:, None, :] + half[None, :, :] - delta) > 1e-9).all(axis=-1)
    return int(np.triu(hit, 1).sum())

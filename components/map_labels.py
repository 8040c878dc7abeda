"""Placing neighbourhood names on a map without overlap, for the map's initial view.

deck.gl's own collision filter needs GPU features that are not everywhere; this greedy placement in
screen space is done once per map in Python. Every area gets its name: one that finds no free place takes
the place where it covers the fewest others, inside the map when it can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pilotage.geometry import View

CHAR_WIDTH = 0.52  # average glyph width, in font sizes
GAP = 5  # pixels between a contour and its name


@dataclass(frozen=True)
class LabelCandidate:
    text: str
    bounds: tuple[float, float, float, float]  # west, south, east, north of the contour
    priority: float  # higher is placed first


def to_pixels(lon: float, lat: float, view: View, width: int, height: int) -> tuple[float, float]:
    """Web Mercator (deck.gl: the world is 512 px at zoom 0) relative to the view's centre."""
    scale = 512 * 2 ** view.zoom

    def project(lo: float, la: float) -> tuple[float, float]:
        x = (lo + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale
        return x, y

    cx, cy = project(view.longitude, view.latitude)
    x, y = project(lon, lat)
    return x - cx + width / 2, y - cy + height / 2


def _overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _cost(box: tuple, names: list[tuple], contours: list[tuple], width: int, height: int) -> tuple[int, int, int]:
    """How bad a place is: outside the map first, then over another name (unreadable), then over a contour (the
    name's white halo keeps it legible)."""
    outside = not (box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height)
    return (int(outside), sum(_overlaps(box, other) for other in names),
            sum(_overlaps(box, other) for other in contours))


def place_labels(candidates: list[LabelCandidate], view: View, width: int, height: int, size: int) -> list[dict]:
    """Rows for a TextLayer: around each contour, inside the map, wherever no placed name nor contour is."""
    def box_of(bounds: tuple) -> tuple:
        x_w, y_s = to_pixels(bounds[0], bounds[1], view, width, height)
        x_e, y_n = to_pixels(bounds[2], bounds[3], view, width, height)
        return x_w, y_n, x_e, y_s

    contours = {id(c): box_of(c.bounds) for c in candidates}  # a name is not written over another contour
    placed: list[tuple] = []
    rows = []
    for item in sorted(candidates, key=lambda c: -c.priority):
        west, south, east, north = item.bounds
        x_w, y_n, x_e, y_s = contours[id(item)]
        others = [box for key, box in contours.items() if key != id(item)]
        x_c, y_c = (x_w + x_e) / 2, (y_s + y_n) / 2
        lon_c, lat_c = (west + east) / 2, (south + north) / 2
        w, h = CHAR_WIDTH * size * len(item.text) + 6, size * 1.25
        options = [  # (box, position, anchor, baseline, offset)
            ((x_c - w / 2, y_n - GAP - h, x_c + w / 2, y_n - GAP), [lon_c, north], "middle", "bottom", [0, -GAP]),
            ((x_c - w / 2, y_s + GAP, x_c + w / 2, y_s + GAP + h), [lon_c, south], "middle", "top", [0, GAP]),
            ((x_e + GAP, y_c - h / 2, x_e + GAP + w, y_c + h / 2), [east, lat_c], "start", "center", [GAP, 0]),
            ((x_w - GAP - w, y_c - h / 2, x_w - GAP, y_c + h / 2), [west, lat_c], "end", "center", [-GAP, 0]),
            ((x_e, y_n - GAP - h, x_e + w, y_n - GAP), [east, north], "start", "bottom", [0, -GAP]),
            ((x_w - w, y_n - GAP - h, x_w, y_n - GAP), [west, north], "end", "bottom", [0, -GAP]),
            ((x_e, y_s + GAP, x_e + w, y_s + GAP + h), [east, south], "start", "top", [0, GAP]),
            ((x_w - w, y_s + GAP, x_w, y_s + GAP + h), [west, south], "end", "top", [0, GAP]),
            # a line further out, above or below, when the nearer places are taken
            ((x_c - w / 2, y_n - 2 * (GAP + h), x_c + w / 2, y_n - GAP - h - GAP), [lon_c, north], "middle",
             "bottom", [0, -2 * GAP - h]),
            ((x_c - w / 2, y_s + 2 * GAP + h, x_c + w / 2, y_s + 2 * (GAP + h)), [lon_c, south], "middle", "top",
             [0, 2 * GAP + h]),
        ]
        costs = [_cost(option[0], placed, others, width, height) for option in options]
        box, position, anchor, baseline, offset = options[costs.index(min(costs))]  # the first free place, if any
        placed.append(box)
        rows.append({"position": [round(v, 5) for v in position], "text": item.text, "anchor": anchor,
                     "baseline": baseline, "offset": offset})
    return rows

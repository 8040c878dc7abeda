"""The initial view of a contract's map and the place of each neighbourhood on it: pure rules, no drawing."""

from __future__ import annotations

import math
from collections.abc import Iterable

from pilotage.geometry import View, bounds_of, positions

Bounds = tuple[float, float, float, float]  # west, south, east, north
WORLD_PIXELS = 512  # deck.gl's zoom 0 shows the world in 512 pixels
MIN_SPAN = 0.002  # degrees: a single small area is not zoomed in to its doorsteps
MAX_ZOOM = 16.0
# Pixels kept free around the areas: a name written beside a contour at the edge still fits inside the map.
PADDING = (36, 28)  # horizontal, vertical


def _mercator_y(latitude: float) -> float:
    """Web Mercator ordinate of a latitude, in world units (0 at the equator, 2π for the whole world)."""
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def fit_view(bounds: Bounds | None, width: int, height: int, padding: tuple[int, int] = PADDING,
             max_zoom: float = MAX_ZOOM) -> View:
    """The centre and zoom at which these bounds fill a map of width × height pixels, less the padding."""
    if bounds is None:
        return View(46.6, 2.4, 4.5)  # metropolitan France
    west, south, east, north = bounds
    middle = (west + east) / 2, (south + north) / 2
    if east - west < MIN_SPAN:
        west, east = middle[0] - MIN_SPAN / 2, middle[0] + MIN_SPAN / 2
    if north - south < MIN_SPAN:
        south, north = middle[1] - MIN_SPAN / 2, middle[1] + MIN_SPAN / 2
    usable_width, usable_height = max(width - 2 * padding[0], 1), max(height - 2 * padding[1], 1)
    by_width = math.log2(usable_width * 360 / (WORLD_PIXELS * (east - west)))
    y_span = (_mercator_y(north) - _mercator_y(south)) / (2 * math.pi)  # a fraction of the world's height
    by_height = math.log2(usable_height / (WORLD_PIXELS * y_span))
    centre_y = (_mercator_y(north) + _mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return View(round(latitude, 5), round((west + east) / 2, 5), round(min(by_width, by_height, max_zoom), 2))


def anchor_bounds(geometry: dict | None, served: Iterable[tuple[float, float]]) -> Bounds | None:
    """Where a neighbourhood is on the map: its contour's bounds, else the centre of the facilities that serve it
    (a point), else nowhere."""
    if geometry:
        found = bounds_of(positions(geometry.get("coordinates")))
        if found is not None:
            return found
    points = list(served)
    if not points:
        return None
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    return lon, lat, lon, lat


def union(boxes: Iterable[Bounds | None]) -> Bounds | None:
    """The bounds that hold all these bounds (None when there is none)."""
    known = [b for b in boxes if b is not None]
    if not known:
        return None
    return (min(b[0] for b in known), min(b[1] for b in known), max(b[2] for b in known), max(b[3] for b in known))

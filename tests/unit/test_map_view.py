"""The initial view of a map fitted to its areas, and where an area without contour is placed."""

from __future__ import annotations

import math

from components.map_labels import to_pixels
from pilotage.map_view import PADDING, anchor_bounds, fit_view, union

BESANCON = (5.94, 47.21, 6.13, 47.29)  # west, south, east, north


def corners_in_pixels(bounds, view, width, height):
    west, south, east, north = bounds
    return to_pixels(west, north, view, width, height), to_pixels(east, south, view, width, height)


def test_the_view_fills_the_map_with_the_bounds_less_the_padding():
    for width, height in ((560, 480), (1000, 480), (560, 900)):
        view = fit_view(BESANCON, width, height)
        (x_w, y_n), (x_e, y_s) = corners_in_pixels(BESANCON, view, width, height)
        assert x_w >= PADDING[0] - 1 and x_e <= width - PADDING[0] + 1, (width, height)
        assert y_n >= PADDING[1] - 1 and y_s <= height - PADDING[1] + 1, (width, height)
        # the binding side touches its padding: the areas are as large as the map allows
        assert math.isclose(x_w, PADDING[0], abs_tol=2) or math.isclose(y_n, PADDING[1], abs_tol=2), (width, height)
        assert math.isclose((x_w + x_e) / 2, width / 2, abs_tol=1) and math.isclose((y_n + y_s) / 2, height / 2,
                                                                                      abs_tol=1)


def test_a_wider_map_zooms_in_until_the_height_binds():
    narrow, wide, wider = (fit_view(BESANCON, w, 480) for w in (560, 800, 4000))
    assert narrow.zoom < wide.zoom <= wider.zoom
    assert wider.zoom == fit_view(BESANCON, 8000, 480).zoom, "the height binds"


def test_a_single_point_or_nothing_gives_a_sensible_view():
    point = fit_view((6.0, 47.2, 6.0, 47.2), 560, 480)
    assert 13 < point.zoom <= 16 and (point.latitude, point.longitude) == (47.2, 6.0)
    assert fit_view(None, 560, 480).zoom < 6


def test_an_area_without_contour_is_placed_at_its_facilities():
    square = {"type": "Polygon", "coordinates": [[[6.0, 47.0], [6.1, 47.0], [6.1, 47.1], [6.0, 47.1], [6.0, 47.0]]]}
    assert anchor_bounds(square, [(9.0, 9.0)]) == (6.0, 47.0, 6.1, 47.1)
    assert anchor_bounds(None, [(6.0, 47.0), (6.2, 47.2)]) == (6.1, 47.1, 6.1, 47.1)
    assert anchor_bounds(None, []) is None
    assert union([None, (1, 2, 3, 4), (0, 3, 2, 5)]) == (0, 2, 3, 5) and union([None]) is None

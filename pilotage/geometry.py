"""Polygons for maps: validity, repair, simplification for display, and the view that frames them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid

from pilotage.errors import ValidationError

# About 5 m: invisible at the zooms of a neighbourhood map, and most of a national file's points go.
DISPLAY_TOLERANCE = 0.00005
# Five decimals of a degree are about a metre: finer digits only weigh on what the browser downloads.
DISPLAY_DECIMALS = 5
POLYGONAL = ("Polygon", "MultiPolygon")


class GeometryError(ValidationError):
    """A geometry that cannot be used, with the reason in French."""


@dataclass(frozen=True)
class CleanGeometry:
    geometry: BaseGeometry
    repaired: bool
    problem: str | None  # what was wrong before the repair


def clean_geometry(data: Any) -> CleanGeometry:
    """A GeoJSON (multi)polygon as a valid shapely geometry, repaired with make_valid when it can be."""
    if not isinstance(data, dict) or data.get("type") not in POLYGONAL:
        kind = data.get("type") if isinstance(data, dict) else None
        raise GeometryError(f"la géométrie doit être un polygone ou un multipolygone (reçu : {kind or 'rien'})")
    try:
        geometry = shape(data)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise GeometryError(f"géométrie illisible ({exc})") from exc
    if geometry.is_empty:
        raise GeometryError("géométrie vide")
    if geometry.is_valid and geometry.area > 0:
        return CleanGeometry(geometry, repaired=False, problem=None)
    problem = explain_validity(geometry) if not geometry.is_valid else "surface nulle"
    repaired = polygonal_part(make_valid(geometry))
    if repaired is None or repaired.area <= 0:
        raise GeometryError(f"géométrie invalide et impossible à réparer ({problem})")
    return CleanGeometry(repaired, repaired=True, problem=problem)


def polygonal_part(geometry: BaseGeometry) -> BaseGeometry | None:
    """The polygons of a geometry (make_valid may return lines and points beside them), or None."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return None if geometry.is_empty else geometry
    if isinstance(geometry, GeometryCollection):
        polygons = [p for part in geometry.geoms if (p := polygonal_part(part)) is not None]
        flat = [poly for p in polygons for poly in (p.geoms if isinstance(p, MultiPolygon) else [p])]
        return MultiPolygon(flat) if flat else None
    return None


def display_geometry(geometry: BaseGeometry, tolerance: float = DISPLAY_TOLERANCE) -> dict:
    """Simplified, snapped to ~1 m and rounded: what is stored and sent to the browser."""
    simple = shapely.set_precision(geometry.simplify(tolerance, preserve_topology=True), 10 ** -DISPLAY_DECIMALS)
    if not simple.is_valid:
        simple = polygonal_part(make_valid(simple)) or simple
    simple = polygonal_part(simple)
    if simple is None:
        raise GeometryError("contour trop petit : il disparaît une fois simplifié pour l'affichage")
    return round_geometry(mapping(simple))


def round_geometry(data: dict, decimals: int = DISPLAY_DECIMALS) -> dict:
    """A GeoJSON geometry with lists instead of tuples and coordinates rounded."""
    def walk(value):
        if isinstance(value, list | tuple):
            if value and isinstance(value[0], int | float):
                return [round(float(v), decimals) for v in value[:2]]
            return [walk(v) for v in value]
        return value

    return {"type": data["type"], "coordinates": walk(data["coordinates"])}


def polygons_of(geometry: dict | None) -> list[list[list[list[float]]]]:
    """Each polygon of a GeoJSON (multi)polygon as its list of rings (outer first), for a map layer."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def positions(value: Any) -> Iterator[tuple[float, float]]:
    """Every (x, y) position inside GeoJSON coordinates, whatever their nesting."""
    if isinstance(value, list | tuple):
        if len(value) >= 2 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2]):
            yield float(value[0]), float(value[1])
        else:
            for item in value:
                yield from positions(item)


def bounds_of(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of these (lon, lat) points, or None when there is none."""
    xs, ys = [], []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


@dataclass(frozen=True)
class View:
    latitude: float
    longitude: float
    zoom: float


def view_of(bounds: tuple[float, float, float, float] | None, width: int = 900, height: int = 560,
            max_zoom: float = 16.0) -> View:
    """The centre and Web Mercator zoom that show these bounds in a map of this size, with a margin."""
    if bounds is None:
        return View(46.6, 2.4, 4.5)  # metropolitan France
    west, south, east, north = bounds
    lon_span = max(east - west, 0.002)
    lat_span = max(north - south, 0.002) / math.cos(math.radians((north + south) / 2))
    # deck.gl's zoom 0 shows the world in 512 pixels
    zoom = min(math.log2(width * 360 / (512 * lon_span)), math.log2(height * 360 / (512 * lat_span)))
    return View(round((south + north) / 2, 5), round((west + east) / 2, 5), round(min(zoom - 0.35, max_zoom), 2))


def hatch_lines(geometry: dict | None, spacing: float) -> list[list[list[float]]]:
    """Diagonal lines `spacing` degrees apart, clipped to a contour: the hatching of an area without data."""
    polygons = polygons_of(geometry)
    if not polygons or spacing <= 0:
        return []
    try:
        area = MultiPolygon([Polygon(rings[0], rings[1:]) for rings in polygons]).buffer(0)
    except (ValueError, shapely.errors.GEOSException):
        return []
    west, south, east, north = area.bounds
    lines, offset = [], west - (north - south)
    while offset < east:  # lines of slope 1, from the south-west corner's diagonal eastwards
        line = shapely.LineString([(offset, south), (offset + (north - south), north)])
        offset += spacing * math.sqrt(2)
        clipped = area.intersection(line)
        parts = getattr(clipped, "geoms", [clipped])
        lines += [[[round(x, DISPLAY_DECIMALS), round(y, DISPLAY_DECIMALS)] for x, y in part.coords]
                  for part in parts if part.geom_type == "LineString" and not part.is_empty]
    return lines


def coarser(geometry: dict, tolerance: float) -> dict:
    """A stored contour simplified further for a far view (a national map needs no street-level detail)."""
    if tolerance <= DISPLAY_TOLERANCE * 1.5:
        return geometry
    try:
        return display_geometry(shape(geometry), tolerance)
    except (GeometryError, ValueError, shapely.errors.GEOSException):
        return geometry  # too small to simplify further: keep it as stored

"""Polygons for maps: validity, repair, simplification for display, and the view that frames them."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid

from pilotage.errors import ValidationError
from pilotage.formats import format_number

# About 5 m: invisible at the zooms of a neighbourhood map, and most of a national file's points go.
DISPLAY_TOLERANCE = 0.00005
# Five decimals of a degree are about a metre: finer digits only weigh on what the browser downloads.
DISPLAY_DECIMALS = 5
POLYGONAL = ("Polygon", "MultiPolygon")
# How many arrays wrap the positions of each GeoJSON geometry type (RFC 7946, section 3.1).
POSITION_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
                  "MultiPolygon": 3}
# A position is longitude, latitude, then optionally altitude (and a measure some tools add).
POSITION_SIZES = range(2, 5)
# GEOS's reasons for an invalid geometry (shapely's explain_validity), said in French.
VALIDITY_REASONS = {
    "Self-intersection": "le contour se recoupe",
    "Ring Self-intersection": "un anneau se recoupe",
    "Hole lies outside shell": "un trou sort du contour",
    "Holes are nested": "des trous sont imbriqués",
    "Interior is disconnected": "l'intérieur est coupé en morceaux",
    "Nested shells": "des contours sont imbriqués",
    "Duplicate Rings": "un anneau est répété",
    "Too few distinct points in geometry component": "trop peu de points distincts",
    "Invalid Coordinate": "une coordonnée est invalide",
    "Ring is not closed": "un anneau n'est pas fermé",
    "Repeated Point": "un point est répété",
}


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
        raise GeometryError(f"la géométrie doit être un polygone ou un multipolygone (reçu : {_shown_type(kind)})")
    _check_rings(data)
    try:
        geometry = shape(data)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise GeometryError("géométrie illisible : shapely ne peut pas en faire un polygone") from exc
    if geometry.is_empty:
        raise GeometryError("géométrie vide")
    if geometry.is_valid and geometry.area > 0:
        return CleanGeometry(geometry, repaired=False, problem=None)
    problem = validity_problem(geometry) if not geometry.is_valid else "surface nulle"
    repaired = polygonal_part(make_valid(geometry))
    if repaired is None or repaired.area <= 0:
        raise GeometryError(f"géométrie invalide et impossible à réparer ({problem})")
    return CleanGeometry(repaired, repaired=True, problem=problem)


def _check_rings(data: dict) -> None:
    """Refuse coordinates that are not numbers and rings too short to close (before shapely sees them)."""
    for _ in checked_positions(data):
        pass
    rings = data["coordinates"] if data["type"] == "Polygon" else [r for p in data["coordinates"] for r in p]
    short = next((len(ring) for ring in rings if len(ring) < 4), None)
    if short is not None:
        raise GeometryError(f"géométrie illisible : un contour compte {short} points, il en faut au moins 4 "
                            "(le premier répété à la fin)")


def validity_problem(geometry: BaseGeometry) -> str:
    """Why a geometry is invalid, in French: 'le contour se recoupe (au point 0,5 ; 0,5)'."""
    found = re.fullmatch(r"(.+?)\[(\S+) (\S+)\]", explain_validity(geometry))
    if found is None:
        return "géométrie invalide"
    reason = VALIDITY_REASONS.get(found[1], "géométrie invalide")
    try:
        x, y = (format_number(float(v), 6).rstrip("0").rstrip(",") for v in found.group(2, 3))
    except ValueError:
        return reason
    return f"{reason} (au point {x} ; {y})"


def checked_positions(data: dict) -> Iterator[tuple[float, float]]:
    """The (x, y) of a GeoJSON geometry; GeometryError unless all are 2 to 4 finite numbers nested as its type says."""
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in POSITION_DEPTH:
        raise GeometryError(f"type de géométrie inconnu ({_shown_type(kind)})")
    level = [data.get("coordinates")]
    for _ in range(POSITION_DEPTH[kind]):  # level by level, no recursion: the depth is the type's, not the file's
        if not all(isinstance(item, list | tuple) for item in level):
            raise _misnested(kind)
        level = [part for item in level for part in item]
    for position in level:
        if not (isinstance(position, list | tuple) and len(position) in POSITION_SIZES
                and all(_number_problem(number) is None for number in position)):
            raise _position_error(position, kind)
        yield float(position[0]), float(position[1])


def _misnested(kind: str) -> GeometryError:
    return GeometryError(f"les coordonnées ne sont pas imbriquées comme celles d'un {kind} (des tableaux de "
                         "positions [longitude, latitude])")


def _position_error(position: Any, kind: str) -> GeometryError:
    """What is wrong with a position refused by checked_positions."""
    if not isinstance(position, list | tuple) or any(isinstance(number, list | tuple) for number in position):
        return _misnested(kind)
    if len(position) not in POSITION_SIZES:
        return GeometryError(f"une position compte 2 à 4 nombres (longitude, latitude, altitude) : "
                             f"{len(position)} trouvé(s)")
    return GeometryError(f"la coordonnée {next(filter(None, map(_number_problem, position)))}")


def _number_problem(value: Any) -> str | None:
    """Why a JSON value is not a usable coordinate, or None when it is a finite number."""
    if isinstance(value, bool) or value is None:
        return f"{'null' if value is None else str(value).lower()} n'est pas un nombre"
    if isinstance(value, str):
        return f"« {value[:30]}{'…' if len(value) > 30 else ''} » est un texte, pas un nombre"
    if isinstance(value, list | tuple | dict):
        return f"{'un objet' if isinstance(value, dict) else 'un tableau'} n'est pas un nombre"
    if not isinstance(value, int | float):
        return "n'est pas un nombre"
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits
        finite = False
    if finite:
        return None
    shown = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}.get(str(value), f"{str(value)[:12]}…")
    return f"{shown} n'est pas un nombre fini"


def _shown_type(kind: Any) -> str:
    if kind is None:
        return "rien"
    return kind[:40] if isinstance(kind, str) else "un type illisible"


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
    try:
        simple = shapely.set_precision(geometry.simplify(tolerance, preserve_topology=True), 10 ** -DISPLAY_DECIMALS)
        if not simple.is_valid:
            simple = polygonal_part(make_valid(simple)) or simple
    except (ValueError, shapely.errors.GEOSException) as exc:
        raise GeometryError("contour impossible à simplifier pour l'affichage") from exc
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

"""Planning an import of facilities (équipements) from a table: positions in degrees or Lambert-93, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pilotage.boundaries import normalise_name
from pilotage.figures import CellError, Missing, is_blank, parse_number, shown
from pilotage.indicator_import import NEIGHBOURHOOD, Place, PlaceFinder, Problem
from pilotage.projection import LAT_RANGE, LON_RANGE, from_lambert93, looks_lambert93, looks_lonlat
from pilotage.table_files import TableFile

AUTO, WGS84, LAMBERT93 = "auto", "wgs84", "lambert93"
CRS_LABELS = {AUTO: "Détecter (degrés ou Lambert-93)", WGS84: "Longitude / latitude WGS 84 (degrés)",
              LAMBERT93: "Lambert-93 (EPSG:2154, mètres)"}
# Kinds the maps know by name; any other kind is kept as typed (lower case, words joined by _).
KIND_NAMES = {"centre social": "centre_social", "centres sociaux": "centre_social", "cs": "centre_social",
              "evs": "evs", "espace de vie sociale": "evs", "espace de vie sociale evs": "evs"}
NEW_FACILITY, UPDATED_FACILITY = "nouveau", "mis à jour"
MAX_NAME, MAX_KIND, MAX_ADDRESS, MAX_COMMUNE = 300, 40, 300, 120


@dataclass(frozen=True)
class FacilityMapping:
    name: str
    kind: str | None = None
    fixed_kind: str | None = None  # the kind of every line when no column holds it
    address: str | None = None
    commune: str | None = None
    neighbourhoods: str | None = None  # codes or names, several separated by commas
    x: str | None = None  # longitude, or Lambert-93 X
    y: str | None = None  # latitude, or Lambert-93 Y
    crs: str = AUTO

    def columns(self) -> tuple[tuple[str, str], ...]:
        return tuple((role, column) for role, column in (
            ("nom", self.name), ("type", self.kind), ("adresse", self.address), ("commune", self.commune),
            ("quartier", self.neighbourhoods), ("X / longitude", self.x), ("Y / latitude", self.y)) if column)


@dataclass(frozen=True)
class KnownFacility:
    id: int
    name: str
    version: int
    archived: bool = False


@dataclass(frozen=True)
class PlannedFacility:
    line: int
    name: str
    kind: str
    address: str | None
    commune: str | None
    neighbourhoods: tuple[Place, ...]
    longitude: float | None
    latitude: float | None
    reprojected: bool
    effect: str
    existing: KnownFacility | None = None


@dataclass
class FacilityPlan:
    facilities: list[PlannedFacility] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.problems and bool(self.facilities)


def kind_code(text: str) -> str:
    """'Centre social' -> 'centre_social', 'EVS' -> 'evs', 'Médiathèque' -> 'mediatheque'."""
    plain = normalise_name(text)
    return KIND_NAMES.get(plain) or re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:MAX_KIND]


def locate(x: Any, y: Any, crs: str = AUTO) -> tuple[float, float, bool] | None:
    """(longitude, latitude, reprojected) of a position, None when both cells are empty; CellError in French."""
    if is_blank(x) and is_blank(y):
        return None
    numbers = []
    for cell, what in ((x, "X / longitude"), (y, "Y / latitude")):
        number = parse_number(cell)
        if isinstance(number, Missing):
            raise CellError(f"la coordonnée {what} est vide alors que l'autre est donnée")
        numbers.append(number)
    first, second = numbers
    if crs in (AUTO, LAMBERT93) and looks_lambert93(first, second):
        lon, lat = from_lambert93(first, second)
        return lon, lat, True
    if crs in (AUTO, WGS84) and looks_lonlat(first, second):
        if LAT_RANGE[0] <= first <= LAT_RANGE[1] and LON_RANGE[0] <= second <= LON_RANGE[1] \
                and not (LAT_RANGE[0] <= second <= LAT_RANGE[1]):
            raise CellError(f"la longitude ({shown(x)}) et la latitude ({shown(y)}) semblent inversées")
        return first, second, False
    expected = {AUTO: "ni des degrés (longitude -180 à 180, latitude -90 à 90) ni du Lambert-93 de métropole "
                      "(X de 50 000 à 1 300 000 m, Y de 6 000 000 à 7 200 000 m)",
                WGS84: "hors des plages longitude (-180 à 180) / latitude (-90 à 90)",
                LAMBERT93: "hors des plages du Lambert-93 de métropole (X de 50 000 à 1 300 000 m, "
                           "Y de 6 000 000 à 7 200 000 m)"}[crs]
    raise CellError(f"coordonnées ({shown(x)} ; {shown(y)}) {expected}")


def check_mapping(table: TableFile, mapping: FacilityMapping) -> list[Problem]:
    problems = [Problem(None, column, f"la colonne choisie pour « {role} » n'existe pas dans le fichier")
                for role, column in mapping.columns() if column not in table.columns]
    if bool(mapping.x) != bool(mapping.y):
        problems.append(Problem(None, None, "choisissez les deux colonnes de coordonnées, ou aucune"))
    if not mapping.kind and not (mapping.fixed_kind or "").strip():
        problems.append(Problem(None, None, "choisissez la colonne du type d'équipement, ou saisissez le type"))
    if mapping.crs not in CRS_LABELS:
        problems.append(Problem(None, None, f"système de coordonnées inconnu « {mapping.crs} »"))
    return problems


def plan_facilities(table: TableFile, mapping: FacilityMapping, places: tuple[Place, ...],
                    known: tuple[KnownFacility, ...]) -> FacilityPlan:
    """What each line of the file becomes (a new or an updated facility), or why it is refused."""
    plan = FacilityPlan(problems=check_mapping(table, mapping))
    if plan.problems:
        return plan
    finder = PlaceFinder(tuple(p for p in places if p.kind == NEIGHBOURHOOD))
    by_name = {normalise_name(f.name): f for f in known if not f.archived}
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        before = len(plan.problems)
        name = _text(plan, line, mapping.name, cells, MAX_NAME, required=True)
        kind_text = cells.get(mapping.kind) if mapping.kind else mapping.fixed_kind
        kind = kind_code(str(kind_text or ""))
        if not kind:
            plan.problems.append(Problem(line, mapping.kind, "le type d'équipement est vide"))
        address = _text(plan, line, mapping.address, cells, MAX_ADDRESS)
        commune = _text(plan, line, mapping.commune, cells, MAX_COMMUNE)
        hoods = _neighbourhoods(plan, finder, line, mapping.neighbourhoods, cells)
        position = _position(plan, line, mapping, cells)
        if name and normalise_name(name) in seen:
            plan.problems.append(Problem(line, mapping.name, f"doublon : « {shown(name)} » figure déjà ligne "
                                                             f"{seen[normalise_name(name)]}"))
        if len(plan.problems) > before or not name:
            continue
        seen[normalise_name(name)] = line
        existing = by_name.get(normalise_name(name))
        lon, lat, reprojected = position or (None, None, False)
        plan.facilities.append(PlannedFacility(
            line, name, kind, address, commune, hoods, lon, lat,
            reprojected, UPDATED_FACILITY if existing else NEW_FACILITY, existing))
    return plan


def _text(plan: FacilityPlan, line: int, column: str | None, cells: dict, limit: int,
          required: bool = False) -> str | None:
    if not column:
        return None
    text = " ".join(str(cells.get(column) or "").split())
    if required and not text:
        plan.problems.append(Problem(line, column, "le nom est vide"))
    if len(text) > limit:
        plan.problems.append(Problem(line, column, f"le texte dépasse {limit} caractères"))
    return text or None


def _neighbourhoods(plan: FacilityPlan, finder: PlaceFinder, line: int, column: str | None,
                    cells: dict) -> tuple[Place, ...]:
    if not column or is_blank(cells.get(column)):
        return ()
    found = []
    for key in (part.strip() for part in str(cells.get(column)).split(",") if part.strip()):
        place = finder.find(key)
        if isinstance(place, str):
            plan.problems.append(Problem(line, column, place.replace("ni un territoire de comparaison",
                                                                     "ni un quartier du contrat")))
        elif place not in found:
            found.append(place)
    return tuple(found)


def _position(plan: FacilityPlan, line: int, mapping: FacilityMapping, cells: dict) -> tuple | None:
    if not mapping.x:
        return None
    try:
        return locate(cells.get(mapping.x), cells.get(mapping.y), mapping.crs)
    except CellError as exc:
        plan.problems.append(Problem(line, mapping.x, str(exc)))
        return None

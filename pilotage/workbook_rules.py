"""The rules of a contract workbook that span columns or sheets, checked once every cell reads well."""

from __future__ import annotations

import json

from pilotage.workbook_check import CheckResult, check_sheets
from pilotage.workbook_columns import (
    AGENDA,
    CONTOURS,
    CONTRACT,
    DECISIONS,
    FRAMEWORK,
    NEIGHBOURHOODS,
    RULES,
    VALUES,
    key_of,
)
from pilotage.workbook_file import RawSheet

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def check_workbook(raw: dict[str, RawSheet]) -> CheckResult:
    """Every check of a workbook read from a file: cells, keys, references, then the rules between them."""
    result = check_sheets(raw)
    if result.problems:
        return result
    _contract(result)
    _values(result)
    _rules(result)
    _decisions(result)
    _framework(result)
    _contours(result)
    return result


def _rows(result: CheckResult, sheet):
    return zip(result.records[sheet.name], result.lines[sheet.name], strict=True)


def _contract(result: CheckResult) -> None:
    rows = result.records[CONTRACT.name]
    if len(rows) != 1:
        result.add(CONTRACT.name, None, None, f"une seule ligne de contrat est attendue, le classeur en a {len(rows)}.")
        return
    row, line = rows[0], result.lines[CONTRACT.name][0]
    if row["start_year"] > row["end_year"]:
        result.add(CONTRACT.name, line, CONTRACT.column("end_year").header,
                   "l'année de fin précède l'année de début.")


def _values(result: CheckResult) -> None:
    for row, line in _rows(result, VALUES):
        if (row["neighbourhood"] is None) == (row["area"] is None):
            result.add(VALUES.name, line, VALUES.column("neighbourhood").header,
                       "indiquez soit un quartier, soit un territoire de comparaison (un seul des deux).")


def _rules(result: CheckResult) -> None:
    for row, line in _rows(result, RULES):
        if (row["scope"] == "programme") != (row["programme"] is not None):
            result.add(RULES.name, line, RULES.column("programme").header,
                       "un programme se donne pour la portée programme, et seulement pour elle.")
        low, high = row["min_per_year"], row["max_per_year"]
        if low is not None and high is not None and low > high:
            result.add(RULES.name, line, RULES.column("max_per_year").header, "le maximum est inférieur au minimum.")


def _decisions(result: CheckResult) -> None:
    agenda = {key_of(AGENDA, row) for row in result.records[AGENDA.name]}
    for row, line in _rows(result, DECISIONS):
        if row["agenda_rank"] is not None and f"{row['meeting']}#{row['agenda_rank']}" not in agenda:
            result.add(DECISIONS.name, line, DECISIONS.column("agenda_rank").header,
                       f"l'instance « {row['meeting']} » n'a pas de point n° {row['agenda_rank']} dans l'onglet "
                       f"« {AGENDA.name} ».")


def _framework(result: CheckResult) -> None:
    parents = {row["code"]: row["parent"] for row in result.records[FRAMEWORK.name]}
    for row, line in _rows(result, FRAMEWORK):
        seen, code = set(), row["code"]
        while code is not None and code not in seen:
            seen.add(code)
            code = parents.get(code)
        if code is not None:
            result.add(FRAMEWORK.name, line, FRAMEWORK.column("parent").header,
                       f"le nœud « {row['code']} » est son propre ancêtre : l'arbre boucle.")


def _contours(result: CheckResult) -> None:
    parts: dict[str, list[tuple[int, str, int]]] = {}
    for row, line in _rows(result, CONTOURS):
        parts.setdefault(row["neighbourhood"], []).append((row["part"], row["geojson"], line))
    geometries = {}
    for slug, pieces in parts.items():
        pieces.sort()
        line = pieces[0][2]
        if [number for number, _, _ in pieces] != list(range(1, len(pieces) + 1)):
            result.add(CONTOURS.name, line, CONTOURS.column("part").header,
                       f"les parties du contour de « {slug} » doivent être numérotées 1, 2, 3… sans trou.")
            continue
        problem, geometry = _geometry("".join(body for _, body, _ in pieces))
        if problem:
            result.add(CONTOURS.name, line, CONTOURS.column("geojson").header, f"contour de « {slug} » : {problem}")
        geometries[slug] = geometry
    for row in result.records[NEIGHBOURHOODS.name]:
        row["geometry"] = geometries.get(row["slug"])


def _geometry(body: str) -> tuple[str | None, dict | None]:
    try:
        geometry = json.loads(body)
    except ValueError:
        return "texte GeoJSON illisible (parties manquantes ou modifiées ?).", None
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES or not isinstance(
            geometry.get("coordinates"), list):
        return "une géométrie GeoJSON Polygon ou MultiPolygon est attendue.", None
    return None, geometry

"""Import of official boundaries: the matched contours replace the approximate ones, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage import audit, clock
from pilotage.boundaries import Columns, ImportPlan, Match, Target, Unmatched, plan_import
from pilotage.boundary_files import read_boundary_file
from pilotage.errors import ValidationError
from pilotage.formats import format_date, plural
from pilotage.models import Contract, Neighbourhood
from pilotage.permissions import ADMIN, Actor
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write

MAX_LISTED_ERRORS = 10


@dataclass(frozen=True)
class ImportReport:
    updated: tuple[str, ...]  # neighbourhood names whose contours were replaced
    codes_recorded: tuple[str, ...]  # "Planoise : QN02501M"
    unmatched: tuple[Unmatched, ...]
    missing: tuple[tuple[str, str], ...]


def targets_of(hoods: list[Neighbourhood]) -> list[Target]:
    """The neighbourhoods as the matching sees them."""
    return [Target(id=h.id, name=h.name, commune=h.commune, official_code=h.official_code) for h in hoods]


def import_boundaries(
    session: Session,
    actor: Actor,
    *,
    contract_id: int,
    filename: str,
    content: bytes,
    columns: Columns,
    expected_versions: dict[int, int] | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Replace the contours of the neighbourhoods the file matches; refuse the whole file on any refused geometry."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    boundary_file = read_boundary_file(filename, content)
    _check_columns(boundary_file.property_names, columns)
    hoods = list(session.scalars(select(Neighbourhood).where(Neighbourhood.contract_id == contract.id,
                                                             Neighbourhood.archived.is_(False))
                                 .order_by(Neighbourhood.position, Neighbourhood.id)))
    plan = plan_import(boundary_file, targets_of(hoods), columns)
    _refuse_unless_ready(plan)
    by_id = {h.id: h for h in hoods}
    for match in plan.matches:
        if expected_versions is not None and match.neighbourhood_id in expected_versions:
            ensure_version(by_id[match.neighbourhood_id], expected_versions[match.neighbourhood_id])
    source = f"Fichier officiel « {filename} », importé le {format_date(today or clock.today())}"

    def write() -> ImportReport:
        codes = []
        for match in plan.matches:
            hood = by_id[match.neighbourhood_id]
            before = audit.snapshot(hood)
            _apply(hood, match, source)
            if match.new_code:
                codes.append(f"{hood.name} : {match.new_code}")
            session.flush()
            audit.record(session, actor, "import", "neighbourhood", hood.id,
                         f"Contours officiels de {hood.name} importés du fichier « {filename} » (entité n° "
                         f"{match.feature_index}, appariée par {match.matched_by}) ; {contract.name}",
                         before=before, after=audit.snapshot(hood))
        return ImportReport(updated=tuple(m.neighbourhood for m in plan.matches), codes_recorded=tuple(codes),
                            unmatched=plan.unmatched, missing=plan.missing)

    return run_write(session, write)


def _check_columns(names: tuple[str, ...], columns: Columns) -> None:
    for label, name in (("code", columns.code), ("nom", columns.name), ("commune", columns.commune)):
        if name is not None and name not in names:
            raise ValidationError(f"La propriété « {name} » choisie pour le {label} n'existe pas dans le fichier.")
    if not columns.code and not columns.name:
        raise ValidationError("Choisissez au moins la propriété qui porte le code ou celle qui porte le nom.")


def _apply(hood: Neighbourhood, match: Match, source: str) -> None:
    hood.geometry = match.geometry
    hood.geometry_approximate = False
    hood.geometry_source = source[:300]
    if match.new_code:
        hood.official_code = match.new_code


def _refuse_unless_ready(plan: ImportPlan) -> None:
    if not plan.matches:
        raise ValidationError("Aucune entité du fichier ne correspond à un quartier de ce contrat, ni par son code "
                              "officiel ni par son nom : rien n'a été importé.")
    if plan.errors:
        lines = [f"entité n° {m.feature_index} ({m.neighbourhood}) : {m.error}"
                 for m in plan.errors[:MAX_LISTED_ERRORS]]
        more = len(plan.errors) - len(lines)
        refused = plural(len(plan.errors), "géométrie refusée", "géométries refusées")
        raise ValidationError(f"Import refusé, rien n'a été modifié : {refused} parmi les entités appariées — "
                              + " ; ".join(lines) + (f" ; et {more} autre(s)." if more else "."))

"""Writes on facilities (équipements): import from a table (all or nothing), add, edit, archive, restore."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage import audit, clock
from pilotage.errors import ConflictError, ValidationError
from pilotage.facility_import import (
    MAX_ADDRESS,
    MAX_COMMUNE,
    MAX_NAME,
    NEW_FACILITY,
    WGS84,
    FacilityMapping,
    FacilityPlan,
    kind_code,
    locate,
    plan_facilities,
)
from pilotage.figures import CellError
from pilotage.formats import format_date, plural
from pilotage.models import Contract, Facility, Neighbourhood
from pilotage.permissions import ADMIN, Actor
from pilotage.queries.facilities import list_known_facilities
from pilotage.queries.indicators import get_import_context
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write, write_archived
from pilotage.services.indicators import MAX_LISTED_PROBLEMS, clean_source
from pilotage.table_files import read_table


@dataclass(frozen=True)
class FacilityImportReport:
    created: int
    updated: int
    reprojected: int


def facility_refusal(plan: FacilityPlan) -> str:
    """The French message of a refused import, naming the first problems by line."""
    if not plan.problems:
        return "Import refusé, rien n'a été enregistré : le fichier ne contient aucun équipement."
    lines = [problem.text() for problem in plan.problems[:MAX_LISTED_PROBLEMS]]
    more = len(plan.problems) - len(lines)
    return (f"Import refusé, rien n'a été enregistré : {plural(len(plan.problems), 'problème')} — "
            + " ; ".join(lines) + (f" ; et {more} autre(s)." if more else "."))


def import_facilities(session: Session, actor: Actor, *, contract_id: int, filename: str, content: bytes,
                      mapping: FacilityMapping, source: str) -> FacilityImportReport:
    """Create the file's new facilities and update those of the same name, or write nothing."""
    ensure_permission(actor, ADMIN)
    contract = get_or_fail(session, Contract, contract_id, "Contrat")
    source = clean_source(source)
    table = read_table(filename, content)
    plan = plan_facilities(table, mapping, get_import_context(session, contract_id=contract.id).places,
                           list_known_facilities(session, contract_id=contract.id))
    if not plan.ready:
        raise ValidationError(facility_refusal(plan))
    hoods = {h.id: h for h in session.scalars(select(Neighbourhood).where(Neighbourhood.contract_id == contract.id))}
    note = f"Importé du fichier « {filename} » le {format_date(clock.today())} par {actor.display_name}"

    def write() -> FacilityImportReport:
        updated = []
        for planned in plan.facilities:
            served = [hoods[p.id] for p in planned.neighbourhoods]
            if planned.effect == NEW_FACILITY:
                facility = Facility(contract_id=contract.id)
                session.add(facility)
            else:
                facility = session.get(Facility, planned.existing.id)
                if facility is None or facility.version != planned.existing.version:
                    raise ConflictError("Un équipement du fichier a été modifié ou supprimé pendant l'import : rien "
                                        "n'a été enregistré. Importez de nouveau.")
                updated.append(facility.id)
            facility.name, facility.kind, facility.address = planned.name, planned.kind, planned.address
            facility.commune = planned.commune or (served[0].commune if served else facility.commune)
            if planned.longitude is not None:
                facility.longitude, facility.latitude = planned.longitude, planned.latitude
                facility.location_approximate = False
            if planned.neighbourhoods:
                facility.neighbourhoods = served
            facility.source, facility.illustrative, facility.note = source, False, note
        session.flush()
        created = len(plan.facilities) - len(updated)
        audit.record(session, actor, "import", "facility", None,
                     f"Import d'équipements du fichier « {filename} » (source : {source}) : {created} nouveau(x), "
                     f"{len(updated)} mis à jour ; {contract.name}", after={"updated": updated, "created": created})
        return FacilityImportReport(created, len(updated), sum(1 for p in plan.facilities if p.reprojected))

    return run_write(session, write)


@dataclass(frozen=True)
class FacilityFields:
    """What the form gives: the position in degrees (or none)."""

    name: str
    kind: str
    address: str | None = None
    commune: str | None = None
    neighbourhood_ids: tuple[int, ...] = ()
    longitude: float | None = None
    latitude: float | None = None


def _checked(session: Session, contract_id: int, fields: FacilityFields) -> dict:
    name = " ".join((fields.name or "").split())
    if not name or len(name) > MAX_NAME:
        raise ValidationError(f"Le nom de l'équipement doit compter de 1 à {MAX_NAME} caractères.")
    kind = kind_code(fields.kind or "")
    if not kind:
        raise ValidationError("Indiquez le type d'équipement (centre social, EVS, école…).")
    address = " ".join((fields.address or "").split()) or None
    commune = " ".join((fields.commune or "").split()) or None
    if address and len(address) > MAX_ADDRESS or commune and len(commune) > MAX_COMMUNE:
        raise ValidationError(f"L'adresse ({MAX_ADDRESS} caractères) ou la commune ({MAX_COMMUNE}) est trop longue.")
    try:
        position = locate(fields.longitude, fields.latitude, WGS84)
    except CellError as exc:
        raise ValidationError(f"Position : {exc}.") from exc
    ids = sorted(set(fields.neighbourhood_ids))
    hoods = list(session.scalars(select(Neighbourhood).where(Neighbourhood.id.in_(ids),
                                                             Neighbourhood.contract_id == contract_id)))
    if len(hoods) != len(ids):
        raise ValidationError("Un quartier choisi n'appartient pas à ce contrat.")
    lon, lat = position[:2] if position else (None, None)
    return {"name": name, "kind": kind, "address": address, "commune": commune or (hoods[0].commune if hoods else None),
            "longitude": lon, "latitude": lat, "neighbourhoods": hoods}


def _snapshot(facility: Facility) -> dict:
    data = audit.snapshot(facility)
    data["neighbourhoods"] = sorted(h.id for h in facility.neighbourhoods)
    return data


def create_facility(session: Session, actor: Actor, *, contract_id: int, fields: FacilityFields) -> int:
    """Add one facility typed on the form; return its id."""
    ensure_permission(actor, ADMIN)
    get_or_fail(session, Contract, contract_id, "Contrat")
    values = _checked(session, contract_id, fields)
    facility = Facility(contract_id=contract_id, location_approximate=False, illustrative=False,
                        source=f"Saisi par {actor.display_name}", **values)

    def write() -> int:
        session.add(facility)
        session.flush()
        audit.record(session, actor, "create", "facility", facility.id, f"Nouvel équipement « {facility.name} »",
                     after=_snapshot(facility))
        return facility.id

    return run_write(session, write)


def update_facility(session: Session, actor: Actor, facility_id: int, *, expected_version: int,
                    fields: FacilityFields) -> None:
    """Change a facility's name, kind, address, commune, neighbourhoods or position."""
    ensure_permission(actor, ADMIN)
    facility = get_or_fail(session, Facility, facility_id, "Équipement")
    ensure_version(facility, expected_version)
    values = _checked(session, facility.contract_id, fields)
    before = _snapshot(facility)

    def write() -> None:
        moved = (values["longitude"], values["latitude"]) != (facility.longitude, facility.latitude)
        for key, value in values.items():
            setattr(facility, key, value)
        if moved:
            facility.location_approximate = False
        session.flush()
        audit.record(session, actor, "update", "facility", facility.id, f"Modification de l'équipement "
                     f"« {facility.name} »", before=before, after=_snapshot(facility))

    run_write(session, write)


def set_facility_archived(session: Session, actor: Actor, facility_id: int, *, expected_version: int,
                          archived: bool = True) -> None:
    """Archive a facility (it leaves the maps, stays in the database and the audit trail), or restore it."""
    ensure_permission(actor, ADMIN)
    facility = get_or_fail(session, Facility, facility_id, "Équipement")
    ensure_version(facility, expected_version)
    if facility.archived == archived:
        raise ValidationError("Cet équipement est déjà archivé." if archived else "Cet équipement n'est pas archivé.")
    write_archived(session, actor, facility, archived=archived, entity="facility", snapshot=_snapshot,
                   summary=f"{'Archivage' if archived else 'Restauration'} de l'équipement « {facility.name} »")


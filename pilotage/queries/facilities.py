"""Reads for the administration of facilities: every facility of a contract, archived ones included."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.facility_import import KnownFacility
from pilotage.models import Facility, Neighbourhood, facility_neighbourhood
from pilotage.queries.base import frame

FACILITY_COLUMNS = ["id", "name", "kind", "commune", "address", "longitude", "latitude", "location_approximate",
                    "source", "archived", "version"]


def list_facilities(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's facilities (archived ones last), with the ids and names of the neighbourhoods they serve."""
    statement = (select(Facility.id, Facility.name, Facility.kind, Facility.commune, Facility.address,
                        Facility.longitude, Facility.latitude, Facility.location_approximate, Facility.source,
                        Facility.archived, Facility.version)
                 .where(Facility.contract_id == contract_id).order_by(Facility.archived, Facility.name, Facility.id))
    facilities = frame(session, statement, FACILITY_COLUMNS)
    served = session.execute(
        select(facility_neighbourhood.c.facility_id, Neighbourhood.id, Neighbourhood.name)
        .join(Neighbourhood, Neighbourhood.id == facility_neighbourhood.c.neighbourhood_id)
        .where(Neighbourhood.contract_id == contract_id).order_by(Neighbourhood.position)).all()
    ids: dict[int, list[int]] = {}
    names: dict[int, list[str]] = {}
    for facility_id, hood_id, name in served:
        ids.setdefault(facility_id, []).append(hood_id)
        names.setdefault(facility_id, []).append(name)
    facilities["neighbourhood_ids"] = facilities["id"].map(lambda i: tuple(ids.get(i, ())))
    facilities["neighbourhoods"] = facilities["id"].map(lambda i: ", ".join(names.get(i, [])))
    return facilities


def list_known_facilities(session: Session, *, contract_id: int) -> tuple[KnownFacility, ...]:
    """The contract's facilities as an import compares them with the file's lines (by name)."""
    rows = session.execute(select(Facility.id, Facility.name, Facility.version, Facility.archived)
                           .where(Facility.contract_id == contract_id).order_by(Facility.id))
    return tuple(KnownFacility(r.id, r.name, r.version, r.archived) for r in rows)

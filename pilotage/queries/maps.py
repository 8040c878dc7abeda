"""Reads for maps: neighbourhood contours, facilities, indicators that can colour a map."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage.boundaries import Target
from pilotage.choropleth import latest_by_area
from pilotage.models import Facility, Indicator, IndicatorValue, Neighbourhood, facility_neighbourhood
from pilotage.queries.base import frame

NEIGHBOURHOOD_COLUMNS = ["id", "contract_id", "slug", "name", "kind", "commune", "population", "population_year",
                         "official_code", "geometry", "geometry_approximate", "geometry_source", "version"]
FACILITY_COLUMNS = ["id", "name", "kind", "commune", "address", "latitude", "longitude", "location_approximate",
                    "source"]
VALUE_COLUMNS = ["neighbourhood_id", "value", "year", "source", "source_detail", "illustrative"]


def list_map_neighbourhoods(session: Session, *, contract_id: int | None = None,
                            neighbourhood_id: int | None = None) -> pd.DataFrame:
    """Neighbourhoods of a contract (or one of them) with their contours as stored for display."""
    statement = select(Neighbourhood.id, Neighbourhood.contract_id, Neighbourhood.slug, Neighbourhood.name,
                       Neighbourhood.kind, Neighbourhood.commune, Neighbourhood.population,
                       Neighbourhood.population_year, Neighbourhood.official_code, Neighbourhood.geometry,
                       Neighbourhood.geometry_approximate, Neighbourhood.geometry_source, Neighbourhood.version)
    if contract_id is not None:
        statement = statement.where(Neighbourhood.contract_id == contract_id)
    if neighbourhood_id is not None:
        statement = statement.where(Neighbourhood.id == neighbourhood_id)
    return frame(session, statement.order_by(Neighbourhood.position, Neighbourhood.id), NEIGHBOURHOOD_COLUMNS)


def list_map_facilities(session: Session, *, contract_id: int | None = None,
                        neighbourhood_id: int | None = None) -> pd.DataFrame:
    """Facilities of a contract (or those serving one neighbourhood), archived ones left out, with the names of the
    areas they serve."""
    statement = select(Facility.id, Facility.name, Facility.kind, Facility.commune, Facility.address,
                       Facility.latitude, Facility.longitude, Facility.location_approximate, Facility.source
                       ).where(Facility.archived.is_(False))
    if contract_id is not None:
        statement = statement.where(Facility.contract_id == contract_id)
    if neighbourhood_id is not None:
        statement = statement.where(Facility.id.in_(
            select(facility_neighbourhood.c.facility_id)
            .where(facility_neighbourhood.c.neighbourhood_id == neighbourhood_id)))
    facilities = frame(session, statement.order_by(Facility.id), FACILITY_COLUMNS)
    served = session.execute(
        select(facility_neighbourhood.c.facility_id, Neighbourhood.name, Neighbourhood.slug)
        .join(Neighbourhood, Neighbourhood.id == facility_neighbourhood.c.neighbourhood_id)
        .where(facility_neighbourhood.c.facility_id.in_(facilities["id"].tolist()))
        .order_by(Neighbourhood.position)
    ).all()
    names: dict[int, list[str]] = {}
    slugs: dict[int, list[str]] = {}
    for facility_id, name, slug in served:
        names.setdefault(facility_id, []).append(name)
        slugs.setdefault(facility_id, []).append(slug)
    facilities["neighbourhoods"] = facilities["id"].map(lambda i: ", ".join(names.get(i, [])))
    facilities["neighbourhood_slugs"] = facilities["id"].map(lambda i: tuple(slugs.get(i, [])))
    return facilities


def list_map_indicators(session: Session, *, contract_id: int) -> pd.DataFrame:
    """Indicators of the contract with at least one neighbourhood value, in the portrait's order."""
    counted = (
        select(IndicatorValue.indicator_id, func.count(func.distinct(IndicatorValue.neighbourhood_id)).label("n"))
        .where(IndicatorValue.neighbourhood_id.is_not(None))
        .group_by(IndicatorValue.indicator_id)
        .subquery()
    )
    statement = (
        select(Indicator.id, Indicator.code, Indicator.label, Indicator.theme, Indicator.unit, Indicator.decimals,
               counted.c.n)
        .join(counted, counted.c.indicator_id == Indicator.id)
        .where(Indicator.contract_id == contract_id)
        .order_by(Indicator.theme_position, Indicator.position, Indicator.id)
    )
    return frame(session, statement, ["id", "code", "label", "theme", "unit", "decimals", "neighbourhoods"])


def list_latest_values(session: Session, *, indicator_id: int) -> pd.DataFrame:
    """The indicator's value of the most recent year for each neighbourhood that has one."""
    rows = session.execute(
        select(IndicatorValue.neighbourhood_id, IndicatorValue.value, IndicatorValue.year, IndicatorValue.source,
               IndicatorValue.source_detail, IndicatorValue.illustrative)
        .where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.neighbourhood_id.is_not(None))
        .order_by(IndicatorValue.id)
    ).all()
    latest = latest_by_area(rows, area=lambda row: row[0], year=lambda row: row[2])
    return pd.DataFrame([tuple(row) for row in latest.values()], columns=VALUE_COLUMNS)


def list_boundary_targets(session: Session, *, contract_id: int) -> tuple[tuple[Target, int], ...]:
    """The contract's neighbourhoods as the boundary matching sees them, with their versions."""
    hoods = session.scalars(select(Neighbourhood).where(Neighbourhood.contract_id == contract_id)
                            .order_by(Neighbourhood.position, Neighbourhood.id))
    return tuple((Target(h.id, h.name, h.commune, h.official_code), h.version) for h in hoods)

"""Reads of the administration pages Contrats and Quartiers du contrat: every row with its version, archived
ones included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage.models import (
    ComparisonArea,
    Contract,
    GovernanceRule,
    IndicatorValue,
    Milestone,
    Neighbourhood,
    Organisation,
    Programme,
    contract_signatory,
)
from pilotage.queries.base import frame


@dataclass(frozen=True)
class ContractDetail:
    id: int
    slug: str
    name: str
    territory: str
    epci: str | None
    communes: tuple[tuple[str | None, str], ...]  # (INSEE code, name)
    start_year: int
    end_year: int
    signed_on: dt.date | None
    status: str
    summary: str | None
    staleness_months: int
    indicator_freshness_years: int
    archived: bool
    version: int


def list_contract_rows(session: Session) -> pd.DataFrame:
    """Every contract, archived ones too, with its count of (active) neighbourhoods."""
    counts = (select(Neighbourhood.contract_id, func.count(Neighbourhood.id).label("n"))
              .where(Neighbourhood.archived.is_(False)).group_by(Neighbourhood.contract_id).subquery())
    statement = (
        select(Contract.id, Contract.slug, Contract.name, Contract.territory, Contract.epci, Contract.start_year,
               Contract.end_year, Contract.status, Contract.archived, Contract.version,
               func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.contract_id == Contract.id)
        .order_by(Contract.archived, Contract.position, Contract.id)
    )
    return frame(session, statement, ["id", "slug", "name", "territory", "epci", "start_year", "end_year", "status",
                                      "archived", "version", "neighbourhoods"])


def get_contract_detail(session: Session, *, contract_id: int) -> ContractDetail | None:
    contract = session.get(Contract, contract_id)
    if contract is None:
        return None
    communes = tuple((c.get("code"), c.get("name") or "") for c in contract.communes or [] if isinstance(c, dict))
    return ContractDetail(contract.id, contract.slug, contract.name, contract.territory, contract.epci, communes,
                          contract.start_year, contract.end_year, contract.signed_on, contract.status,
                          contract.summary, contract.staleness_months, contract.indicator_freshness_years,
                          contract.archived, contract.version)


def list_milestone_lines(session: Session, *, contract_id: int) -> pd.DataFrame:
    statement = (select(Milestone.id, Milestone.version, Milestone.date, Milestone.label, Milestone.kind)
                 .where(Milestone.contract_id == contract_id).order_by(Milestone.date, Milestone.id))
    return frame(session, statement, ["id", "version", "date", "label", "kind"])


def list_rule_lines(session: Session, *, contract_id: int) -> pd.DataFrame:
    statement = (select(GovernanceRule.id, GovernanceRule.version, GovernanceRule.meeting_kind, GovernanceRule.scope,
                        GovernanceRule.programme_id, GovernanceRule.min_per_year, GovernanceRule.max_per_year,
                        GovernanceRule.quote)
                 .where(GovernanceRule.contract_id == contract_id).order_by(GovernanceRule.id))
    return frame(session, statement, ["id", "version", "meeting_kind", "scope", "programme_id", "min_per_year",
                                      "max_per_year", "quote"])


def list_area_lines(session: Session, *, contract_id: int) -> pd.DataFrame:
    used = (select(IndicatorValue.comparison_area_id, func.count(IndicatorValue.id).label("n"))
            .group_by(IndicatorValue.comparison_area_id).subquery())
    statement = (select(ComparisonArea.id, ComparisonArea.version, ComparisonArea.name, ComparisonArea.kind,
                        func.coalesce(used.c.n, 0))
                 .outerjoin(used, used.c.comparison_area_id == ComparisonArea.id)
                 .where(ComparisonArea.contract_id == contract_id)
                 .order_by(ComparisonArea.position, ComparisonArea.id))
    return frame(session, statement, ["id", "version", "name", "kind", "values"])


def list_signatory_lines(session: Session, *, contract_id: int) -> pd.DataFrame:
    statement = (select(Organisation.name, Organisation.kind)
                 .join(contract_signatory, contract_signatory.c.organisation_id == Organisation.id)
                 .where(contract_signatory.c.contract_id == contract_id).order_by(Organisation.name))
    return frame(session, statement, ["name", "kind"])


def list_organisation_names(session: Session) -> list[str]:
    """Every organisation already known, to reuse its exact name."""
    return list(session.scalars(select(Organisation.name).order_by(Organisation.name)))


def list_programme_options(session: Session, *, contract_id: int) -> dict[int, str]:
    return dict(session.execute(select(Programme.id, Programme.name).where(Programme.contract_id == contract_id)
                                .order_by(Programme.position, Programme.id)).all())


NEIGHBOURHOOD_COLUMNS = ["id", "version", "slug", "name", "kind", "official_code", "commune", "population",
                         "population_year", "population_source", "identity", "has_contour", "geometry_approximate",
                         "geometry_source", "archived"]


def list_admin_neighbourhoods(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's neighbourhoods, archived ones too (last), with their versions."""
    statement = (
        select(Neighbourhood.id, Neighbourhood.version, Neighbourhood.slug, Neighbourhood.name, Neighbourhood.kind,
               Neighbourhood.official_code, Neighbourhood.commune, Neighbourhood.population,
               Neighbourhood.population_year, Neighbourhood.population_source, Neighbourhood.identity,
               Neighbourhood.geometry, Neighbourhood.geometry_approximate,
               Neighbourhood.geometry_source, Neighbourhood.archived)
        .where(Neighbourhood.contract_id == contract_id)
        .order_by(Neighbourhood.archived, Neighbourhood.position, Neighbourhood.id)
    )
    hoods = frame(session, statement, NEIGHBOURHOOD_COLUMNS)
    hoods["has_contour"] = hoods["has_contour"].map(bool)  # the contour itself is not needed here
    return hoods

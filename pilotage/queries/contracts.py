"""Reads about contracts, their milestones, neighbourhoods and key figures."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pilotage.models import (
    Contract,
    Meeting,
    Milestone,
    Neighbourhood,
    Organisation,
    Priority,
    Programme,
    contract_signatory,
)
from pilotage.queries.base import frame


@dataclass(frozen=True)
class ContractSummary:
    id: int
    slug: str
    name: str
    territory: str
    start_year: int
    end_year: int
    status: str
    summary: str | None
    source: str | None
    staleness_months: int
    archived: bool = False


@dataclass(frozen=True)
class KeyFigures:
    neighbourhoods_by_kind: dict[str, int]
    qpv_population: int
    qpv_with_population: int
    qpv_count: int
    priorities: int
    programmes: int
    signatories: int
    meetings_held: int


def list_contracts(session: Session, *, include_archived: bool = False) -> list[ContractSummary]:
    """Every contract, current ones first in the data's order; archived ones only when asked."""
    statement = select(Contract).order_by(Contract.position, Contract.id)
    if not include_archived:
        statement = statement.where(Contract.archived.is_(False))
    return [
        ContractSummary(c.id, c.slug, c.name, c.territory, c.start_year, c.end_year, c.status, c.summary,
                        c.source, c.staleness_months, c.archived)
        for c in session.scalars(statement)
    ]


def find_contract(session: Session, *, slug: str) -> ContractSummary | None:
    """The contract with this slug, archived or not (an archived contract stays readable by its link)."""
    found = [c for c in list_contracts(session, include_archived=True) if c.slug == slug]
    return found[0] if found else None


def list_milestones(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's milestones by date."""
    statement = (
        select(Milestone.date, Milestone.label, Milestone.kind, Milestone.source, Milestone.illustrative,
               Milestone.note)
        .where(Milestone.contract_id == contract_id)
        .order_by(Milestone.date)
    )
    return frame(session, statement, ["date", "label", "kind", "source", "illustrative", "note"])


def list_neighbourhoods(session: Session, *, contract_id: int | None = None,
                        include_archived: bool = False) -> pd.DataFrame:
    """Neighbourhoods with their figures, their projet de quartier's priorities and other programmes' measures.

    Archived neighbourhoods are left out (selectors, tiles) unless asked for."""
    in_project = Programme.kind == "projet_quartier"
    priority_count = (
        select(Programme.neighbourhood_id,
               func.sum(case((in_project, 1), else_=0)).label("priorities"),
               func.sum(case((in_project, 0), else_=1)).label("measures"))
        .join(Priority, Priority.programme_id == Programme.id)
        .where(Priority.archived.is_(False))
        .group_by(Programme.neighbourhood_id)
        .subquery()
    )
    statement = (
        select(Neighbourhood.id, Neighbourhood.contract_id, Contract.name, Contract.slug, Neighbourhood.slug,
               Neighbourhood.name,
               Neighbourhood.kind, Neighbourhood.commune, Neighbourhood.population, Neighbourhood.population_year,
               Neighbourhood.population_source, Neighbourhood.identity, Neighbourhood.official_code,
               func.coalesce(priority_count.c.priorities, 0), func.coalesce(priority_count.c.measures, 0))
        .join(Contract, Contract.id == Neighbourhood.contract_id)
        .outerjoin(priority_count, priority_count.c.neighbourhood_id == Neighbourhood.id)
        .order_by(Contract.position, Neighbourhood.position, Neighbourhood.name)
    )
    if contract_id is not None:
        statement = statement.where(Neighbourhood.contract_id == contract_id)
    if not include_archived:
        statement = statement.where(Neighbourhood.archived.is_(False))
    return frame(session, statement, ["id", "contract_id", "contract", "contract_slug", "slug", "name", "kind",
                                       "commune", "population", "population_year", "population_source", "identity",
                                       "official_code", "priorities", "measures"])


def get_key_figures(session: Session, *, contract_id: int) -> KeyFigures:
    """The contract's headline counts."""
    by_kind = dict(session.execute(
        select(Neighbourhood.kind, func.count()).where(Neighbourhood.contract_id == contract_id,
                                                       Neighbourhood.archived.is_(False))
        .group_by(Neighbourhood.kind)
    ).all())
    qpv = select(Neighbourhood.population).where(Neighbourhood.contract_id == contract_id,
                                                  Neighbourhood.kind == "qpv", Neighbourhood.archived.is_(False))
    populations = list(session.scalars(qpv))
    known = [p for p in populations if p is not None]

    def count(statement) -> int:
        return session.scalar(statement) or 0

    return KeyFigures(
        neighbourhoods_by_kind=by_kind,
        qpv_population=sum(known),
        qpv_with_population=len(known),
        qpv_count=len(populations),
        priorities=count(select(func.count(Priority.id)).join(Programme)
                         .where(Programme.contract_id == contract_id, Priority.archived.is_(False))),
        programmes=count(select(func.count(Programme.id)).where(Programme.contract_id == contract_id)),
        signatories=count(select(func.count()).select_from(contract_signatory)
                          .where(contract_signatory.c.contract_id == contract_id)),
        meetings_held=count(select(func.count(Meeting.id)).where(Meeting.contract_id == contract_id,
                                                                  Meeting.status == "tenue")),
    )


def list_signatories(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's signatory organisations."""
    statement = (
        select(Organisation.name, Organisation.kind)
        .join(contract_signatory, contract_signatory.c.organisation_id == Organisation.id)
        .where(contract_signatory.c.contract_id == contract_id)
        .order_by(Organisation.name)
    )
    return frame(session, statement, ["name", "kind"])

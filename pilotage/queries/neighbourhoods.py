"""Reads about one neighbourhood: its profile, portrait figures, programmes and priorities."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.models import (
    ComparisonArea,
    Contract,
    FrameworkNode,
    Indicator,
    IndicatorValue,
    Neighbourhood,
    Priority,
    Programme,
    priority_framework,
)
from pilotage.queries.base import frame
from pilotage.queries.programmes import list_text_revisions


@dataclass(frozen=True)
class NeighbourhoodProfile:
    id: int
    slug: str
    name: str
    kind: str
    commune: str
    official_code: str | None
    population: int | None
    population_year: str | None
    population_source: str | None
    identity: str | None
    source: str | None
    note: str | None
    contract_id: int
    contract_slug: str
    contract_name: str
    indicator_freshness_years: int
    version: int


def find_neighbourhood(session: Session, *, slug: str, contract_slug: str | None = None) -> NeighbourhoodProfile | None:
    """The neighbourhood with this slug, in the given contract or else in the first contract that has it."""
    statement = (
        select(Neighbourhood, Contract)
        .join(Contract, Contract.id == Neighbourhood.contract_id)
        .where(Neighbourhood.slug == slug)
        .order_by(Contract.slug != (contract_slug or ""), Contract.position)
    )
    row = session.execute(statement.limit(1)).first()
    if row is None:
        return None
    hood, contract = row
    return NeighbourhoodProfile(
        id=hood.id, slug=hood.slug, name=hood.name, kind=hood.kind, commune=hood.commune,
        official_code=hood.official_code, population=hood.population, population_year=hood.population_year,
        population_source=hood.population_source, identity=hood.identity, source=hood.source, note=hood.note,
        contract_id=contract.id, contract_slug=contract.slug, contract_name=contract.name,
        indicator_freshness_years=contract.indicator_freshness_years, version=hood.version,
    )


def list_portrait(session: Session, *, neighbourhood_id: int) -> pd.DataFrame:
    """Every indicator of the neighbourhood's contract, with its value here and in the comparison areas.

    One row per (indicator, area, year); an indicator the neighbourhood has no value for still has a row
    for the neighbourhood with value NaN, so that the page can say so instead of drawing a zero.
    """
    hood = session.get(Neighbourhood, neighbourhood_id)
    indicators = frame(session, select(Indicator.id, Indicator.code, Indicator.label, Indicator.theme,
                                       Indicator.theme_position, Indicator.unit, Indicator.decimals,
                                       Indicator.definition, Indicator.position)
                       .where(Indicator.contract_id == hood.contract_id),
                       ["indicator_id", "code", "label", "theme", "theme_position", "unit", "decimals",
                        "definition", "position"])
    value_columns = [IndicatorValue.indicator_id, IndicatorValue.value, IndicatorValue.year, IndicatorValue.source,
                     IndicatorValue.source_detail, IndicatorValue.note, IndicatorValue.illustrative]
    names = ["indicator_id", "value", "year", "source", "source_detail", "note", "illustrative"]
    own = frame(session, select(*value_columns).where(IndicatorValue.neighbourhood_id == neighbourhood_id), names)
    own = own.assign(area=hood.name, area_kind="quartier", area_position=0)
    compared = frame(session, select(*value_columns, ComparisonArea.name, ComparisonArea.position)
                     .join(ComparisonArea, ComparisonArea.id == IndicatorValue.comparison_area_id)
                     .where(ComparisonArea.contract_id == hood.contract_id), [*names, "area", "area_position"])
    compared = compared.assign(area_kind="comparaison", area_position=compared["area_position"] + 1)
    missing = indicators[~indicators["indicator_id"].isin(own["indicator_id"])][["indicator_id"]].assign(
        value=float("nan"), area=hood.name, area_kind="quartier", area_position=0)
    parts = [df for df in (own, missing, compared) if not df.empty]
    if not parts:  # a contract without indicators: nothing to compare
        return indicators.assign(**{name: pd.Series(dtype=object) for name in (*names[1:], "area", "area_kind",
                                                                               "area_position")})
    values = pd.concat(parts, ignore_index=True)
    result = indicators.merge(values, on="indicator_id", how="inner")
    return result.sort_values(["theme_position", "position", "area_position", "year"]).reset_index(drop=True)


def list_programmes(session: Session, *, neighbourhood_id: int) -> pd.DataFrame:
    """The programmes (projet de quartier first, then pactes...) that concern this neighbourhood."""
    statement = (
        select(Programme.id, Programme.slug, Programme.kind, Programme.name, Programme.title, Programme.adopted_on,
               Programme.discrepancy, Programme.source)
        .where(Programme.neighbourhood_id == neighbourhood_id)
        .order_by(Programme.kind != "projet_quartier", Programme.position)
    )
    return frame(session, statement, ["id", "slug", "kind", "name", "title", "adopted_on", "discrepancy", "source"])


def list_priorities(session: Session, *, programme_id: int) -> pd.DataFrame:
    """A programme's priorities in the document's order, with the codes and titles of their framework links."""
    priorities = frame(session, select(Priority.id, Priority.heading, Priority.heading_position, Priority.number,
                                       Priority.position, Priority.text, Priority.source, Priority.version)
                       .where(Priority.programme_id == programme_id, Priority.archived.is_(False))
                       .order_by(Priority.heading_position, Priority.position),
                       ["id", "heading", "heading_position", "number", "position", "text", "source", "version"])
    links = frame(session, select(priority_framework.c.priority_id, FrameworkNode.code, FrameworkNode.title)
                  .join(FrameworkNode, FrameworkNode.id == priority_framework.c.framework_node_id)
                  .join(Priority, Priority.id == priority_framework.c.priority_id)
                  .where(Priority.programme_id == programme_id),
                  ["id", "code", "title"])
    links["link"] = links["code"] + " " + links["title"]
    grouped = links.groupby("id")["link"].apply(list)
    priorities["framework"] = priorities["id"].map(grouped).apply(lambda v: v if isinstance(v, list) else [])
    revisions = list_text_revisions(session, priority_ids=[int(i) for i in priorities["id"]])
    priorities["revisions"] = [revisions.get(int(i), []) for i in priorities["id"]]
    return priorities


def year_of(label: str | None) -> int | None:
    """The most recent four-digit year in a printed period ('2017-2019' -> 2019, 'juin 2023' -> 2023)."""
    text = label if isinstance(label, str) else ""
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)]
    return max(years) if years else None

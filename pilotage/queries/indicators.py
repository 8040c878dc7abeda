"""Reads for the administration of indicators: the list, their values, what an import compares a file with."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage.indicator_import import AREA, NEIGHBOURHOOD, ExistingValue, ImportContext, KnownIndicator, Place
from pilotage.models import ComparisonArea, Indicator, IndicatorValue, Neighbourhood
from pilotage.queries.base import frame

INDICATOR_COLUMNS = ["id", "code", "label", "theme", "unit", "decimals", "definition", "version", "values"]
VALUE_COLUMNS = ["id", "neighbourhood_id", "comparison_area_id", "place", "year", "value", "source", "source_detail",
                 "illustrative", "version"]


def get_import_context(session: Session, *, contract_id: int) -> ImportContext:
    """The contract's neighbourhoods and comparison areas, its indicators and every stored value of them."""
    hoods = session.execute(select(Neighbourhood.id, Neighbourhood.name, Neighbourhood.slug,
                                   Neighbourhood.official_code)
                            .where(Neighbourhood.contract_id == contract_id)
                            .order_by(Neighbourhood.position, Neighbourhood.id)).all()
    areas = session.execute(select(ComparisonArea.id, ComparisonArea.name, ComparisonArea.slug)
                            .where(ComparisonArea.contract_id == contract_id)
                            .order_by(ComparisonArea.position, ComparisonArea.id)).all()
    places = tuple(Place(NEIGHBOURHOOD, h.id, h.name, h.slug, h.official_code) for h in hoods)
    places += tuple(Place(AREA, a.id, a.name, a.slug) for a in areas)
    indicators = tuple(KnownIndicator(i.id, i.code, i.label, i.unit, i.decimals) for i in session.execute(
        select(Indicator.id, Indicator.code, Indicator.label, Indicator.unit, Indicator.decimals)
        .where(Indicator.contract_id == contract_id).order_by(Indicator.id)))
    rows = session.execute(
        select(IndicatorValue.id, IndicatorValue.indicator_id, IndicatorValue.neighbourhood_id,
               IndicatorValue.comparison_area_id, IndicatorValue.year, IndicatorValue.value, IndicatorValue.version)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id).where(Indicator.contract_id == contract_id))
    values = tuple(ExistingValue(r.id, r.indicator_id, NEIGHBOURHOOD if r.neighbourhood_id else AREA,
                                 r.neighbourhood_id or r.comparison_area_id, r.year, r.value, r.version) for r in rows)
    return ImportContext(places, indicators, values)


def list_indicators(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's indicators in the portrait's order, with how many values each holds."""
    counted = (select(IndicatorValue.indicator_id, func.count().label("n"))
               .group_by(IndicatorValue.indicator_id).subquery())
    statement = (
        select(Indicator.id, Indicator.code, Indicator.label, Indicator.theme, Indicator.unit, Indicator.decimals,
               Indicator.definition, Indicator.version, func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.indicator_id == Indicator.id)
        .where(Indicator.contract_id == contract_id)
        .order_by(Indicator.theme_position, Indicator.position, Indicator.id)
    )
    return frame(session, statement, INDICATOR_COLUMNS)


def list_indicator_values(session: Session, *, indicator_id: int) -> pd.DataFrame:
    """Every value of one indicator, neighbourhoods first, with its place's name."""
    statement = (
        select(IndicatorValue.id, IndicatorValue.neighbourhood_id, IndicatorValue.comparison_area_id,
               func.coalesce(Neighbourhood.name, ComparisonArea.name), IndicatorValue.year, IndicatorValue.value,
               IndicatorValue.source, IndicatorValue.source_detail, IndicatorValue.illustrative,
               IndicatorValue.version)
        .outerjoin(Neighbourhood, Neighbourhood.id == IndicatorValue.neighbourhood_id)
        .outerjoin(ComparisonArea, ComparisonArea.id == IndicatorValue.comparison_area_id)
        .where(IndicatorValue.indicator_id == indicator_id)
        .order_by(IndicatorValue.comparison_area_id.is_not(None), Neighbourhood.position, ComparisonArea.position,
                  IndicatorValue.year, IndicatorValue.id)
    )
    return frame(session, statement, VALUE_COLUMNS)

"""Reads about a neighbourhood's FFOM (SWOT): its versions, their items, and the difference of two versions."""

from __future__ import annotations

import unicodedata

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.models import (
    Indicator,
    Neighbourhood,
    Priority,
    Programme,
    SwotAnalysis,
    SwotItem,
    swot_item_indicator,
    swot_item_priority,
)
from pilotage.queries.base import frame

QUADRANTS = ("forces", "faiblesses", "opportunites", "menaces")


def list_swot_analyses(session: Session, *, neighbourhood_id: int) -> pd.DataFrame:
    """The neighbourhood's FFOM versions, newest first."""
    statement = (
        select(SwotAnalysis.id, SwotAnalysis.label, SwotAnalysis.dated, SwotAnalysis.status, SwotAnalysis.source,
               SwotAnalysis.illustrative, SwotAnalysis.note)
        .where(SwotAnalysis.neighbourhood_id == neighbourhood_id)
        .order_by(SwotAnalysis.dated.desc(), SwotAnalysis.id.desc())
    )
    return frame(session, statement, ["id", "label", "dated", "status", "source", "illustrative", "note"])


def list_swot_items(session: Session, *, analysis_id: int, include_archived: bool = False) -> pd.DataFrame:
    """The items of one FFOM version by quadrant and order, with their linked indicators and priorities."""
    statement = select(SwotItem.id, SwotItem.quadrant, SwotItem.text, SwotItem.position, SwotItem.quote,
                       SwotItem.source, SwotItem.illustrative, SwotItem.note, SwotItem.archived,
                       SwotItem.version).where(SwotItem.analysis_id == analysis_id)
    if not include_archived:
        statement = statement.where(SwotItem.archived.is_(False))
    items = frame(session, statement.order_by(SwotItem.quadrant, SwotItem.position, SwotItem.id),
                  ["id", "quadrant", "text", "position", "quote", "source", "illustrative", "note", "archived",
                   "version"])
    indicators = frame(session, select(swot_item_indicator.c.swot_item_id, Indicator.id, Indicator.label)
                       .join(Indicator, Indicator.id == swot_item_indicator.c.indicator_id)
                       .join(SwotItem, SwotItem.id == swot_item_indicator.c.swot_item_id)
                       .where(SwotItem.analysis_id == analysis_id), ["item", "id", "label"])
    priorities = frame(session, select(swot_item_priority.c.swot_item_id, Priority.id, Priority.number,
                                       Priority.position, Priority.text, Programme.name)
                       .join(Priority, Priority.id == swot_item_priority.c.priority_id)
                       .join(Programme, Programme.id == Priority.programme_id)
                       .join(SwotItem, SwotItem.id == swot_item_priority.c.swot_item_id)
                       .where(SwotItem.analysis_id == analysis_id),
                       ["item", "id", "number", "position", "text", "programme"])
    priorities["label"] = priorities.apply(_priority_label, axis=1)
    for name, links in (("indicator", indicators), ("priority", priorities)):
        items[f"{name}_ids"] = _linked(items, links, "id")
        items[f"{name}_labels"] = _linked(items, links, "label")
    return items


def _priority_label(row) -> str:
    number = row.number or f"n° {row.position + 1}"
    return f"{row.programme}, {number} : {row.text}"


def _linked(items: pd.DataFrame, links: pd.DataFrame, column: str) -> pd.Series:
    grouped = links.groupby("item")[column].apply(tuple) if not links.empty else pd.Series(dtype=object)
    return items["id"].map(grouped).apply(lambda v: v if isinstance(v, tuple) else ())


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing folded, to tell whether two items say the same thing."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return " ".join(letters.split())


def compare_swot(session: Session, *, before_id: int, after_id: int) -> pd.DataFrame:
    """Items of two versions side by side: 'conservé', 'ajouté' (only after) or 'retiré' (only before)."""
    before = list_swot_items(session, analysis_id=before_id)
    after = list_swot_items(session, analysis_id=after_id)
    keys_before = set(zip(before["quadrant"], before["text"].map(normalise), strict=True))
    keys_after = set(zip(after["quadrant"], after["text"].map(normalise), strict=True))
    rows = []
    for _, item in after.iterrows():
        kept = (item.quadrant, normalise(item.text)) in keys_before
        rows.append({"quadrant": item.quadrant, "text": item.text, "change": "conservé" if kept else "ajouté",
                     "position": item.position})
    for _, item in before.iterrows():
        if (item.quadrant, normalise(item.text)) not in keys_after:
            rows.append({"quadrant": item.quadrant, "text": item.text, "change": "retiré",
                         "position": item.position})
    return pd.DataFrame(rows, columns=["quadrant", "text", "change", "position"])


def list_link_options(session: Session, *, neighbourhood_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """Indicators of the contract and priorities of the neighbourhood's programmes an item may link to."""
    hood = session.get(Neighbourhood, neighbourhood_id)
    indicators = dict(session.execute(select(Indicator.id, Indicator.label)
                                      .where(Indicator.contract_id == hood.contract_id)
                                      .order_by(Indicator.theme_position, Indicator.position)).all())
    rows = frame(session, select(Priority.id, Priority.number, Priority.position, Priority.text, Programme.name)
                 .join(Programme, Programme.id == Priority.programme_id)
                 .where(Programme.neighbourhood_id == neighbourhood_id)
                 .order_by(Programme.position, Priority.position),
                 ["id", "number", "position", "text", "programme"])
    priorities = {int(r.id): _priority_label(r) for r in rows.itertuples()}
    return indicators, priorities

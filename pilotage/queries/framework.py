"""Reads of a contract's framework tree (socle commun, cadre stratégique) and the priorities linked to its nodes."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pilotage.models import FrameworkNode, Neighbourhood, Priority, Programme, priority_framework
from pilotage.queries.base import frame


def list_framework_nodes(session: Session, *, contract_id: int) -> pd.DataFrame:
    """Every node of the contract's framework, parents before children, siblings in the document's order."""
    statement = (
        select(FrameworkNode.id, FrameworkNode.parent_id, FrameworkNode.code, FrameworkNode.title,
               FrameworkNode.level, FrameworkNode.depth, FrameworkNode.position, FrameworkNode.source)
        .where(FrameworkNode.contract_id == contract_id)
        .order_by(FrameworkNode.depth, FrameworkNode.position, FrameworkNode.id)
    )
    nodes = frame(session, statement, ["id", "parent_id", "code", "title", "level", "depth", "position", "source"])
    nodes["parent_id"] = pd.Series([None if pd.isna(p) else int(p) for p in nodes["parent_id"]], index=nodes.index,
                                   dtype=object)
    return nodes


def list_framework_links(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The priorities linked to each node of the contract's framework, with their programme and neighbourhood."""
    statement = (
        select(priority_framework.c.framework_node_id, Priority.id, Priority.number, Priority.position, Priority.text,
               Programme.name, Programme.kind, Neighbourhood.name)
        .join(Priority, Priority.id == priority_framework.c.priority_id)
        .join(Programme, Programme.id == Priority.programme_id)
        .join(FrameworkNode, FrameworkNode.id == priority_framework.c.framework_node_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Programme.neighbourhood_id)
        .where(FrameworkNode.contract_id == contract_id)
        .order_by(Programme.position, Priority.position)
    )
    return frame(session, statement, ["node_id", "priority_id", "number", "position", "text", "programme",
                                      "programme_kind", "neighbourhood"])

"""Reads for editing the framework tree and the programmes: the tree in order, programmes, priorities, revisions."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage.framework_sheet import ExistingNode, FrameworkPlan, plan_framework
from pilotage.import_report import ImportCheck
from pilotage.models import FrameworkNode, Neighbourhood, Priority, PriorityUpdate, Programme, priority_framework
from pilotage.priority_sheet import PriorityPlan, plan_priorities
from pilotage.programme_models import PriorityTextRevision
from pilotage.queries.base import frame
from pilotage.sheet_rows import TableFileError, read_table

NODE_COLUMNS = ["id", "parent_id", "depth", "code", "level", "title", "position", "archived", "version"]


def list_framework_tree(session: Session, *, contract_id: int) -> pd.DataFrame:
    """Every node of the contract's framework, parents before children, siblings in order, with link counts."""
    nodes = frame(session, select(FrameworkNode.id, FrameworkNode.parent_id, FrameworkNode.depth, FrameworkNode.code,
                                  FrameworkNode.level, FrameworkNode.title, FrameworkNode.position,
                                  FrameworkNode.archived, FrameworkNode.version)
                  .where(FrameworkNode.contract_id == contract_id)
                  .order_by(FrameworkNode.position, FrameworkNode.id), NODE_COLUMNS)
    links = dict(session.execute(select(priority_framework.c.framework_node_id, func.count())
                                 .join(FrameworkNode, FrameworkNode.id == priority_framework.c.framework_node_id)
                                 .where(FrameworkNode.contract_id == contract_id)
                                 .group_by(priority_framework.c.framework_node_id)).all())
    children: dict[int | None, list] = {}
    for row in nodes.itertuples(index=False):
        parent = None if pd.isna(row.parent_id) else int(row.parent_id)
        children.setdefault(parent, []).append(row)
    ordered = []

    def walk(parent: int | None) -> None:
        for row in children.get(parent, []):
            kids = children.get(int(row.id), [])
            ordered.append({**row._asdict(), "parent_id": parent, "links": links.get(int(row.id), 0),
                            "children": len(kids), "active_children": sum(1 for k in kids if not k.archived)})
            walk(int(row.id))

    walk(None)
    return pd.DataFrame(ordered, columns=[*NODE_COLUMNS, "links", "children", "active_children"])


def list_editable_programmes(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's programmes with their neighbourhood, version and counts of active and archived priorities."""
    active = func.count(Priority.id).filter(Priority.archived.is_(False))
    statement = (
        select(Programme.id, Programme.slug, Programme.kind, Programme.name, Programme.title, Programme.adopted_on,
               Programme.neighbourhood_id, Neighbourhood.name, Programme.version, func.count(Priority.id), active)
        .outerjoin(Neighbourhood, Neighbourhood.id == Programme.neighbourhood_id)
        .outerjoin(Priority, Priority.programme_id == Programme.id)
        .where(Programme.contract_id == contract_id)
        .group_by(Programme.id, Programme.slug, Programme.kind, Programme.name, Programme.title, Programme.adopted_on,
                  Programme.neighbourhood_id, Neighbourhood.name, Programme.version, Programme.position)
        .order_by(Programme.position, Programme.id)
    )
    programmes = frame(session, statement, ["id", "slug", "kind", "name", "title", "adopted_on", "neighbourhood_id",
                                            "neighbourhood_name", "version", "all_priorities", "priorities"])
    programmes["archived_priorities"] = programmes["all_priorities"] - programmes["priorities"]
    return programmes


def list_text_revisions(session: Session, *, priority_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """Each priority's former texts, oldest first: (replaced_on, text, author)."""
    rows = session.execute(select(PriorityTextRevision.priority_id, PriorityTextRevision.replaced_on,
                                  PriorityTextRevision.text, PriorityTextRevision.author)
                           .where(PriorityTextRevision.priority_id.in_(sorted(set(priority_ids))))
                           .order_by(PriorityTextRevision.replaced_at, PriorityTextRevision.id)).all()
    revisions: dict[int, list[tuple]] = {}
    for priority_id, replaced_on, text, author in rows:
        revisions.setdefault(priority_id, []).append((replaced_on, text, author))
    return revisions


def list_editable_priorities(session: Session, *, programme_id: int) -> pd.DataFrame:
    """A programme's priorities, archived ones included, with framework links, former texts and point counts."""
    points = (select(PriorityUpdate.priority_id, func.count().label("points"))
              .group_by(PriorityUpdate.priority_id).subquery())
    priorities = frame(session, select(Priority.id, Priority.heading, Priority.heading_position, Priority.number,
                                       Priority.position, Priority.text, Priority.archived, Priority.version,
                                       func.coalesce(points.c.points, 0))
                       .outerjoin(points, points.c.priority_id == Priority.id)
                       .where(Priority.programme_id == programme_id)
                       .order_by(Priority.heading_position, Priority.position, Priority.id),
                       ["id", "heading", "heading_position", "number", "position", "text", "archived", "version",
                        "points"])
    links = session.execute(select(priority_framework.c.priority_id, FrameworkNode.id, FrameworkNode.code)
                            .join(FrameworkNode, FrameworkNode.id == priority_framework.c.framework_node_id)
                            .join(Priority, Priority.id == priority_framework.c.priority_id)
                            .where(Priority.programme_id == programme_id)
                            .order_by(FrameworkNode.code)).all()
    ids: dict[int, list[int]] = {}
    codes: dict[int, list[str]] = {}
    for priority_id, node_id, code in links:
        ids.setdefault(priority_id, []).append(node_id)
        codes.setdefault(priority_id, []).append(code)
    revisions = list_text_revisions(session, priority_ids=[int(i) for i in priorities["id"]])
    priorities["framework_ids"] = [ids.get(int(i), []) for i in priorities["id"]]
    priorities["framework_codes"] = [codes.get(int(i), []) for i in priorities["id"]]
    priorities["revisions"] = [revisions.get(int(i), []) for i in priorities["id"]]
    return priorities


def list_headings(session: Session, *, programme_id: int) -> list[str]:
    """The programme's headings in order (an empty text for priorities without a heading)."""
    rows = session.execute(select(Priority.heading_position, Priority.heading)
                           .where(Priority.programme_id == programme_id)
                           .order_by(Priority.heading_position, Priority.position)).all()
    return list(dict.fromkeys(heading or "" for _, heading in rows))


def _existing_nodes(session: Session, contract_id: int) -> dict[str, ExistingNode]:
    nodes = session.execute(select(FrameworkNode.id, FrameworkNode.code, FrameworkNode.title,
                                   FrameworkNode.parent_id).where(FrameworkNode.contract_id == contract_id)).all()
    codes = {node_id: code for node_id, code, _, _ in nodes}
    return {code: ExistingNode(node_id, code, title, codes.get(parent_id)) for node_id, code, title, parent_id in nodes}


def check_framework_import(session: Session, *, contract_id: int, filename: str, content: bytes) -> FrameworkPlan:
    """What importing this file into the contract's framework would do, row by row; writes nothing."""
    try:
        table = read_table(filename, content)
    except TableFileError as exc:
        return FrameworkPlan(ImportCheck(file_errors=(str(exc),)))
    return plan_framework(table, _existing_nodes(session, contract_id))


def check_priority_import(session: Session, *, programme_id: int, filename: str, content: bytes) -> PriorityPlan:
    """What importing this file into the programme would do, row by row; writes nothing."""
    try:
        table = read_table(filename, content)
    except TableFileError as exc:
        return PriorityPlan(ImportCheck(file_errors=(str(exc),)))
    programme = session.get(Programme, programme_id)
    numbers = dict(session.execute(select(Priority.number, Priority.text).where(
        Priority.programme_id == programme_id, Priority.archived.is_(False), Priority.number.is_not(None))).all())
    framework = dict(session.execute(select(FrameworkNode.code, FrameworkNode.id).where(
        FrameworkNode.contract_id == programme.contract_id, FrameworkNode.archived.is_(False))).all())
    return plan_priorities(table, numbers=numbers, framework=framework)

"""Reads about priorities and their points d'avancement: latest state, history, roll-ups, the socle commun."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from pilotage.commitments import collective_noun, commitments_text
from pilotage.models import (
    Contract,
    FrameworkNode,
    Meeting,
    Neighbourhood,
    Priority,
    PriorityUpdate,
    Programme,
    priority_framework,
)
from pilotage.progress import COMMENT_FIELDS, ItemState, is_stale, revue_without_points, roll_up
from pilotage.queries.base import frame
from pilotage.queries.programmes import list_text_revisions

POINT_COLUMNS = ["point_id", "recorded_on", "weather", "progress", *COMMENT_FIELDS, "author", "meeting_id",
                 "point_illustrative", "point_note"]
STATE_COLUMNS = ["priority_id", "programme_id", "programme_slug", "programme_name", "programme_kind",
                 "neighbourhood_id", "neighbourhood_slug", "neighbourhood_name", "heading", "heading_position",
                 "number", "position", "text", *POINT_COLUMNS, "meeting_title", "points"]
UNLINKED_KEY = "sans-rattachement"
UNLINKED_LABEL = "Sans rattachement au socle commun"


@dataclass(frozen=True)
class FrameworkMatrix:
    """The matrix columns (socle-commun objectives) and which priority falls in which column."""

    columns: pd.DataFrame  # key, code, label, title, axis_code, axis_title, position
    links: pd.DataFrame  # priority_id, key


def _int_or_none(values) -> list:
    return [None if v is None or v != v else int(v) for v in values]


def _latest_points():
    """Each priority's points ranked newest first, with the count of its points."""
    order = (PriorityUpdate.recorded_on.desc(), PriorityUpdate.id.desc())
    return select(
        PriorityUpdate.priority_id, PriorityUpdate.id, PriorityUpdate.recorded_on, PriorityUpdate.weather,
        PriorityUpdate.progress, PriorityUpdate.difficulties, PriorityUpdate.next_steps, PriorityUpdate.successes,
        PriorityUpdate.author, PriorityUpdate.meeting_id, PriorityUpdate.illustrative, PriorityUpdate.note,
        func.row_number().over(partition_by=PriorityUpdate.priority_id, order_by=order).label("rank"),
        func.count().over(partition_by=PriorityUpdate.priority_id).label("points"),
    ).subquery()


def _staleness(session: Session, contract_id: int) -> tuple[bool, int]:
    """Whether staleness applies (a contract in progress) and its threshold in months."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        return False, 6
    return contract.status == "en_cours", contract.staleness_months or 6


@dataclass(frozen=True)
class ProgrammeRef:
    id: int
    name: str
    kind: str
    contract_id: int
    neighbourhood_id: int | None
    neighbourhood_name: str | None
    source: str | None


def get_programme(session: Session, *, programme_id: int) -> ProgrammeRef | None:
    """A programme's identity and where it belongs (None when it does not exist)."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        return None
    hood = session.get(Neighbourhood, programme.neighbourhood_id) if programme.neighbourhood_id else None
    return ProgrammeRef(programme.id, programme.name, programme.kind, programme.contract_id, programme.neighbourhood_id,
                        hood.name if hood else None, programme.source)


@dataclass(frozen=True)
class NeighbourhoodRef:
    id: int
    name: str
    slug: str
    contract_id: int


def get_neighbourhood(session: Session, *, neighbourhood_id: int) -> NeighbourhoodRef | None:
    """A neighbourhood's name and contract (None when it does not exist)."""
    hood = session.get(Neighbourhood, neighbourhood_id)
    return NeighbourhoodRef(hood.id, hood.name, hood.slug, hood.contract_id) if hood else None


def _framework_labels(session: Session, contract_id: int) -> dict[int, list[str]]:
    rows = session.execute(
        select(priority_framework.c.priority_id, FrameworkNode.code, FrameworkNode.title)
        .join(FrameworkNode, FrameworkNode.id == priority_framework.c.framework_node_id)
        .where(FrameworkNode.contract_id == contract_id)
        .order_by(FrameworkNode.code)
    ).all()
    labels: dict[int, list[str]] = {}
    for priority_id, code, title in rows:
        labels.setdefault(priority_id, []).append(f"{code} {title}")
    return labels


def list_priority_states(session: Session, *, contract_id: int, today: dt.date, neighbourhood_id: int | None = None,
                         programme_id: int | None = None) -> pd.DataFrame:
    """Every priority of the contract with its latest point, its number of points and whether it is stale."""
    latest = _latest_points()
    c = latest.c
    statement = (
        select(Priority.id, Programme.id, Programme.slug, Programme.name, Programme.kind, Programme.neighbourhood_id,
               Neighbourhood.slug, Neighbourhood.name, Priority.heading, Priority.heading_position, Priority.number,
               Priority.position, Priority.text, c.id, c.recorded_on, c.weather, c.progress, c.difficulties,
               c.next_steps, c.successes, c.author, c.meeting_id, c.illustrative, c.note, Meeting.title,
               func.coalesce(c.points, 0))
        .join(Programme, Programme.id == Priority.programme_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Programme.neighbourhood_id)
        .outerjoin(latest, and_(c.priority_id == Priority.id, c.rank == 1))
        .outerjoin(Meeting, Meeting.id == c.meeting_id)
        .where(Programme.contract_id == contract_id, Priority.archived.is_(False))
        .order_by(Neighbourhood.position, Programme.position, Priority.heading_position, Priority.position)
    )
    if neighbourhood_id is not None:
        statement = statement.where(Programme.neighbourhood_id == neighbourhood_id)
    if programme_id is not None:
        statement = statement.where(Programme.id == programme_id)
    states = frame(session, statement, STATE_COLUMNS)
    applies, months = _staleness(session, contract_id)
    states["progress"] = pd.Series(_int_or_none(states["progress"]), index=states.index, dtype=object)
    states["point_id"] = pd.Series(_int_or_none(states["point_id"]), index=states.index, dtype=object)
    states["stale"] = [applies and is_stale(day, today, months) for day in states["recorded_on"]]
    states["stale_months"] = pd.Series([months if applies else None] * len(states), index=states.index, dtype=object)
    states["point_illustrative"] = states["point_illustrative"].fillna(False).astype(bool)
    framework = _framework_labels(session, contract_id)
    states["framework"] = [framework.get(int(pid), []) for pid in states["priority_id"]]
    revisions = list_text_revisions(session, priority_ids=[int(pid) for pid in states["priority_id"]])
    states["revisions"] = [revisions.get(int(pid), []) for pid in states["priority_id"]]
    return states


def list_points(session: Session, *, contract_id: int, neighbourhood_id: int | None = None,
                programme_id: int | None = None, priority_id: int | None = None) -> pd.DataFrame:
    """Points d'avancement, oldest first (ties by order of recording), with the meeting they were taken at."""
    statement = (
        select(PriorityUpdate.priority_id, PriorityUpdate.id, PriorityUpdate.recorded_on, PriorityUpdate.weather,
               PriorityUpdate.progress, PriorityUpdate.difficulties, PriorityUpdate.next_steps,
               PriorityUpdate.successes, PriorityUpdate.author, PriorityUpdate.meeting_id,
               PriorityUpdate.illustrative, PriorityUpdate.note, Meeting.title, Programme.neighbourhood_id,
               Programme.id)
        .join(Priority, Priority.id == PriorityUpdate.priority_id)
        .join(Programme, Programme.id == Priority.programme_id)
        .outerjoin(Meeting, Meeting.id == PriorityUpdate.meeting_id)
        .where(Programme.contract_id == contract_id)
        .order_by(PriorityUpdate.recorded_on, PriorityUpdate.id)
    )
    for column, value in ((Programme.neighbourhood_id, neighbourhood_id), (Programme.id, programme_id),
                          (Priority.id, priority_id)):
        if value is not None:
            statement = statement.where(column == value)
    points = frame(session, statement, ["priority_id", *POINT_COLUMNS, "meeting_title", "neighbourhood_id",
                                        "programme_id"])
    points["progress"] = pd.Series(_int_or_none(points["progress"]), index=points.index, dtype=object)
    return points


def _ancestor_at_depth(node_id: int, parents: dict[int, int | None], depths: dict[int, int], depth: int) -> int:
    while depths[node_id] > depth:
        node_id = parents[node_id]
    return node_id


def get_framework_matrix(session: Session, *, contract_id: int) -> FrameworkMatrix:
    """Matrix columns: depth-1 objectives, an 'objectif non précisé' column per axis linked directly, and none."""
    nodes = frame(session, select(FrameworkNode.id, FrameworkNode.parent_id, FrameworkNode.depth, FrameworkNode.code,
                                  FrameworkNode.title, FrameworkNode.position, FrameworkNode.archived)
                  .where(FrameworkNode.contract_id == contract_id)
                  .order_by(FrameworkNode.depth, FrameworkNode.position),
                  ["id", "parent_id", "depth", "code", "title", "position", "archived"])
    parents = {int(r.id): (None if r.parent_id != r.parent_id or r.parent_id is None else int(r.parent_id))
               for r in nodes.itertuples()}
    depths = {int(r.id): int(r.depth) for r in nodes.itertuples()}
    by_id = {int(r.id): r for r in nodes.itertuples()}
    linked = session.execute(
        select(priority_framework.c.priority_id, priority_framework.c.framework_node_id)
        .join(Priority, Priority.id == priority_framework.c.priority_id)
        .join(Programme, Programme.id == Priority.programme_id)
        .where(Programme.contract_id == contract_id, Priority.archived.is_(False))
    ).all()
    links, axis_only = [], set()
    for priority_id, node_id in linked:
        if depths[node_id] == 0:
            axis_only.add(node_id)
            links.append((priority_id, f"axe-{by_id[node_id].code}"))
        else:
            links.append((priority_id, f"objectif-{by_id[_ancestor_at_depth(node_id, parents, depths, 1)].code}"))
    columns = []
    used = {key for _, key in links}
    shown = [r for r in nodes.itertuples() if not r.archived or f"objectif-{r.code}" in used or r.depth == 0]
    for axis in (r for r in shown if r.depth == 0):
        for objective in (r for r in shown if r.depth == 1 and parents[int(r.id)] == axis.id):
            columns.append((f"objectif-{objective.code}", objective.code, objective.code, objective.title,
                            axis.code, axis.title))
        if axis.id in axis_only:
            columns.append((f"axe-{axis.code}", axis.code, f"Axe {axis.code}, objectif non précisé",
                            f"{axis.title} (la priorité est rattachée à l'axe, sans objectif précisé)",
                            axis.code, axis.title))
    columns.append((UNLINKED_KEY, None, UNLINKED_LABEL, UNLINKED_LABEL, None, None))
    column_frame = pd.DataFrame(columns, columns=["key", "code", "label", "title", "axis_code", "axis_title"])
    column_frame["position"] = range(len(column_frame))
    link_frame = pd.DataFrame(sorted(set(links)), columns=["priority_id", "key"])
    return FrameworkMatrix(columns=column_frame, links=link_frame)


def list_neighbourhood_states(session: Session, *, contract_id: int, today: dt.date) -> pd.DataFrame:
    """Per neighbourhood: the roll-up of its priorities and whether its last held revue produced no point."""
    states = list_priority_states(session, contract_id=contract_id, today=today)
    revues = frame(session, select(Meeting.neighbourhood_id, Meeting.id, Meeting.date)
                   .where(Meeting.contract_id == contract_id, Meeting.kind == "revue_projet",
                          Meeting.status == "tenue", Meeting.date <= today, Meeting.neighbourhood_id.is_not(None))
                   .order_by(Meeting.date, Meeting.id),
                   ["neighbourhood_id", "meeting_id", "date"])
    last_revue = {int(r.neighbourhood_id): (r.date, int(r.meeting_id)) for r in revues.itertuples()}
    points = list_points(session, contract_id=contract_id)
    hoods = frame(session, select(Neighbourhood.id, Neighbourhood.name).where(Neighbourhood.contract_id == contract_id,
                                                                              Neighbourhood.archived.is_(False))
                  .order_by(Neighbourhood.position, Neighbourhood.name), ["neighbourhood_id", "name"])
    applies, months = _staleness(session, contract_id)
    rows = []
    for hood in hoods.itertuples():
        mine = states[states["neighbourhood_id"] == hood.neighbourhood_id]
        rolled = roll_up(ItemState(r.weather, r.progress, r.stale) for r in mine.itertuples())
        kinds = mine["programme_kind"].value_counts().to_dict()
        noun = collective_noun(set(kinds))
        summary = rolled.summary(noun, stale_months=months if applies else None)
        revue_on, revue_id = last_revue.get(int(hood.neighbourhood_id), (None, None))
        own_points = points[points["neighbourhood_id"] == hood.neighbourhood_id]
        silent = revue_without_points(revue_on, revue_id, zip(own_points["recorded_on"], own_points["meeting_id"],
                                                              strict=True))
        rows.append((int(hood.neighbourhood_id), hood.name, rolled.total, rolled.assessed, rolled.stale,
                     rolled.weather, rolled.counts, summary, revue_on, silent, commitments_text(kinds),
                     bool(mine["point_illustrative"].any()), noun, months if applies else None))
    return pd.DataFrame(rows, columns=["neighbourhood_id", "name", "total", "assessed", "stale", "weather", "counts",
                                       "summary", "last_revue_on", "revue_without_points", "composition",
                                       "illustrative", "noun", "stale_months"])


def list_programmes(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's programmes with their neighbourhood (None for a programme of the whole contract)."""
    statement = (
        select(Programme.id, Programme.slug, Programme.name, Programme.kind, Programme.neighbourhood_id,
               Neighbourhood.name, func.count(Priority.id))
        .outerjoin(Neighbourhood, Neighbourhood.id == Programme.neighbourhood_id)
        .outerjoin(Priority, and_(Priority.programme_id == Programme.id, Priority.archived.is_(False)))
        .where(Programme.contract_id == contract_id)
        .group_by(Programme.id, Programme.slug, Programme.name, Programme.kind, Programme.neighbourhood_id,
                  Neighbourhood.name, Programme.position)
        .order_by(Programme.position)
    )
    return frame(session, statement, ["id", "slug", "name", "kind", "neighbourhood_id", "neighbourhood_name",
                                       "priorities"])


def list_point_meetings(session: Session, *, contract_id: int, neighbourhood_id: int | None = None,
                        programme_id: int | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Held meetings a point may be recorded at: the neighbourhood's or the programme's, newest first."""
    scope = []
    if neighbourhood_id is not None:
        scope.append(Meeting.neighbourhood_id == neighbourhood_id)
    if programme_id is not None:
        scope.append(Meeting.programme_id == programme_id)
    statement = (
        select(Meeting.id, Meeting.date, Meeting.kind, Meeting.title)
        .where(Meeting.contract_id == contract_id, Meeting.status == "tenue", or_(*scope) if scope else true())
        .order_by(Meeting.date.desc(), Meeting.id.desc())
        .limit(30)
    )
    if today is not None:
        statement = statement.where(Meeting.date <= today)
    return frame(session, statement, ["id", "date", "kind", "title"])

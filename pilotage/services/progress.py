"""Writes of points d'avancement: one point, a whole neighbourhood after its revue, an imported update sheet."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from pilotage import audit, clock
from pilotage.errors import CONFLICT_MESSAGE, ConflictError, NotFound, ValidationError
from pilotage.models import Meeting, Priority, PriorityUpdate
from pilotage.permissions import EDIT, Actor
from pilotage.progress import WEATHER_LABELS, PointInput, clean_text, priority_label, validate_point
from pilotage.progress_sheet import SheetReport
from pilotage.queries.progress_sheet import check_progress_sheet, get_sheet_scope
from pilotage.services.base import ensure_permission, run_write

NO_CHANGE_MESSAGE = "Aucun changement : rien n'a été enregistré."


def _priorities(session: Session, ids: Sequence[int]) -> dict[int, Priority]:
    found = session.scalars(select(Priority).options(selectinload(Priority.programme))
                            .where(Priority.id.in_(sorted(set(ids))))).all()
    priorities = {p.id: p for p in found}
    missing = sorted(set(ids) - set(priorities))
    if missing:
        raise NotFound(f"Priorité introuvable (n° {missing[0]}) : elle a peut-être été supprimée.")
    return priorities


class Latest(NamedTuple):
    """What a priority's points looked like when the write was checked."""

    point_id: int | None
    recorded_on: dt.date | None
    sequence: int  # of the last point; 0 when there is none


def _latest(session: Session, ids: Sequence[int]) -> dict[int, Latest]:
    """Each priority's latest point and highest sequence, read in one statement (one consistent view)."""
    ranked = select(
        PriorityUpdate.priority_id, PriorityUpdate.id, PriorityUpdate.recorded_on,
        func.row_number().over(partition_by=PriorityUpdate.priority_id,
                               order_by=(PriorityUpdate.recorded_on.desc(), PriorityUpdate.id.desc())).label("rank"),
        func.max(PriorityUpdate.sequence).over(partition_by=PriorityUpdate.priority_id).label("last_sequence"),
    ).where(PriorityUpdate.priority_id.in_(sorted(set(ids)))).subquery()
    rows = session.execute(select(ranked.c.priority_id, ranked.c.id, ranked.c.recorded_on, ranked.c.last_sequence)
                           .where(ranked.c.rank == 1)).all()
    found = {priority_id: Latest(point_id, day, sequence) for priority_id, point_id, day, sequence in rows}
    return {priority_id: found.get(priority_id, Latest(None, None, 0)) for priority_id in ids}


def _label(priority: Priority) -> str:
    return priority_label(priority.number, priority.position, priority.text, priority.programme.kind)


def _check_meeting(session: Session, meeting_id: int | None, contract_id: int) -> str | None:
    if meeting_id is None:
        return None
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.contract_id != contract_id:
        return "L'instance choisie n'existe pas dans ce contrat."
    return None


def _validate(session: Session, points: Sequence[PointInput], priorities: dict[int, Priority], today: dt.date,
              expected_latest: Mapping[int, int | None] | None) -> dict[int, int]:
    """Check every point; return the sequence number each one takes."""
    latest = _latest(session, [p.priority_id for p in points])
    if len({p.priority_id for p in points}) != len(points):
        raise ValidationError("Une même priorité figure deux fois : un seul point par priorité à la fois.")
    errors = []
    for point in points:
        priority = priorities[point.priority_id]
        last = latest[point.priority_id]
        if expected_latest is not None and point.priority_id in expected_latest \
                and expected_latest[point.priority_id] != last.point_id:
            raise ConflictError(_meanwhile(priority))
        messages = validate_point(point, last_on=last.recorded_on, today=today)
        if priority.archived:
            messages.append("Cette priorité est archivée : elle ne reçoit plus de point d'avancement.")
        meeting_error = _check_meeting(session, point.meeting_id, priority.programme.contract_id)
        messages += [meeting_error] if meeting_error else []
        errors += [f"{_label(priority)} : {message}" for message in messages]
    if errors:
        raise ValidationError("Rien n'a été enregistré. " + " ".join(errors))
    return {priority_id: last.sequence + 1 for priority_id, last in latest.items()}


def _meanwhile(priority: Priority) -> str:
    return f"{_label(priority)} : un autre point a été enregistré entre-temps. " + CONFLICT_MESSAGE


def _summary(priority: Priority, row: PriorityUpdate) -> str:
    progress = f", {row.progress} %" if row.progress is not None else ""
    return (f"Point d'avancement — {priority.programme.name}, {_label(priority)} : "
            f"{WEATHER_LABELS[row.weather]}{progress}")


def _insert(session: Session, actor: Actor, points: Sequence[PointInput], priorities: dict[int, Priority],
            sequences: Mapping[int, int]) -> list[int]:
    """Add the points; a sequence number taken meanwhile by another writer is a conflict."""
    created = []
    for point in points:
        values = dataclasses.asdict(point)
        for name in ("difficulties", "next_steps", "successes", "author"):
            values[name] = clean_text(values[name])
        row = PriorityUpdate(**values, sequence=sequences[point.priority_id], created_by_id=actor.id,
                             illustrative=False)
        session.add(row)
        message = _meanwhile(priorities[point.priority_id])  # before the flush: a failed one voids the session
        try:
            session.flush()
        except IntegrityError as exc:
            raise ConflictError(message) from exc
        audit.record(session, actor, "create", "priority_update", row.id, _summary(priorities[point.priority_id], row),
                     after=audit.snapshot(row))
        created.append(row.id)
    return created


def record_points(session: Session, actor: Actor, points: Sequence[PointInput], *, today: dt.date | None = None,
                  expected_latest: Mapping[int, int | None] | None = None) -> list[int]:
    """Record points d'avancement in one transaction: all of them, or none; return their ids.

    `expected_latest` maps a priority to the id of the latest point the user saw (None: none): if
    another point was recorded since, nothing is written (ConflictError).
    """
    if not points:
        raise ValidationError(NO_CHANGE_MESSAGE)
    priorities = _priorities(session, [p.priority_id for p in points])
    for neighbourhood_id in {p.programme.neighbourhood_id for p in priorities.values()}:
        ensure_permission(actor, EDIT, neighbourhood_id)
    sequences = _validate(session, points, priorities, today or clock.today(), expected_latest)
    return run_write(session, lambda: _insert(session, actor, points, priorities, sequences))


def record_point(session: Session, actor: Actor, point: PointInput, *, today: dt.date | None = None,
                 expected_latest: Mapping[int, int | None] | None = None) -> int:
    """Record one point d'avancement; return its id (`expected_latest` as for record_points)."""
    return record_points(session, actor, [point], today=today, expected_latest=expected_latest)[0]


def import_progress_sheet(session: Session, actor: Actor, *, scope_kind: str, scope_id: int, content: bytes,
                          today: dt.date | None = None) -> SheetReport:
    """Import a filled update sheet: every row checked, and nothing written unless all rows are valid."""
    today = today or clock.today()
    scope = get_sheet_scope(session, scope_kind=scope_kind, scope_id=scope_id, today=today)
    ensure_permission(actor, EDIT, scope.neighbourhood_id)
    report = check_progress_sheet(session, scope_kind=scope_kind, scope_id=scope_id, content=content, today=today,
                                  author=actor.display_name)
    if not report.ok or not report.points:
        return report
    points = report.points
    priorities = _priorities(session, [p.priority_id for p in points])
    sequences = _validate(session, points, priorities, today, None)

    def write() -> int:
        ids = _insert(session, actor, points, priorities, sequences)
        audit.record(session, actor, "import", "priority_update", None,
                     f"Import d'une fiche de mise à jour ({scope.label}) : {len(ids)} point(s) d'avancement",
                     after={"points": ids})
        return len(ids)

    return dataclasses.replace(report, written=run_write(session, write))


"""The audit trail and the data version, written in the same transaction as every change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from pilotage import clock
from pilotage.models import AuditEvent, DataVersion
from pilotage.permissions import Actor

SNAPSHOT_EXCLUDED = {"password_hash"}


def now() -> dt.datetime:
    return clock.now()


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of an ORM object as JSON-friendly data (secrets left out)."""
    values = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in SNAPSHOT_EXCLUDED:
            continue
        value = getattr(obj, attr.key)
        if isinstance(value, dt.date | dt.datetime | dt.time):
            value = value.isoformat()
        elif isinstance(value, dict):
            value = "(géométrie)" if "coordinates" in value or "type" in value else value
        values[attr.key] = value
    return values


def bump_data_version(session: Session) -> None:
    """Tell every cache, in every replica, that the data changed."""
    result = session.execute(update(DataVersion).where(DataVersion.id == 1).values(value=DataVersion.value + 1))
    if result.rowcount == 0:
        session.add(DataVersion(id=1, value=1))


def get_data_version(session: Session) -> int:
    """The current data version (0 before any write)."""
    return session.scalar(select(DataVersion.value).where(DataVersion.id == 1)) or 0


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    obj_type: str,
    obj_id: int | None,
    summary: str,
    before: dict | None = None,
    after: dict | None = None,
    bump: bool = True,
) -> None:
    """Add one audit row and bump the data version (unless the change touches no data a page shows, such as a
    sign-in: every cache of every replica would reload for nothing); the caller commits."""
    session.add(
        AuditEvent(
            at=now(),
            user_id=actor.id if actor else None,
            username=actor.username if actor else "système",
            action=action,
            object_type=obj_type,
            object_id=obj_id,
            summary=summary,
            before=before,
            after=after,
        )
    )
    if bump:
        bump_data_version(session)

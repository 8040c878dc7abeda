"""Reads about accounts and the audit journal."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import access, clock
from pilotage.access_models import UserSession
from pilotage.models import AuditEvent, Neighbourhood, User, user_neighbourhood
from pilotage.passwords import verify_password
from pilotage.permissions import Actor
from pilotage.queries.base import frame


def actor_of(user: User) -> Actor:
    """The Actor of an account row (its rights as the domain sees them)."""
    return Actor(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                 all_neighbourhoods=user.all_neighbourhoods, active=user.active,
                 neighbourhood_ids=frozenset(n.id for n in user.neighbourhoods))


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    """The active account matching these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        return None
    return actor_of(user)


def get_actor(session: Session, user_id: int) -> Actor | None:
    """The account's current rights (None once it is disabled or gone)."""
    user = session.get(User, user_id)
    return actor_of(user) if user is not None and user.active else None


def list_users(session: Session) -> pd.DataFrame:
    """Accounts with their scope as neighbourhood ids and names."""
    users = list(session.scalars(select(User).order_by(User.username)))
    scopes = session.execute(
        select(user_neighbourhood.c.user_id, Neighbourhood.id, Neighbourhood.name)
        .join(Neighbourhood, Neighbourhood.id == user_neighbourhood.c.neighbourhood_id)
    ).all()
    rows = []
    for user in users:
        mine = [(nid, name) for uid, nid, name in scopes if uid == user.id]
        rows.append({
            "id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
            "role": user.role,
            "active": user.active, "all_neighbourhoods": user.all_neighbourhoods, "version": user.version,
            "neighbourhood_ids": sorted(nid for nid, _ in mine),
            "neighbourhoods": ", ".join(sorted(name for _, name in mine)),
        })
    columns = ["id", "username", "display_name", "email", "role", "active", "all_neighbourhoods", "version",
               "neighbourhood_ids", "neighbourhoods"]
    return pd.DataFrame(rows, columns=columns)


def list_audit_events(
    session: Session,
    *,
    username: str | None = None,
    object_type: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The audit journal, newest first, filtered by person, object type and dates (inclusive)."""
    statement = select(AuditEvent.at, AuditEvent.username, AuditEvent.action, AuditEvent.object_type,
                       AuditEvent.object_id, AuditEvent.summary, AuditEvent.before, AuditEvent.after)
    if username:
        statement = statement.where(AuditEvent.username == username)
    if object_type:
        statement = statement.where(AuditEvent.object_type == object_type)
    if since:
        statement = statement.where(AuditEvent.at >= _paris_midnight(since))
    if until:
        statement = statement.where(AuditEvent.at < _paris_midnight(until + dt.timedelta(days=1)))
    statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return frame(session, statement, ["at", "username", "action", "object_type", "object_id", "summary",
                                       "before", "after"])


def _paris_midnight(day: dt.date) -> dt.datetime:
    """The instant a day starts in Paris, in UTC as audit times are stored (days are the user's days)."""
    return dt.datetime.combine(day, dt.time.min, clock.PARIS).astimezone(dt.UTC)


def list_audit_facets(session: Session) -> tuple[list[str], list[str]]:
    """The people and object types present in the journal, for its filters."""
    people = list(session.scalars(select(AuditEvent.username).distinct().order_by(AuditEvent.username)))
    types = list(session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))
    return people, types


def landing_path(session: Session, *, user_id: int) -> str:
    """Where an account starts after signing in: the first of its neighbourhoods when it follows or edits only a
    few (a deputy mayor, a neighbourhood's contributor), else the overview."""
    user = session.get(User, user_id)
    if user is None or user.all_neighbourhoods or user.role == "administrateur" or not user.neighbourhoods:
        return "/"
    first = min(user.neighbourhoods, key=lambda n: (n.contract.position, n.position, n.name))
    section = "projet" if user.role == "contributeur" else "portrait"
    return f"/quartier?contrat={first.contract.slug}&q={first.slug}&section={section}"


def count_open_sessions(session: Session, *, user_id: int) -> int:
    """How many sessions of this account are open (not ended, not past their end, not idle too long)."""
    now = clock.now()
    return session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now,
        UserSession.last_seen_at > now - access.IDLE_TIMEOUT)) or 0

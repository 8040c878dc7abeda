"""The shared steps of every write: the right, the version check, the single commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pilotage import audit
from pilotage.errors import CONFLICT_MESSAGE, ConflictError, NotFound, PermissionDenied
from pilotage.permissions import ADMIN, EDIT, Actor, can

T = TypeVar("T")

DENIED_MESSAGES = {
    EDIT: "Vous n'avez pas le droit de modifier les données de ce quartier.",
    ADMIN: "Cette action est réservée aux administrateurs.",
}


def ensure_permission(actor: Actor | None, action: str, neighbourhood_id: int | None = None) -> None:
    """Raise PermissionDenied (in French) unless `actor` may do `action`."""
    if not can(actor, action, neighbourhood_id):
        raise PermissionDenied(DENIED_MESSAGES.get(action, "Action non autorisée."))


def get_or_fail(session: Session, model: type[T], obj_id: int, label: str) -> T:
    """The row `obj_id` of `model`, or NotFound naming it in French."""
    obj = session.get(model, obj_id)
    if obj is None:
        raise NotFound(f"{label} introuvable (n° {obj_id}) : il a peut-être été supprimé.")
    return obj


def ensure_version(obj: Any, expected_version: int) -> None:
    """Refuse to write over a row that changed since the user read it."""
    if obj.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)


def commit(session: Session) -> None:
    """Commit once; a concurrent update caught by the version column becomes a ConflictError."""
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(CONFLICT_MESSAGE) from exc


def run_write(session: Session, write: Callable[[], T]) -> T:
    """Run `write` and commit; on any error roll back so that nothing is half-written.

    The version check of a concurrent writer may fire at any flush inside `write`, not only at the commit:
    wherever it fires, the user gets the conflict message.
    """
    try:
        result = write()
        commit(session)
        return result
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(CONFLICT_MESSAGE) from exc
    except Exception:
        session.rollback()
        raise


def write_archived(session: Session, actor: Actor, obj: Any, *, archived: bool, entity: str, summary: str,
                   snapshot: Callable[[Any], dict] = audit.snapshot) -> None:
    """Archive `obj` (it leaves lists and counts, its history stays) or restore it: one write, one audit row."""
    before = snapshot(obj)

    def write() -> None:
        obj.archived = archived
        session.flush()
        audit.record(session, actor, "archive" if archived else "restore", entity, obj.id, summary, before=before,
                     after=snapshot(obj))

    run_write(session, write)

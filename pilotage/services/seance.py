"""Writes of the mode séance: a meeting's running order (live capture goes through the governance and progress
services, like everywhere else)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from pilotage import audit
from pilotage.errors import ValidationError
from pilotage.formats import format_date
from pilotage.models import Meeting
from pilotage.permissions import EDIT, Actor
from pilotage.seance import (
    STEP_TITLES,
    OrderEntry,
    is_default,
    order_from_json,
    order_to_json,
    seance_format,
    validate_order,
)
from pilotage.services.base import ensure_permission, ensure_version, get_or_fail, run_write


def _describe(order: Sequence[OrderEntry]) -> str:
    return ", ".join(STEP_TITLES[e.step] + ("" if e.visible else " (masquée)") for e in order)


def set_running_order(session: Session, actor: Actor, meeting_id: int, *, expected_version: int,
                      order: Sequence[OrderEntry] | None) -> None:
    """Store the order and visibility of a meeting's séance steps (None: back to the default order)."""
    meeting = get_or_fail(session, Meeting, meeting_id, "Instance")
    ensure_permission(actor, EDIT, meeting.neighbourhood_id)
    ensure_version(meeting, expected_version)
    fmt = seance_format(meeting.neighbourhood_id)
    if order is not None:
        errors = validate_order(order, fmt)
        if errors:
            raise ValidationError("Déroulé non enregistré. " + " ".join(errors))
    stored = None if order is None or is_default(order, fmt) else order_to_json(order)
    before = {"running_order": meeting.running_order}
    if stored == meeting.running_order:
        raise ValidationError("Aucun changement : le déroulé est déjà celui-ci.")

    def write() -> None:
        meeting.running_order = stored
        session.flush()
        shown = _describe(order_from_json(stored, fmt))
        audit.record(session, actor, "update", "meeting", meeting.id,
                     f"Déroulé de la séance « {meeting.title} » du {format_date(meeting.date)} : {shown}",
                     before=before, after={"running_order": stored})

    run_write(session, write)

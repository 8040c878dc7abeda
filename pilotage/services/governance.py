"""Writes about governance: meetings, attendance, agenda items, decisions and their follow-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage import audit, clock, followups
from pilotage.errors import CONFLICT_MESSAGE, ConflictError, PermissionDenied, ValidationError
from pilotage.formats import MEETING_KIND_LABELS, MEETING_STATUS_LABELS, format_date
from pilotage.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Neighbourhood,
    Organisation,
    Person,
    Priority,
    Programme,
    agenda_item_decision,
)
from pilotage.permissions import EDIT, Actor, can
from pilotage.services.base import DENIED_MESSAGES, ensure_permission, ensure_version, get_or_fail, run_write

MEETING_KINDS = tuple(MEETING_KIND_LABELS)
MEETING_STATUSES = tuple(MEETING_STATUS_LABELS)
KINDS_WITH_NEIGHBOURHOOD = ("revue_projet",)
EARLIEST_YEAR = 2000


def _text(value: str | None, label: str, required: bool = False, limit: int | None = None) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{label} : ce champ est obligatoire.")
    if limit and len(value) > limit:
        raise ValidationError(f"{label} : {limit} caractères au plus.")
    return value or None


def _check_date(date: dt.date | None, label: str = "Date") -> dt.date:
    if not isinstance(date, dt.date):
        raise ValidationError(f"{label} : ce champ est obligatoire.")
    if not EARLIEST_YEAR <= date.year <= clock.today().year + 10:
        raise ValidationError(f"{label} : {format_date(date)} est hors des années possibles.")
    return date


def _scope(session: Session, contract_id: int, neighbourhood_id: int | None,
           programme_id: int | None) -> tuple[int | None, int | None]:
    """The meeting's (neighbourhood, programme); a programme brings its own neighbourhood."""
    if programme_id is not None:
        programme = session.get(Programme, programme_id)
        if programme is None or programme.contract_id != contract_id:
            raise ValidationError("Le programme choisi n'appartient pas à ce contrat.")
        if neighbourhood_id is not None and programme.neighbourhood_id not in (None, neighbourhood_id):
            raise ValidationError("Le programme choisi concerne un autre quartier.")
        neighbourhood_id = programme.neighbourhood_id or neighbourhood_id
    if neighbourhood_id is not None:
        hood = session.get(Neighbourhood, neighbourhood_id)
        if hood is None or hood.contract_id != contract_id:
            raise ValidationError("Le quartier choisi n'appartient pas à ce contrat.")
    return neighbourhood_id, programme_id


def _check_status(status: str, date: dt.date) -> None:
    if status not in MEETING_STATUSES:
        raise ValidationError(f"Statut inconnu : {status}.")
    if status == "tenue" and date > clock.today():
        raise ValidationError("Une instance dont la date n'est pas encore passée ne peut pas être « tenue ».")


def _meeting_for_edit(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, once the actor's right on its neighbourhood (or on the whole contract) is checked."""
    meeting = get_or_fail(session, Meeting, meeting_id, "Instance")
    ensure_permission(actor, EDIT, meeting.neighbourhood_id)
    return meeting


def _label(meeting: Meeting) -> str:
    return f"« {meeting.title} » du {format_date(meeting.date)}"


def create_meeting(session: Session, actor: Actor, *, contract_id: int, kind: str, title: str, date: dt.date,
                   start_time: dt.time | None = None, place: str | None = None, chairs: str | None = None,
                   status: str = "prevue", neighbourhood_id: int | None = None, programme_id: int | None = None,
                   replaces_id: int | None = None) -> int:
    """Create a meeting (contract-wide meetings need a contract-wide right); return its id."""
    neighbourhood_id, programme_id = _scope(session, contract_id, neighbourhood_id, programme_id)
    ensure_permission(actor, EDIT, neighbourhood_id)
    if kind not in MEETING_KINDS:
        raise ValidationError(f"Type d'instance inconnu : {kind}.")
    _check_status(status, _check_date(date))
    if kind in KINDS_WITH_NEIGHBOURHOOD and neighbourhood_id is None:
        raise ValidationError("Une revue de projet concerne un quartier : choisissez-le.")
    meeting = Meeting(contract_id=contract_id, kind=kind, title=_text(title, "Intitulé", True, 300),
                      date=_check_date(date), start_time=start_time, place=_text(place, "Lieu", limit=300),
                      chairs=_text(chairs, "Présidence"), status=status, neighbourhood_id=neighbourhood_id,
                      programme_id=programme_id, replaces_id=replaces_id)

    def write() -> int:
        session.add(meeting)
        session.flush()
        audit.record(session, actor, "create", "meeting", meeting.id, f"Création de l'instance {_label(meeting)}",
                     after=audit.snapshot(meeting))
        return meeting.id

    return run_write(session, write)


def update_meeting(session: Session, actor: Actor, meeting_id: int, *, expected_version: int, title: str,
                   date: dt.date, start_time: dt.time | None, place: str | None, chairs: str | None,
                   status: str, minutes: str | None) -> None:
    """Change a meeting's header, status or minutes (use postpone_meeting to move it to a new date)."""
    meeting = _meeting_for_edit(session, actor, meeting_id)
    ensure_version(meeting, expected_version)
    _check_status(status, _check_date(date))
    values = {"title": _text(title, "Intitulé", True, 300), "date": _check_date(date), "start_time": start_time,
              "place": _text(place, "Lieu", limit=300), "chairs": _text(chairs, "Présidence"), "status": status,
              "minutes": _text(minutes, "Compte rendu")}
    before = audit.snapshot(meeting)

    def write() -> None:
        for key, value in values.items():
            setattr(meeting, key, value)
        session.flush()
        audit.record(session, actor, "update", "meeting", meeting.id, f"Modification de l'instance {_label(meeting)}",
                     before=before, after=audit.snapshot(meeting))

    run_write(session, write)


def postpone_meeting(session: Session, actor: Actor, meeting_id: int, *, expected_version: int, new_date: dt.date,
                     new_time: dt.time | None = None) -> int:
    """Mark a meeting "reportée" and create the meeting that holds it at the new date, with its agenda and
    invitations; return the new meeting's id."""
    meeting = _meeting_for_edit(session, actor, meeting_id)
    ensure_version(meeting, expected_version)
    if meeting.status not in ("prevue", "reportee"):
        raise ValidationError("Seule une instance prévue peut être reportée.")
    if _check_date(new_date, "Nouvelle date") == meeting.date:
        raise ValidationError("La nouvelle date doit être différente de la date prévue.")
    if session.scalar(select(Meeting.id).where(Meeting.replaces_id == meeting.id)):
        raise ValidationError("Cette instance a déjà été reportée à une nouvelle date.")
    before = audit.snapshot(meeting)
    copy = Meeting(contract_id=meeting.contract_id, kind=meeting.kind, title=meeting.title, date=new_date,
                   start_time=new_time, place=meeting.place, chairs=meeting.chairs, status="prevue",
                   neighbourhood_id=meeting.neighbourhood_id, programme_id=meeting.programme_id,
                   replaces_id=meeting.id)

    def write() -> int:
        meeting.status = "reportee"
        session.add(copy)
        session.flush()
        _copy_children(session, meeting.id, copy.id)
        audit.record(session, actor, "update", "meeting", meeting.id,
                     f"Report de l'instance {_label(meeting)} au {format_date(new_date)}",
                     before=before, after=audit.snapshot(meeting))
        audit.record(session, actor, "create", "meeting", copy.id, f"Création de l'instance {_label(copy)} "
                     f"(report de celle du {format_date(meeting.date)})", after=audit.snapshot(copy))
        return copy.id

    return run_write(session, write)


def _copy_children(session: Session, source_id: int, target_id: int) -> None:
    for item in session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == source_id)):
        session.add(AgendaItem(meeting_id=target_id, position=item.position, section=item.section, title=item.title,
                               neighbourhood_id=item.neighbourhood_id, priority_id=item.priority_id,
                               notes=item.notes))
    for row in session.scalars(select(Attendance).where(Attendance.meeting_id == source_id, Attendance.invited)):
        session.add(Attendance(meeting_id=target_id, organisation_id=row.organisation_id, person_id=row.person_id,
                               invited=True, present=None))


def record_attendance(session: Session, actor: Actor, meeting_id: int, *,
                      entries: Mapping[int, tuple[bool, bool | None]], expected_versions: Mapping[int, int]) -> None:
    """Set, per organisation, whether it was invited and present; `expected_versions` maps the organisation
    of each row read to that row's version (an organisation left out of `entries` keeps its row)."""
    meeting = _meeting_for_edit(session, actor, meeting_id)
    rows = {r.organisation_id: r for r in session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.person_id.is_(None)))}
    for organisation_id, row in rows.items():
        ensure_version(row, expected_versions.get(organisation_id, -1))
    if set(expected_versions) - set(rows):
        raise ConflictError(CONFLICT_MESSAGE)  # a row the user read was removed meanwhile
    known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(list(entries)))))
    if set(entries) - known:
        raise ValidationError("Une des organisations choisies n'existe pas.")
    before = {str(k): [r.invited, r.present] for k, r in rows.items()}

    def write() -> None:
        for organisation_id, (invited, present) in entries.items():
            row = rows.get(organisation_id)
            if not invited and not present:
                if row is not None:
                    session.delete(row)
                continue
            if row is None:
                row = Attendance(meeting_id=meeting.id, organisation_id=organisation_id)
                session.add(row)
            row.invited, row.present = bool(invited), present
        session.flush()
        after = {str(r.organisation_id): [r.invited, r.present] for r in session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting.id))}
        audit.record(session, actor, "update", "attendance", meeting.id,
                     f"Présences de l'instance {_label(meeting)}", before=before, after=after)

    run_write(session, write)


def add_agenda_item(session: Session, actor: Actor, meeting_id: int, *, title: str, section: str | None = None,
                    neighbourhood_id: int | None = None, priority_id: int | None = None, notes: str | None = None,
                    decision_ids: Iterable[int] = ()) -> int:
    """Add an item at the end of a meeting's agenda, possibly taking up earlier decisions; return its id."""
    meeting = _meeting_for_edit(session, actor, meeting_id)
    _check_links(session, actor, meeting, neighbourhood_id, priority_id)
    decisions = list(session.scalars(select(Decision).join(Meeting, Meeting.id == Decision.meeting_id).where(
        Decision.id.in_(list(decision_ids)), Meeting.contract_id == meeting.contract_id, Meeting.date < meeting.date)))
    if len(decisions) != len(set(decision_ids)):
        raise ValidationError("Seules des décisions d'instances antérieures de ce contrat peuvent être reprises.")
    position = (session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
                or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, position=position, section=_text(section, "Rubrique", limit=200),
                      title=_text(title, "Intitulé du point", True), neighbourhood_id=neighbourhood_id,
                      priority_id=priority_id, notes=_text(notes, "Présentation"))

    def write() -> int:
        session.add(item)
        session.flush()
        for decision in decisions:
            session.execute(agenda_item_decision.insert().values(agenda_item_id=item.id, decision_id=decision.id))
        audit.record(session, actor, "create", "agenda_item", item.id,
                     f"Ajout du point « {item.title} » à l'instance {_label(meeting)}",
                     after={**audit.snapshot(item), "decision_ids": sorted(d.id for d in decisions)})
        return item.id

    return run_write(session, write)


def record_outcome(session: Session, actor: Actor, agenda_item_id: int, *, expected_version: int,
                   outcome: str | None) -> None:
    """Record what the meeting concluded on one agenda item."""
    item = get_or_fail(session, AgendaItem, agenda_item_id, "Point de l'ordre du jour")
    meeting = _meeting_for_edit(session, actor, item.meeting_id)
    ensure_version(item, expected_version)
    before = audit.snapshot(item)

    def write() -> None:
        item.outcome = _text(outcome, "Relevé du point")
        session.flush()
        audit.record(session, actor, "update", "agenda_item", item.id,
                     f"Relevé du point « {item.title} » de l'instance {_label(meeting)}",
                     before=before, after=audit.snapshot(item))

    run_write(session, write)


def _check_links(session: Session, actor: Actor, meeting: Meeting, neighbourhood_id: int | None,
                 priority_id: int | None) -> None:
    """The neighbourhood and priority an item or a decision concerns: in the meeting's contract, and within
    the actor's rights (a Battant contributor records nothing "concerning Planoise", even on a Battant meeting)."""
    if neighbourhood_id is not None:
        hood = session.get(Neighbourhood, neighbourhood_id)
        if hood is None or hood.contract_id != meeting.contract_id:
            raise ValidationError("Le quartier choisi n'appartient pas à ce contrat.")
        ensure_permission(actor, EDIT, neighbourhood_id)
    if priority_id is not None:
        programme = session.scalar(select(Programme).join(Priority, Priority.programme_id == Programme.id)
                                   .where(Priority.id == priority_id))
        if programme is None or programme.contract_id != meeting.contract_id:
            raise ValidationError("La priorité choisie n'appartient pas à ce contrat.")
        ensure_permission(actor, EDIT, programme.neighbourhood_id)


def _person(session: Session, name: str | None, organisation_id: int | None) -> Person | None:
    name = _text(name, "Responsable", limit=200)
    if name is None:
        return None
    found = session.scalar(select(Person).where(Person.name == name, Person.organisation_id == organisation_id))
    return found or Person(name=name, organisation_id=organisation_id)


def record_decision(session: Session, actor: Actor, meeting_id: int, *, text: str, kind: str = "suite",
                    agenda_item_id: int | None = None, owner_organisation_id: int | None = None,
                    owner_person: str | None = None, due_on: dt.date | None = None, status: str = followups.OPEN,
                    neighbourhood_id: int | None = None, priority_id: int | None = None) -> int:
    """Record a décision or a suite à donner at a meeting; return its id."""
    meeting = _meeting_for_edit(session, actor, meeting_id)
    if kind not in followups.DECISION_KINDS or status not in followups.DECISION_STATUSES:
        raise ValidationError("Type ou statut de décision inconnu.")
    neighbourhood_id = neighbourhood_id if neighbourhood_id is not None else meeting.neighbourhood_id
    _check_links(session, actor, meeting, neighbourhood_id, priority_id)
    if agenda_item_id is not None and session.scalar(
            select(AgendaItem.meeting_id).where(AgendaItem.id == agenda_item_id)) != meeting.id:
        raise ValidationError("Le point choisi n'est pas à l'ordre du jour de cette instance.")
    if owner_organisation_id is not None and session.get(Organisation, owner_organisation_id) is None:
        raise ValidationError("L'organisation responsable n'existe pas.")
    decision = Decision(meeting_id=meeting.id, agenda_item_id=agenda_item_id, kind=kind,
                        text=_text(text, "Texte de la décision", True), owner_organisation_id=owner_organisation_id,
                        due_on=_check_date(due_on, "Échéance") if due_on else None, status=status,
                        closed_on=meeting.date if status != followups.OPEN else None,
                        neighbourhood_id=neighbourhood_id, priority_id=priority_id)

    def write() -> int:
        person = _person(session, owner_person, owner_organisation_id)
        if person is not None:
            session.add(person)
            session.flush()
            decision.owner_person_id = person.id
        session.add(decision)
        session.flush()
        audit.record(session, actor, "create", "decision", decision.id,
                     f"Décision enregistrée à l'instance {_label(meeting)} : {decision.text[:80]}",
                     after=audit.snapshot(decision))
        return decision.id

    return run_write(session, write)


def set_decision_status(session: Session, actor: Actor, decision_id: int, *, expected_version: int, status: str,
                        closed_on: dt.date | None = None) -> None:
    """Close (faite), drop (abandonnée) or reopen a decision; the right on the meeting's or the decision's
    neighbourhood is enough."""
    decision = get_or_fail(session, Decision, decision_id, "Décision")
    meeting = session.get(Meeting, decision.meeting_id)
    if not (can(actor, EDIT, meeting.neighbourhood_id) or
            (decision.neighbourhood_id is not None and can(actor, EDIT, decision.neighbourhood_id))):
        raise PermissionDenied(DENIED_MESSAGES[EDIT])
    ensure_version(decision, expected_version)
    if status not in followups.DECISION_STATUSES:
        raise ValidationError(f"Statut inconnu : {status}.")
    closed = None if status == followups.OPEN else _check_date(closed_on or clock.today(), "Date de clôture")
    before = audit.snapshot(decision)

    def write() -> None:
        decision.status, decision.closed_on = status, closed
        session.flush()
        words = {followups.OPEN: "Réouverture", followups.DONE: "Clôture", followups.DROPPED: "Abandon"}[status]
        audit.record(session, actor, "update", "decision", decision.id, f"{words} de la décision : "
                     f"{decision.text[:80]}", before=before, after=audit.snapshot(decision))

    run_write(session, write)


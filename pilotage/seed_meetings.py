"""Seed loading of what meetings*.yaml nests under a meeting: attendance, agenda items and decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from pilotage.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Organisation,
    Person,
    Priority,
    agenda_item_decision,
)

SOURCED_KEYS = ("source", "illustrative", "note")
# attendance: {present: [names], absent: [names], invited: [names whose presence is not recorded yet]}
ATTENDANCE_GROUPS = {"present": True, "absent": False, "invited": None}


def parse_time(value: Any) -> dt.time | None:
    """'14:30' -> 14:30 (times are quoted strings in the YAML files)."""
    if value is None:
        return None
    if isinstance(value, dt.time):
        return value
    hours, minutes = str(value).split(":")
    return dt.time(int(hours), int(minutes))


class MeetingDetailsLoader:
    """Loads the nested parts of the meetings of one contract; keeps decision keys for later take-ups."""

    def __init__(self, session: Session, contract_slug: str, organisations: dict[str, Organisation],
                 neighbourhoods: dict, priority_ref: Callable[[str], Priority]):
        self.session = session
        self.contract_slug = contract_slug
        self.organisations = organisations
        self.neighbourhoods = neighbourhoods
        self.priority_ref = priority_ref
        self.decisions: dict[str, Decision] = {}
        self.people: dict[tuple[str, int | None], Person] = {}
        self.counts: dict[str, int] = {"attendance": 0, "agenda_items": 0, "decisions": 0}

    def organisation(self, name: str | None) -> Organisation | None:
        """The organisation of that exact name (a signatory), or a clear error."""
        if not name:
            return None
        if name not in self.organisations:
            raise ValueError(f"{self.contract_slug}: unknown organisation {name!r} in a meeting "
                             "(use the name of a signatory)")
        return self.organisations[name]

    def priority(self, reference: str | None) -> Priority | None:
        """'projet-planoise#4': the 4th priority of that programme, in the document's order."""
        return self.priority_ref(str(reference)) if reference else None

    def hood_id(self, slug: str | None) -> int | None:
        """The id of the contract's neighbourhood `slug` (None for none)."""
        return self.neighbourhoods[slug].id if slug else None

    def load(self, meeting: Meeting, item: dict) -> None:
        """Attendance, agenda (with each item's decisions) and the meeting's other decisions."""
        self.session.flush()
        inherited = {key: item.get(key) for key in SOURCED_KEYS}
        attendance = item.get("attendance") or {}
        for group, present in ATTENDANCE_GROUPS.items():
            for name in attendance.get(group) or []:
                self.session.add(Attendance(meeting_id=meeting.id, organisation_id=self.organisation(name).id,
                                            invited=True, present=present))
                self.counts["attendance"] += 1
        for position, entry in enumerate(item.get("agenda") or [], start=1):
            priority = self.priority(entry.get("priority"))
            agenda = AgendaItem(meeting_id=meeting.id, position=position, section=entry.get("section"),
                                title=entry["title"], neighbourhood_id=self.hood_id(entry.get("neighbourhood")),
                                priority_id=priority.id if priority else None, notes=entry.get("notes"),
                                outcome=entry.get("outcome"))
            self.session.add(agenda)
            self.session.flush()
            self.counts["agenda_items"] += 1
            for key in entry.get("takes_up") or []:
                self.session.execute(agenda_item_decision.insert().values(agenda_item_id=agenda.id,
                                                                          decision_id=self.decisions[key].id))
            for decision in entry.get("decisions") or []:
                self.decision(meeting, agenda, decision, inherited)
        for decision in item.get("decisions") or []:
            self.decision(meeting, None, decision, inherited)

    def person(self, name: str | None, organisation: Organisation | None) -> Person | None:
        """The person or service owning a decision, created once per organisation."""
        if not name:
            return None
        key = (name, organisation.id if organisation else None)
        if key not in self.people:
            self.people[key] = Person(name=name, organisation_id=key[1])
            self.session.add(self.people[key])
            self.session.flush()
        return self.people[key]

    def decision(self, meeting: Meeting, agenda: AgendaItem | None, item: dict, inherited: dict) -> None:
        """One decision of a meeting (of an agenda item when given); its key is kept for `takes_up`."""
        owner = self.organisation(item.get("owner"))
        person = self.person(item.get("owner_person"), owner)
        priority = self.priority(item.get("priority"))
        sourced = {key: item.get(key, inherited[key]) for key in SOURCED_KEYS}
        sourced["illustrative"] = bool(sourced["illustrative"])
        decision = Decision(
            meeting_id=meeting.id, agenda_item_id=agenda.id if agenda else None, kind=item.get("kind") or "suite",
            text=item["text"], owner_organisation_id=owner.id if owner else None,
            owner_person_id=person.id if person else None, due_on=item.get("due_on"),
            status=item.get("status") or "ouverte", closed_on=item.get("closed_on"),
            neighbourhood_id=self.hood_id(item.get("neighbourhood")) or meeting.neighbourhood_id,
            priority_id=priority.id if priority else None, **sourced,
        )
        self.session.add(decision)
        self.session.flush()
        self.counts["decisions"] += 1
        if item.get("key"):
            self.decisions[item["key"]] = decision

"""Reads about governance: meetings, their sheet (attendance, agenda, decisions), follow-ups and the tracker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from pilotage import cadence, followups
from pilotage.models import (
    AgendaItem,
    Attendance,
    Contract,
    Decision,
    GovernanceRule,
    Meeting,
    Neighbourhood,
    Organisation,
    Person,
    Priority,
    Programme,
    agenda_item_decision,
    contract_signatory,
    programme_signatory,
)
from pilotage.queries.base import frame

MEETING_COLUMNS = ["id", "contract_id", "date", "start_time", "kind", "title", "status", "place", "chairs",
                   "neighbourhood_id", "neighbourhood", "programme_id", "programme", "replaces_id", "source",
                   "illustrative", "note", "version"]
DECISION_COLUMNS = ["id", "meeting_id", "meeting_date", "meeting_kind", "meeting_title", "agenda_item_id", "kind",
                    "text", "owner_organisation_id", "owner", "owner_person", "due_on", "status", "closed_on",
                    "neighbourhood_id", "neighbourhood", "priority_id", "priority", "illustrative", "note",
                    "version", "meeting_neighbourhood_id"]


@dataclass(frozen=True)
class MeetingSheet:
    """The header of one meeting, with what it replaces or is replaced by."""

    id: int
    contract_id: int
    contract_slug: str
    contract_name: str
    kind: str
    title: str
    date: dt.date
    start_time: dt.time | None
    place: str | None
    status: str
    chairs: str | None
    minutes: str | None
    neighbourhood_id: int | None
    neighbourhood: str | None
    programme_id: int | None
    programme: str | None
    source: str | None
    quote: str | None
    illustrative: bool
    note: str | None
    version: int
    replaces_id: int | None
    replaces_date: dt.date | None
    replaced_by_id: int | None
    replaced_by_date: dt.date | None


def _meeting_select():
    return (
        select(Meeting.id, Meeting.contract_id, Meeting.date, Meeting.start_time, Meeting.kind, Meeting.title,
               Meeting.status, Meeting.place, Meeting.chairs, Meeting.neighbourhood_id, Neighbourhood.name,
               Meeting.programme_id, Programme.name, Meeting.replaces_id, Meeting.source, Meeting.illustrative,
               Meeting.note, Meeting.version)
        .outerjoin(Neighbourhood, Neighbourhood.id == Meeting.neighbourhood_id)
        .outerjoin(Programme, Programme.id == Meeting.programme_id)
    )


def list_meetings(session: Session, *, contract_id: int, neighbourhood_id: int | None = None,
                  kind: str | None = None) -> pd.DataFrame:
    """The contract's meetings by date, optionally those of one neighbourhood or one kind."""
    statement = _meeting_select().where(Meeting.contract_id == contract_id)
    if neighbourhood_id is not None:
        statement = statement.where(Meeting.neighbourhood_id == neighbourhood_id)
    if kind is not None:
        statement = statement.where(Meeting.kind == kind)
    meetings = frame(session, statement.order_by(Meeting.date, Meeting.start_time, Meeting.id), MEETING_COLUMNS)
    replaced = {r: i for i, r in session.execute(
        select(Meeting.id, Meeting.replaces_id).where(Meeting.contract_id == contract_id,
                                                      Meeting.replaces_id.is_not(None))).all()}
    meetings["replaced_by_id"] = meetings["id"].map(replaced).astype("Int64")
    return meetings


def get_meeting(session: Session, *, meeting_id: int) -> MeetingSheet | None:
    """One meeting's header, or None when it does not exist."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    contract = session.get(Contract, meeting.contract_id)
    hood = session.get(Neighbourhood, meeting.neighbourhood_id) if meeting.neighbourhood_id else None
    programme = session.get(Programme, meeting.programme_id) if meeting.programme_id else None
    replaces = session.get(Meeting, meeting.replaces_id) if meeting.replaces_id else None
    replaced_by = session.scalar(select(Meeting).where(Meeting.replaces_id == meeting.id).limit(1))
    return MeetingSheet(
        meeting.id, contract.id, contract.slug, contract.name, meeting.kind, meeting.title, meeting.date,
        meeting.start_time, meeting.place, meeting.status, meeting.chairs, meeting.minutes, meeting.neighbourhood_id,
        hood.name if hood else None, meeting.programme_id, programme.name if programme else None, meeting.source,
        meeting.quote, meeting.illustrative, meeting.note, meeting.version, meeting.replaces_id,
        replaces.date if replaces else None, replaced_by.id if replaced_by else None,
        replaced_by.date if replaced_by else None,
    )


def list_attendance(session: Session, *, meeting_id: int) -> pd.DataFrame:
    """Organisations invited to and present at a meeting."""
    statement = (
        select(Attendance.id, Attendance.organisation_id, Organisation.name, Person.name, Attendance.invited,
               Attendance.present, Attendance.version)
        .join(Organisation, Organisation.id == Attendance.organisation_id)
        .outerjoin(Person, Person.id == Attendance.person_id)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(Organisation.name, Attendance.id)
    )
    return frame(session, statement, ["id", "organisation_id", "organisation", "person", "invited", "present",
                                       "version"])


def list_agenda(session: Session, *, meeting_id: int) -> pd.DataFrame:
    """A meeting's agenda items in order, with the earlier decisions each one takes up."""
    statement = (
        select(AgendaItem.id, AgendaItem.position, AgendaItem.section, AgendaItem.title, AgendaItem.neighbourhood_id,
               Neighbourhood.name, AgendaItem.priority_id, Priority.number, Priority.text, AgendaItem.notes,
               AgendaItem.outcome, AgendaItem.version)
        .outerjoin(Neighbourhood, Neighbourhood.id == AgendaItem.neighbourhood_id)
        .outerjoin(Priority, Priority.id == AgendaItem.priority_id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    items = frame(session, statement, ["id", "position", "section", "title", "neighbourhood_id", "neighbourhood",
                                        "priority_id", "priority_number", "priority_text", "notes", "outcome",
                                        "version"])
    links = session.execute(
        select(agenda_item_decision.c.agenda_item_id, agenda_item_decision.c.decision_id)
        .where(agenda_item_decision.c.agenda_item_id.in_([int(i) for i in items["id"]]))
    ).all()
    items["decision_ids"] = [sorted(d for a, d in links if a == item_id) for item_id in items["id"]]
    return items


def _decision_select():
    owner_person = aliased(Person)
    meeting_hood = aliased(Neighbourhood)
    return (
        select(Decision.id, Decision.meeting_id, Meeting.date, Meeting.kind, Meeting.title, Decision.agenda_item_id,
               Decision.kind, Decision.text, Decision.owner_organisation_id, Organisation.name, owner_person.name,
               Decision.due_on, Decision.status, Decision.closed_on, Decision.neighbourhood_id,
               func.coalesce(Neighbourhood.name, meeting_hood.name), Decision.priority_id, Priority.number,
               Decision.illustrative, Decision.note, Decision.version, Meeting.neighbourhood_id)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .outerjoin(Organisation, Organisation.id == Decision.owner_organisation_id)
        .outerjoin(owner_person, owner_person.id == Decision.owner_person_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Decision.neighbourhood_id)
        .outerjoin(meeting_hood, meeting_hood.id == Meeting.neighbourhood_id)
        .outerjoin(Priority, Priority.id == Decision.priority_id)
    )


def _with_state(decisions: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    decisions["state"] = [followups.tracker_state(s, d if pd.notna(d) else None, today)
                          for s, d in zip(decisions["status"], decisions["due_on"], strict=True)]
    return decisions


def list_meeting_decisions(session: Session, *, meeting_id: int, today: dt.date) -> pd.DataFrame:
    """The decisions and follow-ups recorded at one meeting."""
    statement = _decision_select().where(Decision.meeting_id == meeting_id).order_by(Decision.id)
    return _with_state(frame(session, statement, DECISION_COLUMNS), today)


def list_carried_over(session: Session, *, meeting_id: int, today: dt.date) -> pd.DataFrame:
    """Suites des instances précédentes: earlier decisions of the same body still open on this meeting's date."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return _with_state(pd.DataFrame(columns=DECISION_COLUMNS), today)
    same_body = and_(
        Meeting.contract_id == meeting.contract_id, Meeting.kind == meeting.kind, Meeting.id != meeting.id,
        Meeting.date < meeting.date,
        Meeting.neighbourhood_id.is_(None) if meeting.neighbourhood_id is None
        else Meeting.neighbourhood_id == meeting.neighbourhood_id,
        Meeting.programme_id.is_(None) if meeting.programme_id is None
        else Meeting.programme_id == meeting.programme_id,
    )
    statement = _decision_select().where(same_body).order_by(Meeting.date, Decision.id)
    candidates = frame(session, statement, DECISION_COLUMNS)
    keep = pd.Series([followups.open_at(row.status, row.closed_on if pd.notna(row.closed_on) else None,
                                        row.meeting_date, meeting.date) for row in candidates.itertuples()],
                     index=candidates.index, dtype=bool)
    return _with_state(candidates[keep].reset_index(drop=True), today)


def list_decisions(session: Session, *, contract_id: int, today: dt.date, state: str | None = None,
                   owner_organisation_id: int | None = None, neighbourhood_id: int | None = None,
                   meeting_kind: str | None = None) -> pd.DataFrame:
    """The decisions tracker: every decision of the contract with its state, late ones first, then open, done,
    dropped (by due date within each)."""
    statement = _decision_select().where(Meeting.contract_id == contract_id)
    if owner_organisation_id is not None:
        statement = statement.where(Decision.owner_organisation_id == owner_organisation_id)
    if neighbourhood_id is not None:
        statement = statement.where(func.coalesce(Decision.neighbourhood_id, Meeting.neighbourhood_id)
                                    == neighbourhood_id)
    if meeting_kind is not None:
        statement = statement.where(Meeting.kind == meeting_kind)
    statement = statement.order_by(Decision.due_on.is_(None), Decision.due_on, Meeting.date, Decision.id)
    decisions = _with_state(frame(session, statement, DECISION_COLUMNS), today)
    if state is not None:
        decisions = decisions[decisions["state"] == state]
    rank = decisions["state"].map({key: i for i, key in enumerate(("en_retard", "ouverte", "faite", "abandonnee"))})
    return decisions.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank") \
        .reset_index(drop=True)


def list_organisations(session: Session, *, contract_id: int) -> pd.DataFrame:
    """Every organisation, the contract's and its programmes' signatories first."""
    signatories = set(session.scalars(select(contract_signatory.c.organisation_id)
                                      .where(contract_signatory.c.contract_id == contract_id)))
    signatories |= set(session.scalars(
        select(programme_signatory.c.organisation_id)
        .join(Programme, Programme.id == programme_signatory.c.programme_id)
        .where(Programme.contract_id == contract_id)))
    organisations = frame(session, select(Organisation.id, Organisation.name, Organisation.kind)
                          .order_by(Organisation.name), ["id", "name", "kind"])
    organisations["signatory"] = organisations["id"].isin(signatories)
    return organisations.sort_values(["signatory", "name"], ascending=[False, True]).reset_index(drop=True)


def list_programmes(session: Session, *, contract_id: int) -> pd.DataFrame:
    """The contract's programmes with the neighbourhood each belongs to (for the meeting forms)."""
    statement = (select(Programme.id, Programme.name, Programme.kind, Programme.neighbourhood_id)
                 .where(Programme.contract_id == contract_id).order_by(Programme.position, Programme.id))
    return frame(session, statement, ["id", "name", "kind", "neighbourhood_id"])


def list_priority_options(session: Session, *, contract_id: int, neighbourhood_id: int | None = None) -> pd.DataFrame:
    """Priorities a meeting item or a decision may point to, those of one neighbourhood when given."""
    statement = (select(Priority.id, Programme.name, Priority.number, Priority.text, Programme.neighbourhood_id)
                 .join(Programme, Programme.id == Priority.programme_id)
                 .where(Programme.contract_id == contract_id, Priority.archived.is_(False))
                 .order_by(Programme.position, Priority.heading_position, Priority.position))
    if neighbourhood_id is not None:
        statement = statement.where(Programme.neighbourhood_id == neighbourhood_id)
    return frame(session, statement, ["id", "programme", "number", "text", "neighbourhood_id"])


@dataclass(frozen=True)
class CadenceRow:
    """One body of a rule (the contract, a programme or a neighbourhood) and its cells per year."""

    label: str
    scope_id: int | None
    cells: tuple[cadence.YearCount, ...]


@dataclass(frozen=True)
class RuleGrid:
    """A governance rule of the contract checked year by year."""

    rule_id: int
    meeting_kind: str
    scope: str
    programme: str | None
    minimum: int | None
    maximum: int | None
    quote: str | None
    source: str | None
    note: str | None
    rows: tuple[CadenceRow, ...]


@dataclass(frozen=True)
class Cadence:
    """The contract's cadence: a grid per rule, postponed meetings with no new date, revues to schedule."""

    years: tuple[int, ...]
    grids: tuple[RuleGrid, ...]
    postponed: tuple[tuple[int, dt.date, str], ...]
    proposals: tuple[tuple[int, str, dt.date], ...]


def _facts(meetings: list[Meeting], replaced: set[int]) -> list[cadence.MeetingFact]:
    return [cadence.MeetingFact(m.date, m.status, m.id in replaced) for m in meetings]


def _rule_rows(rule: GovernanceRule, meetings: list[Meeting], hoods: list[Neighbourhood], replaced: set[int],
               years: list[int], today: dt.date) -> tuple[CadenceRow, ...]:
    mine = [m for m in meetings if m.kind == rule.meeting_kind]
    if rule.scope == "neighbourhood":
        return tuple(CadenceRow(h.name, h.id, tuple(cadence.grid(
            _facts([m for m in mine if m.neighbourhood_id == h.id], replaced), years, rule.min_per_year,
            rule.max_per_year, today))) for h in hoods)
    if rule.scope == "programme":
        mine = [m for m in mine if m.programme_id == rule.programme_id]
    else:
        mine = [m for m in mine if m.programme_id is None and m.neighbourhood_id is None]
    cells = cadence.grid(_facts(mine, replaced), years, rule.min_per_year, rule.max_per_year, today)
    return (CadenceRow("Ensemble du contrat" if rule.scope == "contract" else "Programme", None, tuple(cells)),)


def _revue_neighbourhoods(session: Session, contract_id: int) -> list[Neighbourhood]:
    """Neighbourhoods with a projet de quartier (the revue rule is per projet de quartier), else the QPV."""
    statement = (select(Neighbourhood).where(Neighbourhood.contract_id == contract_id,
                                             Neighbourhood.archived.is_(False)).order_by(Neighbourhood.position))
    with_project = select(Programme.neighbourhood_id).where(Programme.kind == "projet_quartier")
    hoods = list(session.scalars(statement.where(Neighbourhood.id.in_(with_project))))
    return hoods or list(session.scalars(statement.where(Neighbourhood.kind == "qpv")))


def get_cadence(session: Session, *, contract_id: int, today: dt.date) -> Cadence:
    """The contract's rules checked against its meetings held and planned, and the next revues to plan."""
    contract = session.get(Contract, contract_id)
    years = list(range(contract.start_year, contract.end_year + 1))
    meetings = list(session.scalars(select(Meeting).where(Meeting.contract_id == contract_id)
                                    .order_by(Meeting.date)))
    replaced = {m.replaces_id for m in meetings if m.replaces_id is not None}
    hoods = _revue_neighbourhoods(session, contract_id)
    programmes = dict(session.execute(select(Programme.id, Programme.name)
                                      .where(Programme.contract_id == contract_id)).all())
    rules = session.scalars(select(GovernanceRule).where(GovernanceRule.contract_id == contract_id)
                            .order_by(GovernanceRule.programme_id.is_not(None), GovernanceRule.id))
    grids, proposals = [], []
    for rule in rules:
        rows = _rule_rows(rule, meetings, hoods, replaced, years, today)
        grids.append(RuleGrid(rule.id, rule.meeting_kind, rule.scope, programmes.get(rule.programme_id),
                              rule.min_per_year, rule.max_per_year, rule.quote, rule.source, rule.note, rows))
        if rule.meeting_kind == "revue_projet" and rule.scope == "neighbourhood":
            horizon = [y for y in (today.year, today.year + 1) if y in years]
            facts = {h.id: _facts([m for m in meetings if m.kind == "revue_projet" and m.neighbourhood_id == h.id],
                                  replaced) for h in hoods}
            names = {h.id: h.name for h in hoods}
            proposals = [(p.scope_id, names[p.scope_id], p.date)
                         for p in cadence.propose_revues(facts, horizon, today)]
    postponed = tuple((m.id, m.date, m.title) for m in meetings if m.status == "reportee" and m.id not in replaced)
    return Cadence(tuple(years), tuple(grids), postponed, tuple(proposals))


@dataclass(frozen=True)
class MeetingRecord:
    """Everything a meeting sheet or its relevé de décisions shows."""

    sheet: MeetingSheet
    attendance: pd.DataFrame
    agenda: pd.DataFrame
    decisions: pd.DataFrame
    carried_over: pd.DataFrame


def get_meeting_record(session: Session, *, meeting_id: int, today: dt.date) -> MeetingRecord | None:
    """A meeting's header, attendance, agenda, decisions and the follow-ups carried over to it."""
    sheet = get_meeting(session, meeting_id=meeting_id)
    if sheet is None:
        return None
    return MeetingRecord(sheet, list_attendance(session, meeting_id=meeting_id),
                         list_agenda(session, meeting_id=meeting_id),
                         list_meeting_decisions(session, meeting_id=meeting_id, today=today),
                         list_carried_over(session, meeting_id=meeting_id, today=today))

"""Reads of the mode séance: a meeting's séance, all its steps built as slides, and the meetings to project."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pilotage.formats import format_date
from pilotage.models import Contract, Meeting, Neighbourhood
from pilotage.queries import contracts, governance, neighbourhoods, progress, swot
from pilotage.queries.governance import MeetingSheet
from pilotage.seance import (
    STEP_TITLES,
    OrderEntry,
    is_default,
    order_from_json,
    picker_rank,
    seance_format,
    since_phrases,
)
from pilotage.seance_contrat import cadence_slides, neighbourhood_slides, overview_slides
from pilotage.seance_quartier import PriorityFacts, ffom_slides, portrait_slides, priority_slides
from pilotage.seance_slides import Step, decision_slides, follow_up_slides


@dataclass(frozen=True)
class Seance:
    """A meeting projected: its running order and every step of its format, built as slides."""

    meeting: MeetingSheet
    fmt: str
    order: tuple[OrderEntry, ...]
    custom_order: bool
    steps: tuple[Step, ...]
    as_of: dt.date
    previous: tuple[int, dt.date, str] | None

    def step(self, code: str) -> Step:
        return next(step for step in self.steps if step.code == code)

    def shown(self) -> list[Step]:
        """The steps to project, in the running order."""
        return [self.step(entry.step) for entry in self.order if entry.visible]


def previous_meeting(session: Session, meeting: Meeting) -> tuple[int, dt.date, str] | None:
    """The last meeting of the same body (kind, neighbourhood, programme) held before this one."""
    statement = select(Meeting.id, Meeting.date, Meeting.title).where(
        Meeting.contract_id == meeting.contract_id, Meeting.kind == meeting.kind, Meeting.status == "tenue",
        Meeting.date < meeting.date, Meeting.id != meeting.id,
        Meeting.neighbourhood_id.is_(None) if meeting.neighbourhood_id is None
        else Meeting.neighbourhood_id == meeting.neighbourhood_id,
        Meeting.programme_id.is_(None) if meeting.programme_id is None
        else Meeting.programme_id == meeting.programme_id,
    ).order_by(Meeting.date.desc(), Meeting.id.desc()).limit(1)
    row = session.execute(statement).first()
    return (row.id, row.date, row.title) if row else None


def _facts(session: Session, meeting: Meeting, previous, as_of: dt.date, states: pd.DataFrame,
           points: pd.DataFrame) -> PriorityFacts:
    contract = session.get(Contract, meeting.contract_id)
    months = (contract.staleness_months or 6) if contract.status == "en_cours" else None
    label, at = since_phrases(meeting.kind, format_date(previous[1])) if previous else (None, None)
    return PriorityFacts(states, points, previous[1] if previous else None, label, at, as_of, months)


def _programme_ids(session: Session, meeting: Meeting, states: pd.DataFrame) -> set[int]:
    """The programmes a neighbourhood's séance reviews: the meeting's own, else the projets de quartier."""
    if meeting.programme_id is not None:
        return {meeting.programme_id}
    projects = set(states.loc[states["programme_kind"] == "projet_quartier", "programme_id"])
    return projects or set(states["programme_id"])


def _neighbourhood_steps(session: Session, meeting: Meeting, record, previous, as_of: dt.date,
                         today: dt.date) -> tuple[Step, ...]:
    hood = session.get(Neighbourhood, meeting.neighbourhood_id)
    profile = neighbourhoods.find_neighbourhood(session, slug=hood.slug, contract_slug=record.sheet.contract_slug)
    analyses = swot.list_swot_analyses(session, neighbourhood_id=hood.id)
    dated = analyses[analyses["dated"] <= as_of]
    analysis = (dated if not dated.empty else analyses).iloc[0] if not analyses.empty else None
    items = swot.list_swot_items(session, analysis_id=int(analysis.id)) if analysis is not None else None
    states = progress.list_priority_states(session, contract_id=meeting.contract_id, today=as_of,
                                           neighbourhood_id=hood.id)
    states = states[states["programme_id"].isin(_programme_ids(session, meeting, states))]
    points = progress.list_points(session, contract_id=meeting.contract_id, neighbourhood_id=hood.id)
    facts = _facts(session, meeting, previous, as_of, states, points)
    before = (governance.list_meeting_decisions(session, meeting_id=previous[0], today=today) if previous
              else record.decisions.iloc[0:0])
    return (
        Step("portrait", STEP_TITLES["portrait"], tuple(portrait_slides(
            profile, neighbourhoods.list_portrait(session, neighbourhood_id=hood.id)))),
        Step("ffom", STEP_TITLES["ffom"], tuple(ffom_slides(analysis, items))),
        Step("priorites", STEP_TITLES["priorites"], tuple(priority_slides(facts))),
        Step("suites", STEP_TITLES["suites"], tuple(follow_up_slides(
            "suites", STEP_TITLES["suites"], previous, before, record.carried_over))),
        Step("decisions", STEP_TITLES["decisions"], tuple(decision_slides(
            "decisions", STEP_TITLES["decisions"], record.agenda, record.decisions))),
    )


def last_revues(session: Session, contract_id: int, as_of: dt.date) -> dict[int, dt.date]:
    """Each neighbourhood's last revue de projet held on or before `as_of`."""
    rows = session.execute(select(Meeting.neighbourhood_id, Meeting.date).where(
        Meeting.contract_id == contract_id, Meeting.kind == "revue_projet", Meeting.status == "tenue",
        Meeting.date <= as_of, Meeting.neighbourhood_id.is_not(None)).order_by(Meeting.date)).all()
    return {hood: date for hood, date in rows}


def _figures_as_of(session: Session, contract_id: int, as_of: dt.date) -> contracts.KeyFigures:
    """The contract's key figures, the meetings held counted up to the séance's date."""
    held = session.scalar(select(func.count(Meeting.id)).where(
        Meeting.contract_id == contract_id, Meeting.status == "tenue", Meeting.date <= as_of))
    return dataclasses.replace(contracts.get_key_figures(session, contract_id=contract_id), meetings_held=held or 0)


def _contract_steps(session: Session, meeting: Meeting, record, previous, as_of: dt.date) -> tuple[Step, ...]:
    contract_id = meeting.contract_id
    summary = next(c for c in contracts.list_contracts(session) if c.id == contract_id)
    states = progress.list_priority_states(session, contract_id=contract_id, today=as_of)
    states = states[states["neighbourhood_id"].notna()]
    facts = _facts(session, meeting, previous, as_of, states,
                   progress.list_points(session, contract_id=contract_id))
    hoods = contracts.list_neighbourhoods(session, contract_id=contract_id)
    cadence = governance.get_cadence(session, contract_id=contract_id, today=as_of)
    return (
        Step("contrat", STEP_TITLES["contrat"], tuple(overview_slides(
            summary, _figures_as_of(session, contract_id, as_of),
            contracts.list_milestones(session, contract_id=contract_id), facts))),
        Step("quartiers", STEP_TITLES["quartiers"], tuple(neighbourhood_slides(
            hoods, facts, last_revues(session, contract_id, as_of)))),
        Step("cadence", STEP_TITLES["cadence"], tuple(cadence_slides(cadence, as_of))),
        Step("a_decider", STEP_TITLES["a_decider"], tuple(decision_slides(
            "a_decider", STEP_TITLES["a_decider"], record.agenda, record.decisions, record.carried_over))),
    )


def get_seance(session: Session, *, meeting_id: int, today: dt.date) -> Seance | None:
    """A meeting's séance: its running order and every step of its format (None when the meeting is gone).

    The figures are those of the meeting's date (or of today for a meeting still to come)."""
    meeting = session.get(Meeting, meeting_id)
    record = governance.get_meeting_record(session, meeting_id=meeting_id, today=today)
    if meeting is None or record is None:
        return None
    fmt = seance_format(meeting.neighbourhood_id)
    order = order_from_json(meeting.running_order, fmt)
    as_of = min(meeting.date, today)
    previous = previous_meeting(session, meeting)
    steps = (_neighbourhood_steps(session, meeting, record, previous, as_of, today) if fmt == "quartier"
             else _contract_steps(session, meeting, record, previous, as_of))
    return Seance(record.sheet, fmt, order, not is_default(order, fmt), steps, as_of, previous)


def list_seance_meetings(session: Session, *, contract_id: int, today: dt.date) -> pd.DataFrame:
    """The contract's meetings in the order a séance is chosen: upcoming and recent revues and COPIL first."""
    meetings = governance.list_meetings(session, contract_id=contract_id)
    if meetings.empty:
        return meetings
    rank = [picker_rank(k, d, s, today) for k, d, s in zip(meetings["kind"], meetings["date"], meetings["status"],
                                                            strict=True)]
    order = sorted(range(len(meetings)), key=lambda i: rank[i])
    return meetings.iloc[order].reset_index(drop=True)

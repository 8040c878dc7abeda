"""Governance exports read back: the ICS calendar with the icalendar library, the relevé PDF with pypdf."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pandas as pd
import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from pilotage import exporters
from pilotage.models import Meeting
from pilotage.queries import governance as queries
from pilotage.services import governance
from tests.factories import admin_actor, contract, neighbourhood_id

TODAY = dt.date(2026, 11, 23)
STAMP = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def calendar_of(session) -> tuple[Calendar, dict[str, object]]:
    current = contract(session)
    meetings = queries.list_meetings(session, contract_id=current.id)
    parsed = Calendar.from_ical(exporters.meetings_ics(meetings, contract_slug=current.slug,
                                                       contract_name=current.name, now=STAMP))
    return parsed, {str(event["uid"]): event for event in parsed.walk("VEVENT")}


def meeting_on(session, date: dt.date, slug: str | None = None, kind: str = "revue_projet") -> Meeting:
    statement = select(Meeting).where(Meeting.contract_id == contract(session).id, Meeting.date == date,
                                      Meeting.kind == kind)
    if slug:
        statement = statement.where(Meeting.neighbourhood_id == neighbourhood_id(session, slug))
    return session.scalars(statement).one()


def test_the_calendar_has_one_event_per_meeting_with_stable_uids(session):
    parsed, events = calendar_of(session)
    count = len(queries.list_meetings(session, contract_id=contract(session).id))

    assert len(events) == count > 90
    assert str(parsed["prodid"]) == "-//Pilotage du Contrat de Ville//FR"
    assert str(parsed["version"]) == "2.0"
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    revue = meeting_on(session, dt.date(2026, 10, 13), "planoise")
    event = events[f"meeting-{revue.id}@gbm-2024-2030.pilotage"]
    assert str(event["summary"]) == "Revue de projet – Planoise"
    assert event["dtstart"].dt == dt.datetime(2026, 10, 13, 9, 0, tzinfo=exporters.PARIS)
    assert event["dtstart"].dt.utcoffset() == dt.timedelta(hours=2)  # summer time in Besançon
    assert str(event["location"]) == "Maison de quartier – Centre social - Planoise"
    assert str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == 1
    assert "Réunion illustrative" in str(event["description"])


def test_a_meeting_without_time_is_an_all_day_event_and_a_cancelled_one_is_cancelled(session):
    _, events = calendar_of(session)

    copil_2023 = meeting_on(session, dt.date(2023, 4, 28), kind="copil")
    event = events[f"meeting-{copil_2023.id}@gbm-2024-2030.pilotage"]
    assert event["dtstart"].dt == dt.date(2023, 4, 28) and not isinstance(event["dtstart"].dt, dt.datetime)
    assert event["dtend"].dt == dt.date(2023, 4, 29)
    assert "LOCATION" not in event
    cancelled = meeting_on(session, dt.date(2025, 4, 8), "clairs-soleils")
    assert str(events[f"meeting-{cancelled.id}@gbm-2024-2030.pilotage"]["status"]) == "CANCELLED"
    assert str(events[f"meeting-{cancelled.id}@gbm-2024-2030.pilotage"]["summary"]).startswith("Annulée : ")


def test_an_updated_meeting_keeps_its_uid_and_raises_its_sequence(session):
    _, before = calendar_of(session)
    revue = meeting_on(session, dt.date(2027, 4, 13), "planoise")
    uid = f"meeting-{revue.id}@gbm-2024-2030.pilotage"
    governance.update_meeting(session, admin_actor(session), revue.id, expected_version=revue.version,
                              title=revue.title, date=dt.date(2027, 4, 20), start_time=dt.time(14, 30),
                              place="Salle du conseil de quartier", chairs=revue.chairs, status="prevue", minutes=None)

    _, after = calendar_of(session)

    assert set(after) == set(before), "no event appears or disappears: calendars update in place"
    assert int(after[uid]["sequence"]) == int(before[uid]["sequence"]) + 1
    assert after[uid]["dtstart"].dt == dt.datetime(2027, 4, 20, 14, 30, tzinfo=exporters.PARIS)
    assert str(after[uid]["location"]) == "Salle du conseil de quartier"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_releve_de_decisions_is_a_french_pdf_with_attendance_and_decisions(session):
    revue = meeting_on(session, dt.date(2026, 10, 13), "planoise")
    record = queries.get_meeting_record(session, meeting_id=revue.id, today=TODAY)

    data = exporters.decisions_pdf(record, today=TODAY)

    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data).split())
    for expected in ("Relevé de décisions", "Revue de projet – Planoise", "13 octobre 2026 à 9 h",
                     "Document établi le : 23 novembre 2026", "Participants", "Caisse d’Allocations Familiales",
                     "Département du Doubs", "absente", "Ordre du jour", "Accès des jeunes à la formation",
                     "Décisions et suites à donner", "Présenter le bilan du premier forum emploi-jeunes",
                     "13 avril 2027", "Suites des instances précédentes", "Monter un groupe de travail santé mentale",
                     "en retard", "Réunion illustrative"):
        assert expected in text, expected
    assert PdfReader(io.BytesIO(data)).metadata.title.startswith("Relevé de décisions — Revue de projet")


def test_a_missing_font_fails_with_a_clear_message(session, monkeypatch, tmp_path):
    revue = meeting_on(session, dt.date(2026, 10, 13), "planoise")
    record = queries.get_meeting_record(session, meeting_id=revue.id, today=TODAY)
    monkeypatch.setattr(exporters, "FONT_DIR", tmp_path)

    assert "fonts-dejavu-core" in exporters.pdf_font_problem()
    with pytest.raises(exporters.ExportError, match="fonts-dejavu-core"):
        exporters.decisions_pdf(record, today=TODAY)


def flowing_text(data: bytes) -> str:
    """The PDF's text without page footers or any whitespace, so that text wrapped across lines and pages joins."""
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        text = re.sub(r"Relevé de décisions — [^\n]* — page \d+ / \d+", "", page.extract_text())
        pages.append("".join(text.split()))
    return "".join(pages)


def test_a_decision_longer_than_a_page_and_an_unbroken_word_are_printed_in_full(session):
    revue = meeting_on(session, dt.date(2026, 10, 13), "planoise")
    record = queries.get_meeting_record(session, meeting_id=revue.id, today=TODAY)
    long_text = " ".join(f"décision{i:05d}" for i in range(1000))[:10_000]
    word = "".join(f"{i:04d}" for i in range(750))  # 3,000 characters without a space, like a pasted URL
    decisions = pd.concat([record.decisions.iloc[[0]]] * 3, ignore_index=True)  # long, as it was, unbroken
    decisions.loc[0, "text"] = long_text
    decisions.loc[2, "text"] = "Lire https://exemple.fr/" + word
    decisions.loc[2, "owner_person"] = word[:400]
    agenda = record.agenda.copy()
    agenda.loc[agenda.index[0], "outcome"] = "Voir " + word
    sheet = dataclasses.replace(record.sheet, place="Salle " + word[:300], minutes="Compte rendu " + word)

    data = exporters.decisions_pdf(dataclasses.replace(record, sheet=sheet, agenda=agenda, decisions=decisions),
                                   today=TODAY)

    text = flowing_text(data)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 4
    assert "".join(long_text.split()) in text
    assert "Lirehttps://exemple.fr/" + word in text
    assert word[:400] in text
    for start in ("Salle", "Voir", "Compterendu"):
        assert start + word[:300] in text, start
    assert "Présenterlebilandupremierforumemploi-jeunes" in text, "the other decisions are still there"
    assert "Suitesdesinstancesprécédentes" in text

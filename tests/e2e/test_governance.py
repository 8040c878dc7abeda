"""Gouvernance in a browser: a Planoise contributor creates a meeting, records a decision, finds it in the tracker."""

from __future__ import annotations

import pytest
from browser_support import (
    ADMIN_PASSWORD,
    add_account,
    heading,
    open_signed_in,
    settled,
)
from playwright.sync_api import expect
from sqlalchemy import select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import AuditEvent, Decision, Meeting
from pilotage.services.accounts import INITIAL_ADMIN

pytestmark = pytest.mark.e2e

CONTRIBUTOR = ("dominique.planoise", "Essai-contrib-2024")
TITLE = "Revue de projet extraordinaire – Planoise"
DECISION = "Réunir les bailleurs sur la propreté des halls <b>avant l'été</b>"
SCREENS = ((1280, 720), (1440, 900))


def add_planoise_contributor(database_url: str) -> None:
    add_account(database_url, *CONTRIBUTOR, display_name="Dominique Planoise", neighbourhood_slugs=("planoise",))


def choose(page, scope, label: str, option: str) -> None:
    """Pick an option of a selectbox, typing to filter first (long option lists are virtualised)."""
    scope.get_by_label(label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def test_a_contributor_creates_a_meeting_records_a_decision_and_sees_it_in_the_tracker(
        start_server, new_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_planoise_contributor(database_url)
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/gouvernance", *CONTRIBUTOR)
    expect(heading(page, "Gouvernance")).to_be_visible()

    page.get_by_role("button", name="Nouvelle instance").click()
    dialog = page.get_by_role("dialog")
    choose(page, dialog, "Concerne", "Quartier : Planoise")
    dialog.get_by_label("Intitulé (vide : intitulé par défaut)").fill(TITLE)
    dialog.get_by_label("Lieu").fill("Maison de quartier – Centre social - Planoise")
    dialog.get_by_role("button", name="Créer l'instance").click()

    expect(heading(page, TITLE)).to_be_visible()  # the new meeting's sheet
    expect(page.get_by_text("Instance créée.")).to_be_visible()
    settled(page)
    assert "/instance?id=" in page.url
    page.get_by_role("button", name="Enregistrer une décision").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Décision ou suite à donner").fill(DECISION)
    choose(page, dialog, "Organisation responsable", "Ville de Besançon")
    dialog.get_by_label("Personne ou service responsable (facultatif)").fill("Direction de la propreté")
    dialog.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    settled(page)
    expect(page.get_by_text(DECISION).first).to_be_visible()  # shown as text, tags and all
    page.screenshot(path=artifacts / "gouvernance-instance-decision-1280x720.png")

    page.get_by_role("link", name="Retour à la gouvernance").click()
    expect(heading(page, "Gouvernance")).to_be_visible()
    settled(page)
    page.get_by_role("tab", name="Suivi des décisions").click()
    choose(page, page, "Quartier", "Planoise")
    settled(page)
    tracker = page.get_by_role("table", name="Suivi des décisions")
    expect(tracker).to_contain_text(DECISION)
    expect(tracker).to_contain_text("○ ouverte")
    page.screenshot(path=artifacts / "gouvernance-tracker-1280x720.png")
    assert "Traceback" not in server.log()

    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            meeting = session.scalars(select(Meeting).where(Meeting.title == TITLE)).one()
            decision = session.scalars(select(Decision).where(Decision.meeting_id == meeting.id)).one()
            assert (meeting.kind, meeting.status, decision.text) == ("revue_projet", "prevue", DECISION)
            audited = {(e.object_type, e.action) for e in session.scalars(
                select(AuditEvent).where(AuditEvent.username == CONTRIBUTOR[0]))}
            assert {("meeting", "create"), ("decision", "create")} <= audited
    finally:
        engine.dispose()


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_governance_screens(start_server, new_page, seeded_sqlite_file, artifacts, width, height):
    _, database_url = seeded_sqlite_file
    server = start_server(database_url)
    page = new_page(width, height)
    open_signed_in(page, f"{server.url}/gouvernance", INITIAL_ADMIN, ADMIN_PASSWORD)

    expect(heading(page, "Prochaines instances")).to_be_visible()
    page.screenshot(path=artifacts / f"gouvernance-calendrier-{width}x{height}.png")
    page.get_by_role("tab", name="Cadence").click()
    expect(heading(page, "Revue de projet : 2 par an par quartier")).to_be_visible()
    settled(page)
    page.screenshot(path=artifacts / f"gouvernance-cadence-{width}x{height}.png")
    page.get_by_role("tab", name="Calendrier").click()
    page.get_by_role("link", name="Ouvrir").first.click()
    expect(page.get_by_text("Fiche d'instance —")).to_be_visible()
    expect(heading(page, "Participants")).to_be_visible()
    settled(page)
    page.screenshot(path=artifacts / f"gouvernance-fiche-{width}x{height}.png")
    assert "Traceback" not in server.log()

"""Mode séance in a browser: a Planoise revue and a GBM COPIL projected end to end at 1280×720 and 1920×1080 (every
screen legible, nothing to scroll), moved along with the keyboard and the browser's back button, a decision and a
point captured live, the running order changed, the PDF and PPTX packs downloaded and opened, a reader following."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from browser_support import (
    ADMIN_PASSWORD,
    READER,
    add_reader,
    heading,
    open_signed_in,
    settled,
    submit_sign_in,
    wait_for_sign_in_form,
)
from playwright.sync_api import Page, expect
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import AuditEvent, Contract, Decision, Meeting, PriorityUpdate
from pilotage.queries import accounts as account_queries
from pilotage.services import accounts
from pilotage.services.accounts import INITIAL_ADMIN
from tests.factories import neighbourhood_id

pytestmark = pytest.mark.e2e

CONTRIBUTOR = ("sacha.planoise", "Essai-contrib-2024")
DECISION = "Organiser une marche exploratoire des halls <b>avec les bailleurs</b>"
DIFFICULTY = "Le chantier de la dalle a pris trois mois de retard"
MAIN_TEXT_PX = 32  # twice the app's 16 px body


def prepare(database_url: str) -> tuple[int, int]:
    """A Planoise contributor and a reader in the server's database; the ids of the revue and the COPIL."""
    add_reader(database_url)
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            admin = account_queries.authenticate(session, INITIAL_ADMIN, ADMIN_PASSWORD)
            planoise = neighbourhood_id(session, "planoise")
            accounts.create_user(session, admin, username=CONTRIBUTOR[0], display_name="Sacha Planoise",
                                 role="contributeur", password=CONTRIBUTOR[1], neighbourhood_ids=[planoise])
            current = select(Meeting.id).join(Contract).where(Contract.slug == "gbm-2024-2030")
            revue = session.scalars(current.where(Meeting.kind == "revue_projet", Meeting.date == dt.date(2026, 10, 13),
                                                  Meeting.neighbourhood_id == planoise)).one()
            copil = session.scalars(current.where(Meeting.kind == "copil", Meeting.date == dt.date(2026, 6, 23),
                                                  Meeting.neighbourhood_id.is_(None))).one()
        return revue, copil
    finally:
        engine.dispose()


def position(page: Page) -> tuple[int, int]:
    query = page.url.split("?", 1)[1]
    found = dict(re.findall(r"(etape|ecran)=(\d+)", query))
    return int(found.get("etape", 1)), int(found.get("ecran", 1))


def check_screen(page: Page) -> None:
    """Nothing to scroll, and the slide's type at least twice the body size."""
    scroll, height = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                                   " return [m.scrollHeight, m.clientHeight]; }")
    assert scroll <= height, f"{page.url}: {scroll - height} px to scroll"
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.sc-slide')).fontSize)")
    assert size >= MAIN_TEXT_PX
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()


def walk(page: Page, artifacts, name: str, size: str) -> list[str]:
    """Go through every screen with the → key from the first, checking each; a screenshot of every step's first
    screen; return the titles seen."""
    titles, step = [], 0
    while True:
        settled(page)
        check_screen(page)
        titles.append(page.locator("h1.sc-title").inner_text())
        here = position(page)
        if here[0] != step:
            step = here[0]
            page.screenshot(path=artifacts / f"seance-{name}-etape{step}-{size}.png")
        if page.get_by_role("button", name="Suivant").is_disabled():
            return titles
        shown = screen_number(page)
        page.keyboard.press("ArrowRight")
        expect(page).not_to_have_url(re.compile(f"etape={here[0]}&ecran={here[1]}$"))
        # Wait for the next screen itself, not only its URL: the title is read from the page.
        expect(page.get_by_text(re.compile(rf"^écran {shown + 1}/\d+$"))).to_be_visible()


def screen_number(page: Page) -> int:
    """The running screen number shown in the control bar ("écran 8/16")."""
    label = page.get_by_text(re.compile(r"^écran \d+/\d+$")).first.inner_text()
    return int(re.match(r"écran (\d+)/", label).group(1))


def open_seance(page: Page, server_url: str, meeting: int, user: tuple[str, str]) -> None:
    page.goto(f"{server_url}/seance?id={meeting}")
    wait_for_sign_in_form(page)
    sign_in_without_sidebar(page, *user)


def sign_in_without_sidebar(page: Page, username: str, password: str) -> None:
    """The sign-in of browser_support waits for the sidebar's sign-out button, which a séance hides."""
    submit_sign_in(page, username, password)
    expect(page.locator(".sc-slide")).to_be_visible()
    settled(page)


def jump(page: Page, step: int) -> None:
    """Go to the first screen of a step through the step list."""
    page.get_by_role("button", name="Étapes").click()
    settled(page)
    page.get_by_role("button", name=re.compile(rf"^{step}\. ")).click()
    expect(page).to_have_url(re.compile(f"etape={step}&ecran=1$"))
    settled(page)


def download(page: Page, label: str) -> bytes:
    page.get_by_role("button", name="Dossier").click()
    button = page.get_by_role("button", name=label)
    expect(button).to_be_enabled()
    settled(page)  # a click on a popover still being drawn is lost, and no download ever starts
    with page.expect_download() as event:
        button.click()
    page.keyboard.press("Escape")
    return event.value.path().read_bytes()


def check_packs(page: Page, sections: tuple[str, ...]) -> None:
    pdf = PdfReader(io.BytesIO(download(page, "Diaporama PDF")))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert all(section in text for section in sections)
    assert sum(len(p.images) for p in pdf.pages) >= 2
    deck = Presentation(io.BytesIO(download(page, "Diaporama PowerPoint (PPTX)")))
    assert len(deck.slides) == len(pdf.pages)
    words = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                      if shape.has_text_frame)
    assert all(section in words for section in sections)


def test_a_planoise_revue_projected_with_live_capture_and_its_pack(start_server, new_page, seeded_sqlite_file,
                                                                    artifacts):
    _, database_url = seeded_sqlite_file
    revue, _ = prepare(database_url)
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/instance?id={revue}", *CONTRIBUTOR)
    page.get_by_role("link", name="Ouvrir en mode séance").click()
    expect(page.locator("h1.sc-title")).to_have_text("Le quartier en chiffres")

    titles = walk(page, artifacts, "revue", "1280x720")
    assert titles[0] == "Le quartier en chiffres" and titles[-1].startswith("Les décisions de la séance")
    assert {"Forces (5)", "Les priorités du projet de quartier", "Les suites de la revue précédente"} \
        <= {t.split(" (")[0] if t.startswith("Les") else t for t in titles}
    last = position(page)
    page.go_back()  # the browser's own navigation
    expect(page).not_to_have_url(re.compile(f"etape={last[0]}&ecran={last[1]}$"))
    settled(page)

    page.get_by_role("button", name="Décision", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Décision ou suite à donner").fill(DECISION)
    dialog.get_by_label("Personne ou service responsable (facultatif)").fill("Direction de l'habitat")
    dialog.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    settled(page)
    jump(page, 5)
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator(".sc-slide")).to_contain_text(DECISION)  # shown as text, tags and all
    settled(page)
    check_screen(page)
    page.screenshot(path=artifacts / "seance-revue-decision-saisie-1280x720.png")

    jump(page, 3)
    page.keyboard.press("PageDown")  # a presenter's remote
    expect(page).to_have_url(re.compile("etape=3&ecran=2$"))
    settled(page)
    page.get_by_role("button", name="Point d'avancement").click()
    settled(page)
    page.get_by_role("button", name=re.compile(r"^1\. Mener à bien")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("☂ Appui nécessaire").click()
    dialog.get_by_label("Difficultés et points de blocage").fill(DIFFICULTY)
    meeting = dialog.get_by_label("Relevé lors de l'instance")
    expect(meeting).to_have_value(re.compile("13 octobre 2026"))
    dialog.get_by_role("button", name="Enregistrer le point").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Point d'avancement enregistré")).to_be_visible()
    settled(page)

    check_packs(page, ("Le quartier en chiffres", "Les priorités du projet de quartier",
                       "Les suites de la revue précédente", "Les décisions de la séance", DECISION))
    page.get_by_role("link", name="Quitter").click()
    expect(heading(page, "Revue de projet – Planoise")).to_be_visible()
    expect(page.get_by_text(DECISION).first).to_be_visible()  # in the meeting sheet
    page.get_by_role("link", name="Retour à la gouvernance").click()
    expect(heading(page, "Gouvernance")).to_be_visible()
    settled(page)
    page.get_by_role("tab", name="Suivi des décisions").click()
    tracker = page.get_by_role("table", name="Suivi des décisions")
    # in the decisions tracker
    expect(tracker).to_contain_text("Organiser une marche exploratoire")
    assert "Traceback" not in server.log()

    reader = new_page(1920, 1080)  # a reader follows on their own screen
    open_seance(reader, server.url, revue, READER)
    expect(reader.get_by_role("button", name="Décision", exact=True)).to_have_count(0)
    expect(reader.get_by_text("Lecture seule")).to_be_visible()
    walk(reader, artifacts, "revue", "1920x1080")
    expect(reader.locator(".sc-slide")).to_contain_text(DECISION)

    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            decision = session.scalars(select(Decision).where(Decision.text == DECISION)).one()
            point = session.scalars(select(PriorityUpdate).where(PriorityUpdate.difficulties == DIFFICULTY)).one()
            assert (decision.meeting_id, point.meeting_id, point.weather) == (revue, revue, "appui_necessaire")
            audited = {(e.object_type, e.action) for e in session.scalars(
                select(AuditEvent).where(AuditEvent.username == CONTRIBUTOR[0]))}
            assert {("decision", "create"), ("priority_update", "create")} <= audited
    finally:
        engine.dispose()


def test_a_gbm_copil_projected_reordered_and_followed_by_a_reader(start_server, new_page, seeded_sqlite_file,
                                                                   artifacts):
    _, database_url = seeded_sqlite_file
    _, copil = prepare(database_url)
    server = start_server(database_url)
    page = new_page(1920, 1080)
    open_seance(page, server.url, copil, (INITIAL_ADMIN, ADMIN_PASSWORD))

    titles = walk(page, artifacts, "copil", "1920x1080")
    assert titles[0] == "Le contrat en un coup d'œil" and titles[-1] == "Les décisions à prendre"
    assert "La cadence des instances" in titles
    check_packs(page, ("Le contrat en un coup d'œil", "L'état des quartiers", "La cadence des instances",
                       "Les décisions à prendre"))

    page.get_by_role("button", name="Étapes").click()
    settled(page)
    page.get_by_role("button", name="Modifier le déroulé").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Masquer").nth(2).click()  # the cadence
    settled(page)
    dialog.get_by_role("button", name="Monter").nth(3).click()  # the decisions before the cadence
    settled(page)
    dialog.get_by_role("button", name="Enregistrer le déroulé").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Déroulé de la séance enregistré.")).to_be_visible()
    settled(page)

    reader = new_page(1280, 720)
    open_seance(reader, server.url, copil, READER)
    expect(reader.get_by_role("button", name="Modifier le déroulé")).to_have_count(0)
    titles = walk(reader, artifacts, "copil", "1280x720")
    assert "La cadence des instances" not in titles, "hidden for this meeting, on every screen"
    assert titles[-1] == "Les décisions à prendre"
    reader.get_by_role("button", name="Étapes").click()
    settled(reader)
    hidden = reader.get_by_text("Masquées pour cette séance : La cadence des instances")
    expect(hidden).to_be_visible()
    assert "Traceback" not in server.log()

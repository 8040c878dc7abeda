"""Readable in French, nothing cut: the pages at 1280×720 and 1920×1080, as lecteur and as administrateur.

(a) No English string of Streamlit's own (ENGLISH) is visible: the page's visible text, the values or placeholders
of its fields and the texts CSS draws in their place. (b) The texts that used to be cut are whole: their element
does not overflow (scrollWidth ≤ clientWidth), or the full text is on the screen.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from browser_support import ADMIN_PASSWORD, READER, add_reader, heading, open_signed_in, settled
from playwright.sync_api import Page, expect
from sqlalchemy import select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import Contract, Meeting
from pilotage.services.accounts import INITIAL_ADMIN
from tests.factories import neighbourhood_id

pytestmark = pytest.mark.e2e

SCREENS = [(1280, 720), (1920, 1080)]
ACCOUNTS = {"lecteur": READER, "administrateur": (INITIAL_ADMIN, ADMIN_PASSWORD)}
# Streamlit's English defaults, as its widgets write them, and what pandas writes for a missing value.
ENGLISH = ("Press Enter to submit form", "Press Enter to apply", "Choose options", "Choose an option",
           "Choose or add", "Select all", "Upload", "Browse files", "Drag and drop", "per file", "dd / mm / yyyy",
           "dd/mm/yyyy", "yyyy", "HH", "files are not allowed", "File must be", "No results", "more", "None", "NaN",
           "nan")
READER_PAGES = ("vue-ensemble", "quartier?q=planoise", "priorites", "carte", "gouvernance", "seance")
ADMIN_PAGES = (*READER_PAGES, "comptes", "contrats", "quartiers-contrat", "programmes", "indicateurs", "donnees",
               "journal")
SHOWN_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!element || element.closest("[data-testid='stIconMaterial'], script, style, noscript, template")) continue;
    const style = getComputedStyle(element);
    if (style.visibility !== "visible" || parseFloat(style.fontSize) === 0 || !element.getClientRects().length)
      continue;
    parts.push(walker.currentNode.textContent);
  }
  for (const field of document.querySelectorAll("input, textarea")) {
    if (field.type === "hidden" || field.type === "file" || !field.getClientRects().length) continue;
    parts.push(field.value || field.placeholder || "");
  }
  for (const element of document.querySelectorAll("[data-testid='stMain'] *, [data-testid='stSidebar'] *")) {
    for (const pseudo of ["::before", "::after"]) {
      const content = getComputedStyle(element, pseudo).content;
      if (content && content.startsWith('"')) parts.push(content.slice(1, -1));
    }
  }
  return parts.join("\\n");
}"""
OVERFLOWING = """(elements) => elements
  .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.innerText || e.value || "").slice(0, 80))"""


def english(page: Page) -> list[str]:
    shown = page.evaluate(SHOWN_TEXT)
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", shown)]


def overflowing(page: Page, selector: str) -> list[str]:
    """The texts of the visible elements matching `selector` that are wider than their box."""
    return page.locator(selector).evaluate_all(OVERFLOWING)


def meeting_ids(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            current = select(Meeting.id).join(Contract).where(Contract.slug == "gbm-2024-2030")
            revue = current.where(Meeting.kind == "revue_projet", Meeting.date == dt.date(2026, 10, 13))
            return {
                "battant": session.scalars(revue.where(Meeting.neighbourhood_id == neighbourhood_id(
                    session, "battant"))).one(),
                "orchamps": session.scalars(revue.where(Meeting.neighbourhood_id == neighbourhood_id(
                    session, "orchamps-palente"))).one(),
                "copil": session.scalars(current.where(Meeting.kind == "copil", Meeting.date == dt.date(2026, 6, 23),
                                                       Meeting.neighbourhood_id.is_(None))).one(),
            }
    finally:
        engine.dispose()


def open_path(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stMain']")
    settled(page)


def show_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settled(page)


def check_page(page: Page, path: str) -> dict[str, list[str]]:
    """What is English or cut on this page, by what was checked."""
    found = {"anglais": english(page)}
    if page.get_by_test_id("stSidebar").is_visible():
        found["contrat"] = overflowing(page, "[data-testid='stSidebar'] input[role='combobox']")
    if path == "priorites":
        show_tab(page, "À traiter d'abord")
        expect(page.get_by_role("table", name="Priorités")).to_be_visible()
        found["priorités"] = overflowing(page, "table[aria-label='Priorités'] td, .pl-table-box")
        found["anglais"] += english(page)
    elif path == "gouvernance":
        show_tab(page, "Suivi des décisions")
        expect(page.get_by_role("table", name="Suivi des décisions")).to_be_visible()
        found["décisions"] = overflowing(page, "table[aria-label='Suivi des décisions'] td, .pl-table-box")
        found["anglais"] += english(page)
    elif path == "carte":
        expect(heading(page, "Ouvrir la fiche d'un quartier")).to_be_visible()
        found["liens"] = overflowing(page, "[data-testid='stMain'] [data-testid='stPageLink-NavLink'] > span")
    return {what: items for what, items in found.items() if items}


@pytest.mark.parametrize("role", ACCOUNTS)
@pytest.mark.parametrize(("width", "height"), SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_page_is_in_french_and_nothing_is_cut(start_server, new_page, seeded_sqlite_file, artifacts, role,
                                                     width, height):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page(width, height)
    pages = ADMIN_PAGES if role == "administrateur" else READER_PAGES
    open_signed_in(page, f"{server.url}/{pages[0]}", *ACCOUNTS[role])
    problems = {}
    for path in pages:
        if path != pages[0]:
            open_path(page, f"{server.url}/{path}")
        found = check_page(page, path.split("?")[0])
        if found:
            problems[path] = found
            page.screenshot(path=artifacts / f"lisibilite-{path.split('?')[0]}-{role}-{width}x{height}.png")
    assert not problems, problems
    assert "Traceback" not in server.log()


def test_french_widgets_say_nothing_in_english_once_used(start_server, new_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/priorites", INITIAL_ADMIN, ADMIN_PASSWORD)

    box = page.get_by_role("combobox", name="Quartier", exact=True)
    box.scroll_into_view_if_needed()
    box.click()
    expect(page.get_by_role("option", name="Planoise", exact=True)).to_be_visible()
    assert english(page) == [], "the open list of a multiselect"
    page.keyboard.press("Escape")

    open_path(page, f"{server.url}/comptes")
    field = page.get_by_label("Identifiant", exact=True)
    field.fill("camille.essai")
    expect(field).to_be_focused()
    assert english(page) == [], "a form being filled in"

    open_path(page, f"{server.url}/gouvernance")
    page.get_by_role("button", name="Nouvelle instance").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Heure (facultative)")).to_be_visible()
    hour = dialog.locator("[data-type='hour']")
    assert hour.evaluate("e => getComputedStyle(e, '::before').content") == '"hh"'
    assert english(page) == [], "a dialog's form with an empty time"
    page.keyboard.press("Escape")

    open_path(page, f"{server.url}/journal")
    day = page.get_by_test_id("stDateInput").first.locator("[data-type='day']")
    assert day.evaluate("e => getComputedStyle(e, '::before').content") == '"jj"'
    assert english(page) == []
    page.screenshot(path=artifacts / "lisibilite-journal-dates-1280x720.png")


def test_the_upload_control_refuses_another_extension_in_french(start_server, new_page, seeded_sqlite_file,
                                                                 artifacts):
    _, database_url = seeded_sqlite_file
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/donnees", INITIAL_ADMIN, ADMIN_PASSWORD)

    zone = page.get_by_test_id("stFileUploaderDropzone").first  # the contours' control, in the first tab
    expect(zone).to_be_visible()
    assert zone.locator("button p").evaluate("e => getComputedStyle(e, '::after').content") == '"Parcourir"'
    zone.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "quartiers.csv", "mimeType": "text/csv", "buffer": b"code_qp;lib_qp\nQN02501M;Planoise\n"}])

    refusal = page.get_by_text("Fichier refusé : « quartiers.csv » est un fichier .csv : ce champ accepte "
                               "seulement les fichiers .geojson, .json ou .zip.")
    expect(refusal).to_be_visible()
    settled(page)
    assert english(page) == []
    page.screenshot(path=artifacts / "lisibilite-import-refuse-1280x720.png")


def slide_text(page: Page, url: str) -> str:
    open_path(page, url)
    return page.locator(".sc-slide").inner_text()


def find_screen(page: Page, url: str, step: int, wanted: str, screens: int = 10) -> str:
    """The text of the first screen of `step` that shows `wanted`."""
    for screen in range(1, screens + 1):
        text = slide_text(page, f"{url}&etape={step}&ecran={screen}")
        if wanted in text:
            return text
    raise AssertionError(f"« {wanted} » on none of the {screens} first screens of step {step}")


def chart_lines(page: Page, url: str, screens: int = 5) -> list[str]:
    """The texts of the first chart of the portrait step (an SVG image): one per line of a label."""
    for screen in range(1, screens + 1):
        open_path(page, f"{url}&etape=1&ecran={screen}")
        chart = page.locator(".sc-chart img")
        if chart.count():
            svg = base64.b64decode(chart.get_attribute("src").split(",", 1)[1]).decode("utf-8")
            return [line.strip() for line in re.findall(r"<(?:text|tspan)[^>]*>([^<]+)<", svg)]
    raise AssertionError(f"no chart on the {screens} first screens of the portrait")


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_seance_screens_show_whole_texts(start_server, new_page, seeded_sqlite_file, artifacts, width, height):
    _, database_url = seeded_sqlite_file
    ids = meeting_ids(database_url)
    server = start_server(database_url)
    page = new_page(width, height)
    open_signed_in(page, f"{server.url}/gouvernance", INITIAL_ADMIN, ADMIN_PASSWORD)

    # The portrait's comparison chart of Battant: its first indicator's label takes four lines.
    lines = chart_lines(page, f"{server.url}/seance?id={ids['battant']}")
    assert "familles (Occupation du" in lines and "Parc Social)" in lines, " | ".join(lines)

    orchamps = f"{server.url}/seance?id={ids['orchamps']}"
    second = find_screen(page, orchamps, 3, "2. Renforcer le lien")
    assert "l’arrivée des nouveaux occupants et pour les suivre dans le temps" in " ".join(second.split())
    fourth = find_screen(page, orchamps, 3, "4. Lever les freins")
    assert "les parcours d’insertion vers l’emploi (notamment les familles monoparentales)" in " ".join(fourth.split())
    ninth = find_screen(page, orchamps, 3, "9. Améliorer les franchissements")
    assert "en les sécurisant pour faciliter les liaisons entre les secteurs du quartier" in " ".join(ninth.split())
    page.screenshot(path=artifacts / f"lisibilite-seance-priorite-9-{width}x{height}.png")

    cadence = find_screen(page, f"{server.url}/seance?id={ids['copil']}", 3, "Pacte")
    assert "Pacte pour l’émancipation des jeunes de Planoise" in cadence or \
        "Pacte pour l'émancipation des jeunes de Planoise" in cadence
    assert overflowing(page, ".sc-table td") == []
    scroll, client = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                                   " return [m.scrollHeight, m.clientHeight]; }")
    assert scroll <= client, "the cadence screen holds on the wall without scrolling"
    page.screenshot(path=artifacts / f"lisibilite-seance-cadence-{width}x{height}.png")

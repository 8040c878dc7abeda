"""In a real browser, a new territory from nothing: a database with only the administrator, then, all through the
UI, a contract, its five QPV from an official-style file, a projet de quartier with priorities imported from a
table, indicators imported from a Latin-1 CSV with decimal commas; the Vue d'ensemble, the Quartier portrait,
Priorités and the Carte choropleth then show the new territory (issue 12's acceptance test).

The map needs WebGL: like tests/e2e/test_map.py, the test runs in a Chromium allowed software WebGL.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_support import ADMIN_PASSWORD, heading, open_signed_in, page_factory, settled
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import Contract, IndicatorValue, Neighbourhood, Priority, Programme
from pilotage.services.accounts import INITIAL_ADMIN

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QPV_FILE = FIXTURES / "qpv_2024_extrait.geojson"
PRIORITIES_FILE = FIXTURES / "priorites_nouveau_territoire.csv"
CHROMIUM = Path("/usr/bin/chromium")
GL_ARGS = ["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"]
DECK = "[data-testid='stDeckGlJsonChart']"

NAME = "Contrat de Ville du Val d'Amour 2024-2030"
SLUG = "contrat-de-ville-du-val-d-amour-2024-2030"
HOOD, HOOD_CODE = "Les Paters", "QN03902M"
PROGRAMME = "Projet de quartier des Paters"
PRIORITY = "Rénover les halls et les abords des immeubles des Paters"
UNEMPLOYMENT = "Taux de chômage (%)"
# An INSEE-style table as Excel saves it in France: `;`, decimal commas, accented headers, Windows-1252.
INDICATORS_CSV = (
    "Code QPV;Libellé du quartier;Année;Unité;Taux de chômage (%);Part des moins de 25 ans (%)\n"
    "QN03901M;Les Mesnils Pasteur;2021;%;18,3;34,1\n"
    "QN03902M;Les Paters;2021;%;12,5;29,8\n"
    "QN03903M;La Rotonde - Grand Pré;2021;%;21,7;38,2\n"
    "QN03904M;Les Épenottes;2021;%;9,4;27,6\n"
    "QN03905M;Champ-Fleuri;2021;%;15,0;31,9\n"
).encode("latin-1")


@pytest.fixture(scope="module")
def gl_browser(browser):
    """A Chromium allowed software WebGL, launched by the session's Playwright (one sync Playwright at a time)."""
    gl = browser.browser_type.launch(executable_path=str(CHROMIUM), args=GL_ARGS, headless=True)
    yield gl
    gl.close()


@pytest.fixture
def gl_page(gl_browser):
    yield from page_factory(gl_browser)


def counts(database_url: str) -> dict[str, int | str | None]:
    """What the server's database holds for the new contract, and the slug of « Les Paters »."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            def count(query) -> int:
                return session.scalar(select(func.count()).select_from(query.subquery()))

            mine = select(Contract.id).where(Contract.slug == SLUG).scalar_subquery()
            return {
                "contracts": count(select(Contract.id)),
                "neighbourhoods": count(select(Neighbourhood.id).where(Neighbourhood.contract_id == mine)),
                "priorities": count(select(Priority.id).join(Programme).where(Programme.contract_id == mine)),
                "values": count(select(IndicatorValue.id).join(Neighbourhood)
                                .where(Neighbourhood.contract_id == mine)),
                "hood_slug": session.scalar(select(Neighbourhood.slug).where(Neighbourhood.contract_id == mine,
                                                                             Neighbourhood.official_code == HOOD_CODE)),
            }
    finally:
        engine.dispose()


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()  # a click that scrolls the page closes the list it opens
    box.click()
    page.get_by_role("option", name=option).click()
    settled(page)


def uploader(page: Page, label: str):
    return page.get_by_test_id("stFileUploader").filter(has_text=label).locator("input[type='file']")


def create_contract(page: Page, url: str) -> None:
    page.goto(f"{url}/contrats")
    expect(heading(page, "Contrats")).to_be_visible()
    settled(page)
    page.get_by_role("textbox", name="Nom du contrat", exact=True).filter(visible=True).fill(NAME)
    page.get_by_role("textbox", name="Territoire", exact=True).filter(visible=True).fill("Communauté de communes "
                                                                                        "du Val d'Amour")
    page.get_by_role("spinbutton", name="Année de début", exact=True).filter(visible=True).fill("2024")
    page.get_by_role("spinbutton", name="Année de fin", exact=True).filter(visible=True).fill("2030")
    page.get_by_role("button", name="Créer le contrat").click()
    expect(page.get_by_text(f"Contrat « {NAME} » créé", exact=False)).to_be_visible()
    settled(page)


def create_neighbourhoods(page: Page, url: str) -> None:
    page.goto(f"{url}/quartiers-contrat?contrat={SLUG}")
    expect(heading(page, "Quartiers du contrat")).to_be_visible()
    settled(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(QPV_FILE))
    button = page.get_by_role("button", name="Créer 5 QPV")
    expect(button).to_be_enabled()
    settled(page)
    button.click()
    expect(page.get_by_text("5 QPV créés")).to_be_visible()
    settled(page)


def create_programme_and_import_priorities(page: Page, url: str) -> None:
    page.goto(f"{url}/programmes?contrat={SLUG}")
    expect(heading(page, "Programmes et priorités")).to_be_visible()
    expect(page.get_by_text("Aucun programme à modifier dans ce contrat")).to_be_visible()
    settled(page)
    page.get_by_role("textbox", name="Nom", exact=True).fill(PROGRAMME)
    choose(page, "Quartier", HOOD)
    page.get_by_role("button", name="Créer le programme").click()
    expect(page.get_by_text(f"Programme « {PROGRAMME} » créé.")).to_be_visible()
    settled(page)

    page.get_by_role("tab", name="Importer des priorités").click()
    settled(page)
    uploader(page, "Tableau des priorités").set_input_files(str(PRIORITIES_FILE))
    confirm = page.get_by_role("button", name="Importer (3)")
    expect(confirm).to_be_visible()
    settled(page)
    confirm.click()
    expect(page.get_by_text(f"Import terminé : 3 priorité(s) créé(s) depuis « {PRIORITIES_FILE.name} ».")) \
        .to_be_visible()
    settled(page)


def import_indicators(page: Page, url: str, csv_file: Path) -> None:
    page.goto(f"{url}/indicateurs?contrat={SLUG}")
    expect(heading(page, "Indicateurs et équipements")).to_be_visible()
    settled(page)
    uploader(page, "Tableau des indicateurs").set_input_files(str(csv_file))
    expect(page.get_by_text("Nouveaux indicateurs (2)")).to_be_visible()
    settled(page)
    # The guessed mapping: the place by its QPV code, the year and the unit columns, both rates as indicators.
    expect(page.get_by_role("combobox", name="Colonne du lieu (code QPV ou nom)")).to_have_value("Code QPV")
    expect(page.get_by_role("combobox", name="Colonne de l'année")).to_have_value("Année")
    expect(page.get_by_role("combobox", name="Colonne de l'unité (facultatif)")).to_have_value("Unité")
    source = page.get_by_role("textbox", name="Source des valeurs (titre du fichier)")
    source.fill("INSEE, RP 2021")
    source.press("Enter")
    settled(page)
    confirm = page.get_by_role("button", name="Importer 10 valeurs et créer 2 indicateurs")
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.get_by_text("Import terminé : 10 valeurs nouvelles", exact=False)).to_be_visible()
    settled(page)


def test_an_administrator_starts_a_territory_from_an_empty_database(start_server, gl_page, tmp_path, artifacts):
    database_url = f"sqlite:///{tmp_path / 'vide.sqlite3'}"
    server = start_server(database_url, extra_env={"PILOTAGE_SEED": "none"})
    page = gl_page(1280, 720)
    started = time.perf_counter()
    open_signed_in(page, f"{server.url}/contrats", INITIAL_ADMIN, ADMIN_PASSWORD)
    assert counts(database_url)["contracts"] == 0, "the database starts with no contract"

    create_contract(page, server.url)
    page.screenshot(path=artifacts / "nouveau-territoire-1-contrat.png")
    create_neighbourhoods(page, server.url)
    page.screenshot(path=artifacts / "nouveau-territoire-2-quartiers.png")
    hood_slug = counts(database_url)["hood_slug"]
    assert counts(database_url)["neighbourhoods"] == 5 and hood_slug

    create_programme_and_import_priorities(page, server.url)
    page.screenshot(path=artifacts / "nouveau-territoire-3-priorites-importees.png")
    indicators = tmp_path / "indicateurs_val_d_amour.csv"
    indicators.write_bytes(INDICATORS_CSV)
    import_indicators(page, server.url, indicators)
    page.screenshot(path=artifacts / "nouveau-territoire-4-indicateurs.png")
    stored = counts(database_url)
    assert (stored["contracts"], stored["priorities"], stored["values"]) == (1, 3, 10)

    page.goto(f"{server.url}/?contrat={SLUG}")
    expect(heading(page, NAME)).to_be_visible()
    expect(page.get_by_text(HOOD, exact=True).first).to_be_visible()
    settled(page)
    page.screenshot(path=artifacts / "nouveau-territoire-5-vue-ensemble.png")

    page.goto(f"{server.url}/quartier?contrat={SLUG}&q={hood_slug}")
    expect(heading(page, HOOD)).to_be_visible()
    card = page.locator(".pl-portrait-figure").filter(has_text=UNEMPLOYMENT)
    expect(card.locator(".pl-figure")).to_have_text("12,5\u00a0%")
    settled(page)
    page.screenshot(path=artifacts / "nouveau-territoire-6-portrait.png")

    page.goto(f"{server.url}/priorites?contrat={SLUG}")
    expect(heading(page, "Priorités")).to_be_visible()
    settled(page)
    page.get_by_role("tab", name="Suivi et saisie par programme").click()
    expect(page.get_by_text(PRIORITY).filter(visible=True).first).to_be_visible()
    settled(page)
    page.screenshot(path=artifacts / "nouveau-territoire-7-priorites.png")

    page.goto(f"{server.url}/carte?contrat={SLUG}")
    expect(heading(page, "Carte")).to_be_visible()
    expect(page.locator(DECK).locator("canvas").first).to_be_visible()
    settled(page)
    choose(page, "Colorer les quartiers selon", f"Indicateurs importés — {UNEMPLOYMENT}")
    expect(page.locator(DECK).locator("canvas").first).to_be_visible()
    expect(page.get_by_text(f"{HOOD} — QPV : 12,5\u00a0%")).to_be_visible()
    settled(page)
    page.screenshot(path=artifacts / "nouveau-territoire-8-carte.png")
    print(f"\nNouveau territoire de bout en bout dans le navigateur : {time.perf_counter() - started:.0f} s")
    assert "Traceback" not in server.log()

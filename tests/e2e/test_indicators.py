"""The Indicateurs et équipements page in a real browser: an administrator imports an INSEE-style table."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import ADMIN_PASSWORD, heading, open_signed_in, settled
from playwright.sync_api import expect
from sqlalchemy import func, select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import Contract, IndicatorValue, Neighbourhood

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "indicateurs_latin1.csv"
CODES = {"planoise": "QN02501M", "montrapon": "QN02502M", "orchamps-palente": "QN02503M"}


def _with_session(database_url: str, work):
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            result = work(session)
            session.commit()
            return result
    finally:
        engine.dispose()


def _record_codes(session) -> None:
    hoods = session.scalars(select(Neighbourhood).join(Contract).where(Contract.slug == "gbm-2024-2030",
                                                                       Neighbourhood.slug.in_(list(CODES))))
    for hood in hoods:
        hood.official_code = CODES[hood.slug]


def _value_count(session) -> int:
    return session.scalar(select(func.count()).select_from(IndicatorValue))


def test_an_administrator_imports_a_latin1_table_in_the_browser(start_server, new_page, seeded_sqlite_file,
                                                                 artifacts):
    _, database_url = seeded_sqlite_file
    _with_session(database_url, _record_codes)
    before = _with_session(database_url, _value_count)
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/indicateurs", "admin", ADMIN_PASSWORD)
    expect(heading(page, "Indicateurs et équipements")).to_be_visible()

    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(FIXTURE))
    expect(page.get_by_text("Nouveaux indicateurs (1)")).to_be_visible()
    settled(page)
    source = page.get_by_role("textbox", name="Source des valeurs (titre du fichier)")
    source.fill("INSEE, RP 2021")
    source.press("Enter")
    settled(page)
    page.screenshot(path=str(artifacts / "indicateurs-apercu.png"), full_page=False)
    page.get_by_role("button", name="Importer 15 valeurs et créer 1 indicateur").click()

    expect(page.get_by_text("Import terminé : 15 valeurs nouvelles")).to_be_visible()
    settled(page)
    page.screenshot(path=str(artifacts / "indicateurs-import-termine.png"), full_page=False)
    assert _with_session(database_url, _value_count) == before + 15

    page.get_by_role("tab", name="Équipements").click()
    expect(page.get_by_role("tab", name="Ajouter un équipement")).to_be_visible()
    settled(page)
    page.screenshot(path=str(artifacts / "indicateurs-equipements.png"), full_page=False)
    page.get_by_role("tab", name="Indicateurs", exact=True).click()
    expect(page.get_by_text("Indicateur à modifier")).to_be_visible()
    settled(page)
    page.screenshot(path=str(artifacts / "indicateurs-formulaires.png"), full_page=False)

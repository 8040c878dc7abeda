"""In a real browser, against a server started for the test: gating of the first request, deep links, layout."""

from __future__ import annotations

import pytest
from browser_support import (
    ADMIN_PASSWORD,
    BELFORT_CONTRACT,
    BELFORT_QPV,
    CURRENT_CONTRACT,
    READER,
    add_reader,
    heading,
    settled,
    sign_in,
    wait_for_sign_in_form,
)
from playwright.sync_api import Page, expect

from components.navigation import PAGES, PageSpec
from pilotage.permissions import ADMIN, PROGRAMMES
from pilotage.services.accounts import INITIAL_ADMIN

pytestmark = pytest.mark.e2e

SCREENS = ((1280, 720), (1440, 900))
ADMIN_PAGES = [p for p in PAGES if p.action in (ADMIN, PROGRAMMES)]  # the pages a reader may not open


def assert_not_rendered(page: Page, forbidden: PageSpec) -> None:
    expect(heading(page, forbidden.title)).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)


@pytest.mark.parametrize("admin_page", ADMIN_PAGES, ids=lambda p: p.url_path)
def test_the_first_request_of_a_fresh_server_to_an_admin_page_is_gated(start_server, new_page, seeded_sqlite_file,
                                                                       artifacts, admin_page):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page()

    # Nobody has opened the root of this server yet: Streamlit's legacy pages/ mode is still on.
    page.goto(f"{server.url}/{admin_page.url_path}")
    wait_for_sign_in_form(page)

    expect(heading(page, "Pilotage du Contrat de Ville")).to_be_visible()
    assert_not_rendered(page, admin_page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # not even the legacy menu of pages/

    sign_in(page, *READER)

    expect(heading(page, CURRENT_CONTRACT)).to_be_visible()
    assert_not_rendered(page, admin_page)
    expect(page.get_by_test_id("stSidebarNav").get_by_text(admin_page.title, exact=True)).to_have_count(0)
    assert "Traceback" not in server.log()
    page.screenshot(path=artifacts / f"lecteur-after-{admin_page.url_path}-link.png")


@pytest.mark.parametrize(("link", "shown"), [
    ("/?contrat=grand-belfort-2015-2020", BELFORT_CONTRACT),  # the overview is the default page: its URL is /
    ("/comptes", "Comptes"),
], ids=["overview", "comptes"])
def test_a_deep_link_as_first_request_survives_sign_in(start_server, new_page, tmp_path, link, shown):
    empty = tmp_path / "vide.sqlite3"  # the app migrates and seeds it on its first request
    server = start_server(f"sqlite:///{empty}")
    page = new_page()

    page.goto(server.url + link)
    wait_for_sign_in_form(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    sign_in(page, INITIAL_ADMIN, ADMIN_PASSWORD)

    expect(heading(page, shown)).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert page.url == server.url + link
    if "contrat" in link:
        selector = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Contrat")
        expect(selector).to_have_value("2015-2020 · Grand Belfort…")
        for name in BELFORT_QPV:
            expect(page.get_by_text(name, exact=True)).to_be_visible()
    assert "Traceback" not in server.log()


MAIN_HEIGHT = "document.querySelector(\"[data-testid='stMain']\").scrollHeight"
TRUNCATED = """() => [...document.querySelectorAll("[data-testid='stMain'] *")]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
               && ["hidden", "clip"].includes(getComputedStyle(e).overflowX))
  .map(e => e.innerText)"""


@pytest.mark.parametrize(("width", "height"), SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_overview_screenshots(start_server, new_page, seeded_sqlite_file, artifacts, width, height):
    _, database_url = seeded_sqlite_file
    server = start_server(database_url)
    page = new_page(width, height)

    page.goto(server.url)
    wait_for_sign_in_form(page)
    sign_in(page, INITIAL_ADMIN, ADMIN_PASSWORD)
    expect(heading(page, CURRENT_CONTRACT)).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
           .first).to_be_visible()
    expect(page.get_by_text("Cité de la Pelouse", exact=True)).to_be_attached()
    page.evaluate("document.fonts.ready")
    page.mouse.move(width - 1, height - 1)  # no hover highlight in the pictures
    settled(page)

    page.screenshot(path=artifacts / f"vue-ensemble-{width}x{height}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert page.evaluate(TRUNCATED) == [], "texts of the main area cut by their box"

    # The main area scrolls inside the window: a window as tall as that area shows the whole page.
    page.set_viewport_size({"width": width, "height": page.evaluate(MAIN_HEIGHT)})
    expect(page.get_by_text("Cité de la Pelouse", exact=True)).to_be_in_viewport()
    settled(page)
    page.screenshot(path=artifacts / f"vue-ensemble-{width}x{height}-full.png")

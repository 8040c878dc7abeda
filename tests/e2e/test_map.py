"""The Carte page in a real browser: deck.gl draws with no network, tooltips stay text, a click opens the page.

deck.gl needs WebGL: headless Chromium gives it through SwiftShader (software), which recent versions only
allow with --enable-unsafe-swiftshader; the flag is harmless where a GPU or the old fallback exists.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from browser_support import (
    READER,
    add_reader,
    heading,
    page_factory,
    settled,
    submit_sign_in,
    wait_for_sign_in_form,
)
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from components import maps
from components.map_labels import to_pixels
from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.geometry import View
from pilotage.models import Contract, Neighbourhood
from pilotage.queries import maps as map_queries

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
GL_ARGS = ["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"]
HTML_NAME = "<img src=x onerror=alert(1)>"
DECK = "[data-testid='stDeckGlJsonChart']"
INSIDE_PLANOISE = (5.958, 47.227)  # inside the seeded contour, away from its three facilities
BASE_MAP_HOSTS = ("cartocdn", "mapbox", "maptiler", "openstreetmap", "tile")


@pytest.fixture(scope="module")
def gl_browser(browser):
    """A Chromium allowed software WebGL, launched by the session's Playwright (one sync Playwright at a time)."""
    gl = browser.browser_type.launch(executable_path=str(CHROMIUM), args=GL_ARGS, headless=True)
    yield gl
    gl.close()


@pytest.fixture
def map_page(gl_browser):
    """Like new_page, in the Chromium allowed software WebGL."""
    yield from page_factory(gl_browser)


def rename_planoise(database_url: str) -> None:
    """A name shaped like HTML, to prove the tooltip shows it as text."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            planoise = session.scalar(select(Neighbourhood).join(Contract).where(
                Contract.slug == "gbm-2024-2030", Neighbourhood.slug == "planoise"))
            planoise.name = HTML_NAME
            session.commit()
    finally:
        engine.dispose()


def initial_view(database_url: str, contract_slug: str = "gbm-2024-2030") -> View:
    """The view the page computes, from the same data and the same builder."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            contract_id = session.scalar(select(Contract.id).where(Contract.slug == contract_slug))
            hoods = map_queries.list_map_neighbourhoods(session, contract_id=contract_id)
            facilities = map_queries.list_map_facilities(session, contract_id=contract_id)
    finally:
        engine.dispose()
    state = json.loads(maps.contract_deck(hoods, facilities, height=480, width=maps.CONTRACT_MAP_WIDTH)
                       .to_json())["initialViewState"]
    return View(state["latitude"], state["longitude"], state["zoom"])


def wait_until_drawn(page) -> None:
    """A canvas inside the deck container, and coloured pixels on it (the layers were drawn)."""
    deck = page.locator(DECK)
    expect(deck.locator("canvas").first).to_be_attached()
    for _ in range(120):
        picture = Image.open(io.BytesIO(deck.screenshot())).convert("RGB")
        if sum(count for count, colour in picture.getcolors(1 << 20) if colour != (255, 255, 255)) > 500:
            return
        page.wait_for_timeout(500)
    raise AssertionError("the deck stayed blank")


def sign_in_as_reader(page) -> None:
    """Sign in without waiting for idle: the map's script bundle keeps a loading skeleton for a few seconds."""
    submit_sign_in(page, *READER)


def open_map(page, url: str) -> list[str]:
    """Sign in as a reader on /carte; return the list that collects requests to other hosts."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
    page.goto(f"{url}/carte")
    wait_for_sign_in_form(page)
    sign_in_as_reader(page)
    expect(heading(page, "Carte")).to_be_visible()
    wait_until_drawn(page)
    settled(page)
    return outside


def test_the_map_draws_offline_keeps_names_as_text_and_opens_a_neighbourhood(
        start_server, map_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    rename_planoise(database_url)
    view = initial_view(database_url)
    server = start_server(database_url)
    page = map_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    outside = open_map(page, server.url)

    assert not [u for u in outside if any(host in u for host in BASE_MAP_HOSTS)], "no base map is fetched"
    box = page.locator(DECK).locator("canvas").first.bounding_box()
    x, y = to_pixels(*INSIDE_PLANOISE, view, int(box["width"]), int(box["height"]))
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator(".deck-tooltip")
    expect(tooltip).to_contain_text("QPV · Besançon")
    assert tooltip.inner_text().splitlines()[0] == HTML_NAME
    assert tooltip.locator("img").count() == 0 and not dialogs, "the name was not interpreted as HTML"
    page.screenshot(path=artifacts / "carte-tooltip-1280x720.png")

    page.mouse.click(box["x"] + x, box["y"] + y)

    expect(heading(page, HTML_NAME)).to_be_visible()
    assert "/quartier?" in page.url and "q=planoise" in page.url
    assert "Traceback" not in server.log()


@pytest.mark.parametrize(("contract", "width", "height"), [
    ("gbm-2024-2030", 1280, 720), ("gbm-2024-2030", 1440, 900),
    ("grand-belfort-2015-2020", 1280, 720), ("grand-belfort-2015-2020", 1440, 900),
], ids=["besancon-1280", "besancon-1440", "belfort-1280", "belfort-1440"])
def test_map_screenshots(start_server, map_page, seeded_sqlite_file, artifacts, contract, width, height):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = map_page(width, height)
    page.goto(f"{server.url}/carte?contrat={contract}")
    wait_for_sign_in_form(page)
    sign_in_as_reader(page)
    expect(heading(page, "Carte")).to_be_visible()
    wait_until_drawn(page)
    expect(page.get_by_text("QPV : contour plein épais", exact=False)).to_be_visible()
    page.mouse.move(width - 1, height - 1)
    settled(page)
    page.screenshot(path=artifacts / f"carte-{contract}-{width}x{height}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"

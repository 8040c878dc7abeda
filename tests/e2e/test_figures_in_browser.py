"""Figures in a browser: the portrait's numbers and bars, headline counts kept apart and never cut, the cadre
contract's framework tree, at 1280×720 and 1920×1080."""

from __future__ import annotations

import pytest
from browser_support import READER, add_reader, heading, settled, sign_in, wait_for_sign_in_form
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CUT = """(selector) => [...document.querySelectorAll(selector)]
    .filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent)"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_reader_reads_the_portrait_the_counts_and_the_framework(start_server, new_page, seeded_sqlite_file,
                                                                    artifacts, size):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page(*size)
    page.goto(f"{server.url}/quartier?q=planoise")
    wait_for_sign_in_form(page)
    sign_in(page, *READER)
    expect(heading(page, "Planoise")).to_be_visible()

    card = page.locator(".pl-portrait-figure", has_text="Évolution de la population entre 2013 et 2018")
    expect(card.locator(".pl-figure")).to_have_text("+0,6 %")
    expect(page.locator(".pl-portrait-figure", has_text="Population").first.locator(".pl-figure")) \
        .to_have_text("15 378 habitants")
    page.get_by_role("tab", name="Logement").click()
    settled(page)
    charts = page.locator("[data-testid='stVegaLiteChart']:visible")
    expect(charts.first).to_be_visible()
    source = page.locator(".pl-source:visible", has_text="Contrat de Ville GBM 2024-2030, portrait de Planoise")
    expect(source).to_be_visible()
    assert page.evaluate(CUT, ".pl-portrait-label") == []
    page.screenshot(path=artifacts / f"portrait-planoise-logement-{size[0]}x{size[1]}.png")

    page.goto(f"{server.url}/?contrat=gbm-2024-2030")
    settled(page)
    expect(page.locator(".pl-keyfigure", has_text="Priorités des projets de quartier")
           .locator(".pl-keyfigure-value")).to_have_text("64")
    expect(page.locator(".pl-keyfigure", has_text="Mesures du Pacte").locator(".pl-keyfigure-value")).to_have_text("30")
    assert page.evaluate(CUT, ".pl-keyfigure-label, .pl-keyfigure-detail") == []

    page.goto(f"{server.url}/?contrat=cadre-2015-2020")
    expect(page.get_by_role("heading", name="Cadre stratégique", exact=True)).to_be_visible()
    settled(page)  # a click on the tree while the page still runs would be undone by the redraw
    objective = page.locator(".pl-tree summary", has_text="Favoriser le bien vivre ensemble dans la diversité")
    expect(objective).to_be_visible()  # the axes start open on a contract that is only a framework
    operational = page.get_by_text("Améliorer la sécurité et faire reculer le sentiment d'insécurité")
    expect(operational).to_be_hidden()
    objective.click()
    page.locator(".pl-tree summary", has_text="En luttant contre la délinquance et les incivilités").click()
    expect(operational).to_be_visible()
    page.screenshot(path=artifacts / f"cadre-strategique-{size[0]}x{size[1]}.png")

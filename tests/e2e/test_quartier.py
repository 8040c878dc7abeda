"""The Quartier page in a browser: a contributor lands on their neighbourhood, opens another, adds an FFOM item."""

from __future__ import annotations

import pytest
from browser_support import add_account, heading, settled, sign_in, wait_for_sign_in_form
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CONTRIBUTOR = ("camille.planoise", "Essai-contrib-2024")
NEW_ITEM = "Ouverture d'une ressourcerie au cœur du quartier <b>test</b>"


def add_planoise_contributor(database_url: str) -> None:
    add_account(database_url, *CONTRIBUTOR, display_name="Camille Planoise", neighbourhood_slugs=("planoise",))


def test_contributor_lands_on_planoise_browses_and_adds_an_ffom_item(start_server, new_page, seeded_sqlite_file,
                                                                      artifacts):
    _, database_url = seeded_sqlite_file
    add_planoise_contributor(database_url)
    server = start_server(database_url)
    page = new_page(1280, 720)
    page.goto(server.url)
    wait_for_sign_in_form(page)
    sign_in(page, *CONTRIBUTOR)

    expect(heading(page, "Planoise")).to_be_visible()  # "mon quartier": straight to their neighbourhood
    expect(page.get_by_text("15 378 habitants (2018, source : Contrat de Ville GBM 2024-2030, "
                            "portrait de Planoise)")).to_be_visible()
    page.screenshot(path=artifacts / "quartier-planoise-portrait-1280x720.png")

    page.goto(f"{server.url}/quartier?q=battant&section=ffom")  # a pasted link: still signed in
    expect(heading(page, "Battant")).to_be_visible()
    settled(page)
    expect(page.get_by_text("Modifier la grille")).to_have_count(0)  # not their neighbourhood
    page.screenshot(path=artifacts / "quartier-battant-ffom-1280x720.png")

    page.get_by_test_id("stSidebar").get_by_label("Quartier").click()
    page.get_by_role("option", name="★ Planoise").click()
    expect(heading(page, "Planoise")).to_be_visible()
    settled(page)
    page.get_by_text("Modifier la grille").click()
    page.get_by_role("button", name="Ajouter un élément").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Texte").fill(NEW_ITEM)
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)
    expect(page.get_by_text(NEW_ITEM, exact=True)).to_be_visible()  # shown as text, tags and all
    page.get_by_text(NEW_ITEM, exact=True).scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "quartier-planoise-ffom-added-1280x720.png")
    assert "Traceback" not in server.log()

"""Programmes et priorités in a browser: an administrator rewords a priority; the Priorités page shows the new
wording with the former one, and the priority keeps its points."""

from __future__ import annotations

import pytest
from browser_support import ADMIN_PASSWORD, add_reader, heading, open_signed_in, settled
from playwright.sync_api import expect

from pilotage.services.accounts import INITIAL_ADMIN

pytestmark = pytest.mark.e2e

FORMER = "Assurer la propreté du quartier et la gestion des déchets en associant les habitants et acteurs du quartier"
NEW = "Assurer la propreté du quartier avec un plan de gestion des déchets construit avec les habitants"


def choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()  # a click that scrolls the page closes the list it opens
    box.click()
    page.get_by_role("option", name=option).click()
    settled(page)


def test_an_administrator_rewords_a_priority_and_the_follow_up_keeps_its_points(
        start_server, new_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)  # creates the administrator too
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/programmes", INITIAL_ADMIN, ADMIN_PASSWORD)
    expect(heading(page, "Programmes et priorités")).to_be_visible()
    choose(page, "Programme", "Projet de quartier — Planoise (12 priorités)")
    page.screenshot(path=artifacts / "programmes-1280x720.png")

    choose(page, "Priorité", f"2. {FORMER[:90]}")
    page.get_by_label("Texte", exact=True).fill(NEW)
    page.get_by_role("button", name="Enregistrer").first.click()
    settled(page)
    expect(page.get_by_text("Priorité enregistrée.")).to_be_visible()
    expect(page.get_by_text(f"ancienne formulation : « {FORMER} »").first).to_be_visible()
    page.screenshot(path=artifacts / "programmes-reformulee-1280x720.png", full_page=True)
    page.get_by_role("tab", name="Socle commun").click()
    expect(page.get_by_text("Améliorer la qualité et le cadre de vie des habitants").first).to_be_visible()
    page.screenshot(path=artifacts / "programmes-socle-commun-1280x720.png")

    page.goto(f"{server.url}/priorites")
    settled(page)
    page.get_by_role("tab", name="Suivi et saisie par programme").click()
    choose(page, "Programme à suivre", "Projet de quartier — Planoise")
    block = page.get_by_test_id("stVerticalBlock").filter(has_text=NEW).filter(
        has=page.get_by_text("Détail et historique")).last
    expect(block.get_by_text(f"ancienne formulation : « {FORMER} »")).to_be_visible()
    expect(block.get_by_text("Détail et historique (", exact=False)).not_to_have_text("Détail et historique (0 point)")

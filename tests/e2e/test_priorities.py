"""Priorités in a browser: a contributor records a point and sees the new state on the Priorités and Quartier pages."""

from __future__ import annotations

import pytest
from browser_support import add_account, heading, open_signed_in, settled
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

CONTRIBUTOR = ("dominique.planoise", "Essai-contrib-2024")
DIFFICULTY = "Chantier arrêté : l'entreprise a fait faillite"
FIRST_PRIORITY = "Mener à bien le projet de renouvellement urbain du quartier"


def add_planoise_contributor(database_url: str) -> None:
    add_account(database_url, *CONTRIBUTOR, display_name="Dominique Planoise", neighbourhood_slugs=("planoise",))


def figure(page: Page, label: str):
    """The big number above `label` in the figures strip of the Priorités page."""
    return page.locator(".pl-figure-box", has_text=label).locator(".pl-figure")


def priority_block(page: Page):
    """The bordered block of the first Planoise priority: its text, state, button and history."""
    return page.get_by_test_id("stVerticalBlock").filter(has_text=FIRST_PRIORITY).filter(
        has=page.get_by_text("Détail et historique")).last


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()  # a click that scrolls the page closes the list it opens
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    settled(page)


def test_a_contributor_records_a_point_and_sees_the_new_state(start_server, new_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_planoise_contributor(database_url)
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/priorites", *CONTRIBUTOR)

    expect(heading(page, "Priorités")).to_be_visible()
    expect(figure(page, "⚡ Compromis")).to_have_text("7")
    page.screenshot(path=artifacts / "priorites-1280x720.png")

    page.get_by_role("tab", name="Suivi et saisie par programme").click()
    choose(page, "Programme à suivre", "Projet de quartier — Planoise")
    row = priority_block(page)
    row.get_by_role("button", name="Nouveau point").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Nouveau point d'avancement")).to_be_visible()
    dialog.get_by_text("⚡ Compromis", exact=True).click()
    dialog.get_by_label("Difficultés et points de blocage").fill(DIFFICULTY)
    page.screenshot(path=artifacts / "priorites-nouveau-point-1280x720.png")
    dialog.get_by_role("button", name="Enregistrer le point").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)

    expect(page.get_by_text("Point d'avancement enregistré (⚡ Compromis")).to_be_visible()
    expect(figure(page, "⚡ Compromis")).to_have_text("8")  # the whole page has read the new state
    expect(row.get_by_text("⚡ Compromis", exact=True).first).to_be_visible()  # the state; the history follows
    row.get_by_text("Détail et historique").click()
    expect(row.get_by_text(DIFFICULTY)).to_be_visible()
    row.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "priorites-point-enregistre-1280x720.png")

    page.get_by_role("tab", name="Quartiers × socle commun").click()
    choose(page, "Quartier de la case", "Planoise")
    page.get_by_role("link", name="Ouvrir le projet de quartier de Planoise").click()
    expect(heading(page, "Planoise")).to_be_visible()
    settled(page)
    project = priority_block(page)
    expect(project.get_by_text("⚡ Compromis", exact=True).first).to_be_visible()
    expect(page.get_by_text("État du quartier")).to_be_visible()
    project.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "quartier-planoise-projet-1280x720.png")
    assert "Traceback" not in server.log()


def test_the_priorities_page_at_1440x900(start_server, new_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_planoise_contributor(database_url)
    server = start_server(database_url)
    page = new_page(1440, 900)
    open_signed_in(page, f"{server.url}/priorites", *CONTRIBUTOR)
    expect(page.get_by_text("Sans rattachement au socle commun")).to_be_visible()
    expect(page.get_by_text("Battant : la dernière revue de projet (13 octobre 2026)")).to_be_visible()
    page.screenshot(path=artifacts / "priorites-1440x900.png")
    page.get_by_role("tab", name="Évolution des météos").click()
    expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible()
    settled(page)
    page.get_by_test_id("stVegaLiteChart").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "priorites-evolution-1440x900.png")
    assert "Traceback" not in server.log()

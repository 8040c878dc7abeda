"""Feedback and navigation in a browser at 1280×720: every write confirmed where the user is looking (the message in
the viewport), long pages folded, a word for a refused page, each role landing where its work is."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from browser_support import (
    READER,
    add_account,
    add_reader,
    heading,
    open_signed_in,
    settled,
    sign_in,
    submit_sign_in,
    wait_for_sign_in_form,
)
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import Contract, Meeting, Neighbourhood

pytestmark = pytest.mark.e2e

CONTRIBUTOR = ("alix.planoise", "Essai-contrib-2024")
DEPUTY_MAYOR = ("maire.planoise", "Essai-lecteur-2024")
NEW_ITEM = "Une association de locataires très active dans les tours"
# Page heights at 1280×720. The Planoise projet de quartier and the Priorités page were 12 400 px and 9 500 px
# when every priority of every heading was drawn. Folded by heading, with the first heading open, they hold the
# header, the programme blocks and at most one heading's priorities (6 in the seed, about 230 px each): 4 000 px
# leaves room for longer texts and still fails if everything unfolds again.
LONG_PAGE_BOUND = 4_000


def in_viewport(page: Page, locator: Locator) -> None:
    """The element is drawn inside the browser's window, not somewhere above or below it."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box


def confirmation(page: Page, text: str) -> Locator:
    return page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)


def page_height(page: Page) -> int:
    return page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")


def item_button(page: Page, action: str) -> Locator:
    """The first FFOM item's button for `action` (edit, up, down, archive), by the key Streamlit puts in its class."""
    return page.locator(f"[class*='st-key-pilotage_swot_{action}_'] button").first


def test_a_contributor_lands_on_their_projet_and_sees_every_write_confirmed_in_view(start_server, new_page,
                                                                                  seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_account(database_url, *CONTRIBUTOR, display_name="Alix Planoise", neighbourhood_slugs=("planoise",))
    server = start_server(database_url)
    page = new_page(1280, 720)
    page.goto(server.url)
    wait_for_sign_in_form(page)
    sign_in(page, *CONTRIBUTOR)

    expect(heading(page, "Planoise")).to_be_visible()  # their neighbourhood, on its projet de quartier
    assert "section=projet" in page.url
    expect(page.get_by_text("État du quartier")).to_be_visible()
    assert page_height(page) <= LONG_PAGE_BOUND

    block = page.get_by_test_id("stVerticalBlock").filter(has_text="Mener à bien le projet de renouvellement") \
        .filter(has=page.get_by_text("Détail et historique")).last
    block.get_by_role("button", name="Nouveau point").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("☂ Appui nécessaire", exact=True).click()
    dialog.get_by_role("button", name="Enregistrer le point").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)
    in_viewport(page, confirmation(page, "Point d'avancement enregistré (☂ Appui nécessaire"))
    page.screenshot(path=artifacts / "feedback-point-1280x720.png")

    page.goto(f"{server.url}/quartier?q=planoise&section=ffom")
    expect(heading(page, "Planoise")).to_be_visible()
    settled(page)
    page.get_by_text("Modifier la grille").click()
    settled(page)
    page.get_by_role("button", name="Ajouter un élément").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Texte").fill(NEW_ITEM)
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)
    in_viewport(page, confirmation(page, "Élément ajouté aux forces."))

    item_button(page, "edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Texte").fill(NEW_ITEM + " (modifié)")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)
    in_viewport(page, confirmation(page, "Élément modifié."))
    page.screenshot(path=artifacts / "feedback-ffom-modifie-1280x720.png")

    item_button(page, "down").click()
    settled(page)
    in_viewport(page, confirmation(page, "Élément descendu d'un rang."))

    item_button(page, "archive").click()
    settled(page)
    in_viewport(page, confirmation(page, "Élément archivé"))
    assert "Traceback" not in server.log()


def test_the_priorities_follow_up_is_folded_and_the_update_sheet_has_its_tab(start_server, new_page,
                                                                            seeded_sqlite_file):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/priorites", *READER)
    expect(heading(page, "Priorités")).to_be_visible()
    page.get_by_role("tab", name="Suivi et saisie par programme").click()
    box = page.get_by_role("combobox", name="Programme à suivre")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name="Pacte pour l’émancipation des jeunes de Planoise", exact=False).first.click()
    settled(page)
    expect(page.get_by_test_id("stExpander").filter(has_text="mesures évaluées").first).to_be_visible()
    assert page_height(page) <= LONG_PAGE_BOUND
    page.get_by_role("tab", name="Fiche Excel de mise à jour").click()
    expect(page.get_by_role("button", name="Télécharger la fiche (.xlsx)")).to_be_visible()
    assert "Traceback" not in server.log()


def revue_of_planoise(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return session.scalars(select(Meeting.id).join(Contract).join(
                Neighbourhood, Neighbourhood.id == Meeting.neighbourhood_id).where(
                Contract.slug == "gbm-2024-2030", Neighbourhood.slug == "planoise",
                Meeting.kind == "revue_projet", Meeting.date == dt.date(2026, 10, 13))).one()
    finally:
        engine.dispose()


def test_a_point_captured_in_seance_shows_on_the_current_slide(start_server, new_page, seeded_sqlite_file, artifacts):
    _, database_url = seeded_sqlite_file
    add_account(database_url, *CONTRIBUTOR, display_name="Alix Planoise", neighbourhood_slugs=("planoise",))
    revue = revue_of_planoise(database_url)
    server = start_server(database_url)
    page = new_page(1280, 720)
    page.goto(f"{server.url}/seance?id={revue}&etape=3&ecran=2")
    wait_for_sign_in_form(page)
    submit_sign_in(page, *CONTRIBUTOR)
    expect(page.locator(".sc-slide")).to_contain_text("Mener à bien")
    settled(page)
    line = page.locator(".sc-item").filter(has_text="1. Mener à bien")
    expect(line).not_to_contain_text("⚡ Compromis")

    page.get_by_role("button", name="Point d'avancement").click()
    settled(page)
    page.get_by_role("button", name=re.compile(r"^1\. Mener à bien")).click()
    dialog = page.get_by_role("dialog")
    for part, value in (("day", "13"), ("month", "10"), ("year", "2026")):  # the revue's own day
        expect(dialog.get_by_role("spinbutton", name=f"{part}, Date du point")).to_have_attribute("aria-valuenow",
                                                                                                  value)
    dialog.get_by_text("⚡ Compromis", exact=True).click()
    dialog.get_by_role("button", name="Enregistrer le point").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)

    expect(line).to_contain_text("⚡ Compromis")  # the slide read the new point
    assert re.search(r"etape=3&ecran=2$", page.url)
    in_viewport(page, page.get_by_text("Point d'avancement enregistré (⚡ Compromis"))
    page.screenshot(path=artifacts / "feedback-seance-point-1280x720.png")
    assert "Traceback" not in server.log()


def test_readers_land_on_their_neighbourhood_read_no_write_hints_and_a_word_for_a_refused_page(
        start_server, new_page, seeded_sqlite_file):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    add_account(database_url, *DEPUTY_MAYOR, display_name="Adjoint de Planoise", role="lecteur",
                neighbourhood_slugs=("planoise",))
    server = start_server(database_url)

    mayor = new_page(1280, 720)
    mayor.goto(server.url)
    wait_for_sign_in_form(mayor)
    sign_in(mayor, *DEPUTY_MAYOR)
    expect(heading(mayor, "Planoise")).to_be_visible()  # "mon quartier"
    assert "q=planoise" in mayor.url

    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/comptes", *READER)
    message = page.get_by_text("Cette page est réservée aux administrateurs")
    in_viewport(page, message)
    expect(heading(page, "Comptes")).to_have_count(0)

    page.goto(f"{server.url}/gouvernance")
    expect(heading(page, "Gouvernance")).to_be_visible()
    settled(page)
    expect(page.get_by_text("Nouvelle instance")).to_have_count(0)
    listed = page.get_by_text(re.compile(r"^Instances affichées \(\d+\)"))
    listed.scroll_into_view_if_needed()
    expect(listed).to_be_visible()
    expect(page.get_by_placeholder("Intitulé, quartier, programme…")).to_be_visible()
    assert "Traceback" not in server.log()


def test_an_administrator_reads_the_new_account_beside_the_form(start_server, new_page, seeded_sqlite_file):
    _, database_url = seeded_sqlite_file
    server = start_server(database_url)
    page = new_page(1280, 720)
    open_signed_in(page, f"{server.url}/comptes", "admin", "Essai-admin-2024")
    expect(heading(page, "Comptes")).to_be_visible()
    form = page.get_by_test_id("stForm").first
    form.get_by_role("textbox", name="Identifiant").fill("nina.nouvelle")
    form.get_by_role("textbox", name="Nom affiché").fill("Nina Nouvelle")
    form.get_by_role("button", name="Créer le compte").click()
    settled(page)
    in_viewport(page, confirmation(page, "Compte « nina.nouvelle » créé."))
    assert "Traceback" not in server.log()

"""Steps shared by the browser tests: accounts in the server's database, headings, sign-in, waiting."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.queries import accounts as account_queries
from pilotage.services import accounts
from pilotage.services.accounts import INITIAL_ADMIN, ensure_initial_admin
from tests.factories import neighbourhood_id

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "Essai-admin-2024"  # PILOTAGE_ADMIN_PASSWORD of the servers under test
READER = ("lea.lecture", "Essai-lecteur-2024")
CURRENT_CONTRACT = "Contrat de Ville de Grand Besançon Métropole 2024-2030"
BELFORT_CONTRACT = "Contrat de Ville Unique et Global 2015-2020"
BELFORT_QPV = ("Bougenel – Mulhouse", "Dardel – La Méchelle", "Les Glacis du Château", "Résidences Le Mont",
               "Arsot – Ganghoffer")
# Every wait of the browser tests, in one place. Generous on purpose: CI machines are busy, and a step that
# takes 2 s on an idle laptop took over 5 s (Playwright's default) with both cores loaded.
STEP_TIMEOUT_MS = 60_000  # each action, navigation and `expect` assertion
FIRST_RUN_TIMEOUT_MS = 180_000  # the first request migrates and seeds an empty database
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

expect.set_options(timeout=STEP_TIMEOUT_MS)


def add_account(database_url: str, username: str, password: str, display_name: str, role: str = "contributeur",
                neighbourhood_slugs: tuple[str, ...] = (), email: str | None = None) -> None:
    """The administrator and one more account, written straight into the database the server will use."""
    engine = make_engine(database_url)
    try:
        sessions = make_session_factory(engine)
        with session_scope(sessions) as session:
            ensure_initial_admin(session, ADMIN_PASSWORD)
        with session_scope(sessions) as session:
            admin = account_queries.authenticate(session, INITIAL_ADMIN, ADMIN_PASSWORD)
            accounts.create_user(session, admin, username=username, display_name=display_name, role=role,
                                 password=password,
                                 neighbourhood_ids=[neighbourhood_id(session, slug) for slug in neighbourhood_slugs],
                                 email=email)
    finally:
        engine.dispose()


def add_reader(database_url: str) -> None:
    """A lecteur account (READER) in the server's database."""
    add_account(database_url, *READER, display_name="Léa Lecture", role="lecteur")


def settled(page: Page) -> None:
    """Wait until the script run is over and its output drawn: no stale element, no element still loading.

    Call it after waiting for the element a step expects: right after a click the app is still idle.
    """
    page.wait_for_selector(IDLE)
    expect(page.locator("[data-stale='true']")).to_have_count(0)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)


def heading(page: Page, text: str):
    return page.get_by_role("heading", name=text, exact=True)


def sign_in_button(page: Page):
    return page.get_by_role("button", name="Se connecter")


def wait_for_sign_in_form(page: Page) -> None:
    """The sign-in page (/connexion, plain HTML served before the app) is ready to fill."""
    expect(sign_in_button(page)).to_be_visible(timeout=FIRST_RUN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/connexion"))


def submit_sign_in(page: Page, username: str, password: str) -> None:
    """Fill and send the sign-in form; the browser leaves it for the app (the cookie is set by then)."""
    page.get_by_label("Identifiant", exact=True).fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    sign_in_button(page).click()
    expect(page).not_to_have_url(re.compile(r"/connexion"))


def sign_in(page: Page, username: str, password: str) -> None:
    submit_sign_in(page, username, password)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    settled(page)


def page_factory(browser):
    """Generator behind the page fixtures: yields make(width, height) -> a page in its own browser context.

    Each page has its own cookies, hence its own Streamlit session; every context is closed afterwards.
    """
    contexts = []

    def make(width: int = 1280, height: int = 720):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                      timezone_id="Europe/Paris")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def open_signed_in(page: Page, url: str, username: str, password: str) -> None:
    """Open `url` in a new session: the sign-in form shows first, then the page itself."""
    page.goto(url)
    wait_for_sign_in_form(page)
    sign_in(page, username, password)

"""Sessions in a real browser: a reload keeps them, a reset password ends them elsewhere at the next click, guessing
is throttled, single sign-on works against a local OpenID provider, and two replicas share sessions and data."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest
from browser_support import (
    ADMIN_PASSWORD,
    READER,
    add_account,
    add_reader,
    heading,
    open_signed_in,
    settled,
    sign_in_button,
    wait_for_sign_in_form,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CONTRACT = "Contrat de Ville de Grand Besançon Métropole 2024-2030"


def test_a_reload_a_new_tab_and_a_pasted_link_keep_the_session_and_the_view(start_server, new_page,
                                                                            seeded_sqlite_file):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page()
    open_signed_in(page, f"{server.url}/quartier?q=battant&section=ffom", *READER)
    expect(heading(page, "Battant")).to_be_visible()

    expect(page.locator("html")).to_have_attribute("lang", "fr")  # screen readers speak French
    page.reload()  # F5 during a COPIL
    expect(heading(page, "Battant")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/quartier\?q=battant&section=ffom"))
    settled(page)

    other_tab = page.context.new_page()
    other_tab.goto(f"{server.url}/gouvernance")
    expect(heading(other_tab, "Gouvernance")).to_be_visible()
    expect(other_tab.get_by_role("button", name="Se connecter")).to_have_count(0)


def test_a_reset_password_ends_the_other_browsers_session_at_its_next_click(start_server, new_page,
                                                                            seeded_sqlite_file):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    reader = new_page()
    open_signed_in(reader, f"{server.url}/", *READER)
    expect(heading(reader, CONTRACT)).to_be_visible()

    admin = new_page()
    open_signed_in(admin, f"{server.url}/comptes", "admin", ADMIN_PASSWORD)
    admin.get_by_role("tab", name="Modifier un compte").click()
    admin.get_by_label("Compte", exact=True).click()
    admin.get_by_role("option", name="lea.lecture — Léa Lecture").click()
    settled(admin)
    admin.get_by_role("button", name="Réinitialiser le mot de passe").click()
    expect(admin.get_by_text("Ses sessions ouvertes sont fermées.")).to_be_visible()

    reader.get_by_test_id("stSidebarNav").get_by_text("Gouvernance", exact=True).click()  # one click
    expect(reader.get_by_text("votre session a pris fin")).to_be_visible()
    expect(heading(reader, "Gouvernance")).to_have_count(0)
    reader.get_by_role("link", name="Se connecter").click()
    wait_for_sign_in_form(reader)
    expect(reader.get_by_text("Votre session a pris fin")).to_be_visible()


def test_the_sixth_wrong_password_within_a_minute_is_throttled(start_server, new_page, seeded_sqlite_file):
    _, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page()
    page.goto(f"{server.url}/")
    for attempt in range(1, 6):
        wait_for_sign_in_form(page)
        page.get_by_label("Identifiant", exact=True).fill(READER[0])
        page.get_by_label("Mot de passe", exact=True).fill(f"mauvais-essai-{attempt}")
        sign_in_button(page).click()
        expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect, ou compte désactivé.")

    page.get_by_label("Mot de passe", exact=True).fill(READER[1])  # the right one, the sixth time
    sign_in_button(page).click()

    expect(page.get_by_role("alert")).to_contain_text("Trop de tentatives de connexion pour ce compte")
    expect(page).to_have_url(re.compile(r"/connexion"))


@pytest.fixture
def oidc_provider():
    """A local OpenID Connect provider (oidc-provider-mock) knowing one agent, with a verified e-mail."""
    from oidc_provider_mock import User, run_server_in_thread  # imported here: its import warns, filtered in tests

    agent = User(sub="agent-0042", claims={"email": "Lea.Lecture@exemple.gouv.fr", "email_verified": True,
                                           "given_name": "Léa", "family_name": "Lecture"})
    with run_server_in_thread(port=0, user_claims=[agent]) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def test_single_sign_on_with_an_openid_provider_maps_the_identity_to_its_account(start_server, new_page,
                                                                                seeded_sqlite_file, oidc_provider,
                                                                                tmp_path, artifacts):
    _, database_url = seeded_sqlite_file
    add_account(database_url, *READER, display_name="Léa Lecture", role="lecteur",
                email="lea.lecture@exemple.gouv.fr")  # the provider spells it with capitals: matched all the same
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        '[sso.keycloak]\nlabel = "Keycloak"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n'
        'client_id = "pilotage"\nclient_secret = "secret-de-test"\n', encoding="utf-8")
    server = start_server(database_url, extra_env={"PILOTAGE_SECRETS_FILE": str(secrets_file)})
    page = new_page()
    page.goto(f"{server.url}/priorites")
    wait_for_sign_in_form(page)
    page.screenshot(path=artifacts / "connexion-sso-1280x720.png")

    page.get_by_role("link", name="Se connecter avec Keycloak").click()
    page.get_by_role("button", name="agent-0042").click()  # the provider's own page: the agent signs in there

    expect(heading(page, "Priorités")).to_be_visible()  # back on the page first asked for
    expect(page.get_by_text("Léa Lecture")).to_be_visible()
    settled(page)
    assert "incident" not in server.log()


def test_two_replicas_on_one_database_share_sessions_and_data(start_server, new_page, seeded_url, artifacts):
    add_reader(seeded_url)
    first, second = start_server(seeded_url), start_server(seeded_url)
    page = new_page()
    open_signed_in(page, f"{first.url}/quartier?q=planoise&section=ffom", "admin", ADMIN_PASSWORD)
    expect(heading(page, "Planoise")).to_be_visible()

    other = page.context.new_page()  # same browser: the cookie issued by the first replica goes to the second
    other.goto(f"{second.url}/quartier?q=planoise&section=ffom")
    expect(heading(other, "Planoise")).to_be_visible()
    expect(other.get_by_role("button", name="Se connecter")).to_have_count(0)
    settled(other)

    other.get_by_text("Modifier la grille").click()
    other.get_by_role("button", name="Ajouter un élément").click()
    other.get_by_role("dialog").get_by_label("Texte").fill("Écrit sur la seconde réplique")
    other.get_by_role("dialog").get_by_role("button", name="Enregistrer").click()
    expect(other.get_by_role("dialog")).to_have_count(0)
    written = time.monotonic()

    sections = page.get_by_test_id("stButtonGroup")
    sections.get_by_text("Portrait", exact=True).click()  # the next rerun of the first replica...
    settled(page)
    sections.get_by_text("FFOM", exact=True).click()  # ...and back to the grid
    expect(page.get_by_text("Écrit sur la seconde réplique", exact=True)).to_be_visible()
    seen_after = time.monotonic() - written
    (artifacts / "replicas.txt").write_text(f"write on replica 2 seen on replica 1 after {seen_after:.2f} s\n")
    for server in (first, second):
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:
            assert response.headers["X-Frame-Options"] == "SAMEORIGIN"

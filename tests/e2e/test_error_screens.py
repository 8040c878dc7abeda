"""On a real server, what a user sees when something breaks: French words and a reference, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
from browser_support import READER, add_reader, heading, open_signed_in, settled
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ENGLISH_ERROR_WORDS = ("Traceback", "Error", "Exception", "sqlalchemy", "File \"")


def assert_no_technical_text(page) -> None:
    body = page.locator("body").inner_text()
    assert not [word for word in ENGLISH_ERROR_WORDS if word in body], body[:2000]


def test_a_database_fault_reads_in_french_and_the_page_comes_back(start_server, new_page, seeded_sqlite_file,
                                                                   artifacts):
    path, database_url = seeded_sqlite_file
    add_reader(database_url)
    server = start_server(database_url)
    page = new_page()
    open_signed_in(page, f"{server.url}/gouvernance", *READER)
    expect(heading(page, "Gouvernance")).to_be_visible()

    with sqlite3.connect(path) as connection:  # a table every page reads goes missing under the running app
        connection.execute("ALTER TABLE data_version RENAME TO data_version_away")
    page.get_by_test_id("stSidebarNav").get_by_text("Gouvernance", exact=True).click()

    alert = page.get_by_text("Base de données indisponible")
    expect(alert).to_be_visible()
    settled(page)
    assert_no_technical_text(page)
    page.screenshot(path=artifacts / "incident-database.png")
    assert "incident" in server.log()

    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE data_version_away RENAME TO data_version")
    page.get_by_role("button", name="Réessayer").click()
    expect(heading(page, "Gouvernance")).to_be_visible()
    expect(alert).to_have_count(0)


def test_an_error_in_a_widget_callback_reads_in_french(start_server, new_page, tmp_path):
    server = start_server(f"sqlite:///{tmp_path / 'unused.sqlite3'}", script="tests/e2e/apps/serve_callback_fault.py")
    page = new_page()
    page.goto(server.url)
    expect(heading(page, "Page d'essai")).to_be_visible()
    settled(page)

    page.get_by_role("button", name="Déclencher").click()

    expect(page.get_by_text("Une erreur inattendue a empêché d'afficher cette page.")).to_be_visible()
    settled(page)
    assert_no_technical_text(page)
    assert "RuntimeError: détail interne" in server.log(), "the detail goes to the log"

"""No traceback reaches a user: an error becomes a French message with a reference, the detail goes to the log;
a database out of reach is said in French on every page, sign-in included, and the app recovers by itself."""

from __future__ import annotations

import logging
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from apptest_support import fail_on_exception, incidents, open_page, sign_in, sign_in_form_shown, start
from sqlalchemy.engine import make_url

from components import data
from components.navigation import PAGES
from pilotage.queries import contracts as contract_queries
from tests.tcp_proxy import TcpProxy

UNAVAILABLE = "Base de données indisponible"
ADMIN_PASSWORD = "Essai-admin-2024"


def shown_errors(at) -> list[str]:
    return [str(e.value) for e in at.error]


def test_an_unexpected_error_shows_a_french_message_with_a_reference_and_logs_the_detail(actors, monkeypatch,
                                                                                         caplog):
    def broken(session, **_):
        raise RuntimeError("secret detail: password_hash=$argon2id$v=19$abc")

    broken.__module__, broken.__name__ = contract_queries.__name__, "list_contracts"  # a read the cache accepts
    monkeypatch.setattr(contract_queries, "list_contracts", broken)
    caplog.set_level(logging.ERROR, logger="pilotage")

    at = open_page(start(actors["lecteur"]), "vue-ensemble")

    assert not at.exception
    [message] = incidents(at)
    assert message.startswith("Une erreur inattendue a empêché d'afficher cette page.")
    reference = message.split("référence « ")[1].split(" »")[0]
    assert "secret" not in message and "RuntimeError" not in message and "Traceback" not in message
    assert reference in caplog.text and "RuntimeError: secret detail" in caplog.text


def test_streamlit_never_shows_error_details_itself():
    # Should an exception slip past the boundary, Streamlit's own display names nothing (.streamlit/config.toml).
    config = (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'showErrorDetails = "none"' in config
    assert "disableDataExport = true" in config


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed as soon as the probe is: nothing listens there


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_an_unreachable_database_is_said_in_french_on_every_page_sign_in_included(page, app_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://pilotage:x@127.0.0.1:{_closed_port()}/pilotage")

    at = open_page(start(), page.url_path)

    assert not at.exception
    [message] = incidents(at)
    assert message.startswith(UNAVAILABLE) and "Rien n'a été modifié" in message
    assert "Réessayer" in {b.label for b in at.button}
    assert "127.0.0.1" not in message and "psycopg" not in message


class Outage:
    """Makes the app's database unreachable and reachable again, for the active backend."""

    def __init__(self, url: str, workdir: Path):
        self.parsed = make_url(url)
        if self.parsed.get_backend_name() == "sqlite":
            self.folder = workdir / "database"
            self.folder.mkdir()
            shutil.copyfile(self.parsed.database, self.folder / "pilotage.sqlite3")
            self.url = f"sqlite:///{self.folder / 'pilotage.sqlite3'}"
            self.proxy = None
        else:
            self.proxy = TcpProxy(self.parsed.host or "localhost", self.parsed.port or 5432)
            self.url = self.parsed.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)

    def cut(self) -> None:
        if self.proxy:
            self.proxy.cut()  # the server stops: live connections die, new ones are refused
        else:
            # The file's folder goes out of reach (an unmounted share); connections opened before keep the file
            # open, as SQLite does, so the pool is emptied to make the app open new ones.
            self.folder.rename(self.folder.with_name("away"))
            data.runtime().engine.dispose()

    def restore(self) -> None:
        if self.proxy:
            self.proxy.restore()
        else:
            self.folder.with_name("away").rename(self.folder)


@pytest.fixture
def outage(app_env, tmp_path, monkeypatch) -> Iterator[Outage]:
    outage = Outage(app_env, tmp_path)
    monkeypatch.setenv("DATABASE_URL", outage.url)
    yield outage
    if outage.proxy:
        outage.proxy.cut()
    st.cache_resource.clear()


def test_the_database_goes_away_and_comes_back(outage, actors):
    at = open_page(start(), "vue-ensemble")
    assert sign_in_form_shown(at)
    at = sign_in(at, "admin", ADMIN_PASSWORD)
    fail_on_exception(at)

    outage.cut()
    for url_path in ("vue-ensemble", "quartier", "gouvernance"):
        open_page(at, url_path)
        assert not at.exception
        assert [m[:len(UNAVAILABLE)] for m in incidents(at)] == [UNAVAILABLE], url_path

    outage.restore()
    open_page(at, "gouvernance")
    fail_on_exception(at)
    assert "Gouvernance" in [t.value for t in at.title], "back by itself, still signed in"

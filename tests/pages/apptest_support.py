"""Driving the app with Streamlit's AppTest: start it, open a page by its URL path, read what it shows."""

from __future__ import annotations

import os
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from components.auth import SESSION_COOKIE
from components.navigation import PAGES, PageSpec
from pilotage import access
from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import User
from pilotage.permissions import Actor
from pilotage.services import auth as auth_services

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP = PROJECT_ROOT / "app.py"
ADMIN_PASSWORD = "Essai-admin-2024"  # PILOTAGE_ADMIN_PASSWORD of the app under test
USER_PASSWORD = "Essai-compte-2024"
RUN_TIMEOUT = 60  # seconds; the first run of a test migrates the database and hashes a password

CURRENT_CONTRACT = "Contrat de Ville de Grand Besançon Métropole 2024-2030"
BELFORT_SLUG = "grand-belfort-2015-2020"
BELFORT_CONTRACT = "Contrat de Ville Unique et Global 2015-2020"
# Pages headed by what they show rather than by their menu title: the chosen contract, the chosen
# neighbourhood (the first of the current contract by default).
HEADINGS = {"vue-ensemble": CURRENT_CONTRACT, "quartier": "Planoise"}
SIGN_IN_HEADING = "Pilotage du Contrat de Ville"


# The browser's cookies in AppTest, which has no browser: tests/pages/conftest.py makes the app read them.
COOKIES: dict[str, str] = {}


def _with_database(work):
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        with session_scope(make_session_factory(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


def _hold_session(opened: auth_services.Opened, session) -> None:
    key = auth_services.signing_key(session, os.environ.get("PILOTAGE_SECRET_KEY"))
    COOKIES[SESSION_COOKIE] = access.sign(opened.token, key)


def start(actor: Actor | None = None, query: dict[str, str] | None = None) -> AppTest:
    """The app, not yet run; with `actor`, its browser holds a session cookie of that account (as after the
    sign-in form), without: no cookie at all."""
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    COOKIES.clear()
    if actor is not None:
        def open_for(session):
            user = session.get(User, actor.id)
            _hold_session(auth_services.open_session(session, user, "essai", client_address="127.0.0.1",
                                                     user_agent="AppTest"), session)

        _with_database(open_for)
    at.query_params.update(query or {})
    return at


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Run the app on the page at /<url_path>, as a browser opening that URL would.

    AppTest.switch_page() only knows file pages; ours are callables registered with a url_path, and
    Streamlit identifies such a page by the hash of its url_path (streamlit.navigation.page.Page).
    """
    at._page_hash = calc_hash(url_path)
    return at.run()


def spec(url_path: str) -> PageSpec:
    return next(s for s in PAGES if s.url_path == url_path)


def expected_heading(page: PageSpec) -> str:
    return HEADINGS.get(page.url_path, page.title)


def navigation(at: AppTest) -> set[str]:
    """The URL paths of the pages the last run registered with st.navigation (the menu, hidden pages too)."""
    registered = set(at._registered_pages)
    known = {calc_hash(s.url_path): s.url_path for s in PAGES}
    unknown = registered - set(known)
    assert not unknown, f"navigation holds pages missing from PAGES: {unknown}"
    return {known[h] for h in registered}


def headings(at: AppTest) -> list[str]:
    return [e.value for e in (*at.title, *at.header, *at.subheader)]


def texts(at: AppTest) -> str:
    """Every text the last run showed, in one string, to search with `in`."""
    groups: Iterable = (at.title, at.header, at.subheader, at.markdown, at.caption, at.html, at.info,
                        at.success, at.warning, at.error)
    parts = [str(e.value) for group in groups for e in group]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def widget(widgets, label: str):
    """The one widget of this kind whose label is `label`."""
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"expected one widget labelled {label!r}, found {[w.label for w in widgets]}"
    return found[0]


def selected_label(selectbox) -> str:
    """The option a selectbox shows as chosen, as the user reads it."""
    return selectbox.options[selectbox.index]


def sign_in_form_shown(at: AppTest) -> bool:
    """The signed-out screen: the app's title and the way to the sign-in form, nothing of the data."""
    return headings(at) == [SIGN_IN_HEADING] and any('href="/connexion?' in str(h.value) for h in at.html)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Sign in as the /connexion form does (same service), keep its cookie, and run the app again."""
    _with_database(lambda session: _hold_session(auth_services.sign_in_with_password(
        session, username=username, password=password, client_address="127.0.0.1"), session))
    return at.run()


INCIDENT_MARKS = ("Une erreur inattendue", "Base de données indisponible")


def incidents(at: AppTest) -> list[str]:
    """The French error messages of the app's error boundary that the last run showed (its log has the detail)."""
    return [str(e.value) for e in at.error if str(e.value).startswith(INCIDENT_MARKS)]


def fail_on_exception(at: AppTest, where: str = "") -> None:
    """No exception escaped the run, and the error boundary caught none either."""
    assert not at.exception, where + "\n\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in at.exception)
    assert not incidents(at), f"{where} the error boundary caught an exception (see the captured log): {incidents(at)}"


def visit(at: AppTest, url_path: str, **query: str) -> AppTest:
    """Follow a link within the same session: /<url_path>?<query>; fail on any exception or incident."""
    at.query_params.clear()
    at.query_params.update(query)
    open_page(at, url_path)
    fail_on_exception(at, f"/{url_path}?{query}:")
    return at


class _TableReader(HTMLParser):
    """The tables of an HTML text (components/tables.py): each a header row and its body rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs).get("aria-label") or "", []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest, label: str | None = None) -> list[pd.DataFrame]:
    """The HTML tables the last run drew (st.html), as frames of their cell texts; only those named `label`
    (their aria-label) when given."""
    reader = _TableReader()
    for element in at.html:
        reader.feed(str(element.value))
    return [pd.DataFrame(rows[1:], columns=rows[0]) for name, rows in reader.tables
            if rows and (label is None or name == label)]

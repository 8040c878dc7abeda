"""AppTest fixtures: the app's environment on a fresh seeded database, and one signed-in actor per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from apptest_support import ADMIN_PASSWORD, COOKIES, USER_PASSWORD

from components import auth
from pilotage.db import session_scope
from pilotage.permissions import Actor
from pilotage.queries import accounts as account_queries
from pilotage.queries import contracts as contract_queries
from pilotage.services import accounts
from pilotage.services.accounts import INITIAL_ADMIN, ensure_initial_admin

CURRENT_CONTRACT_SLUG = "gbm-2024-2030"
CONTRIBUTOR_NEIGHBOURHOOD = "Planoise"


def _forget_caches() -> None:
    # components.data keys its cached reads by data version, not by database: two fresh databases
    # at the same version would share answers (user ids, actors) across tests without this.
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _browser_cookies(monkeypatch) -> Iterator[None]:
    """AppTest has no browser: the app reads the cookies apptest_support.start() and sign_in() hold."""
    COOKIES.clear()
    monkeypatch.setattr(auth, "request_cookie", lambda: COOKIES.get(auth.SESSION_COOKIE))
    yield
    COOKIES.clear()


@pytest.fixture
def app_env(seeded_url, monkeypatch) -> Iterator[str]:
    """The app's environment for one test: a fresh seeded database, a known admin password, cold caches."""
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.setenv("PILOTAGE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("PILOTAGE_ENV", raising=False)
    _forget_caches()
    yield seeded_url
    _forget_caches()


@pytest.fixture
def actors(app_env, seeded_db) -> dict[str, Actor]:
    """One signed-in actor per role, their accounts created in the seeded database through the services.

    The contributor may edit Planoise only (a contributor limited to one neighbourhood).
    """
    with session_scope(seeded_db.sessions) as session:
        ensure_initial_admin(session, ADMIN_PASSWORD)  # what the app's bootstrap does on a database without accounts
    with session_scope(seeded_db.sessions) as session:
        admin = account_queries.authenticate(session, INITIAL_ADMIN, ADMIN_PASSWORD)
        current = next(c for c in contract_queries.list_contracts(session) if c.slug == CURRENT_CONTRACT_SLUG)
        hoods = contract_queries.list_neighbourhoods(session, contract_id=current.id)
        planoise = int(hoods.loc[hoods["name"] == CONTRIBUTOR_NEIGHBOURHOOD, "id"].item())
        accounts.create_user(session, admin, username="lea.lecture", display_name="Léa Lecture", role="lecteur",
                             password=USER_PASSWORD)
        accounts.create_user(session, admin, username="cyril.contrib", display_name="Cyril Contrib",
                             role="contributeur", password=USER_PASSWORD, neighbourhood_ids=[planoise])
    with session_scope(seeded_db.sessions) as session:
        signed_in = {
            "lecteur": account_queries.authenticate(session, "lea.lecture", USER_PASSWORD),
            "contributeur": account_queries.authenticate(session, "cyril.contrib", USER_PASSWORD),
            "administrateur": account_queries.authenticate(session, INITIAL_ADMIN, ADMIN_PASSWORD),
        }
    assert all(signed_in.values()), signed_in
    assert signed_in["contributeur"].neighbourhood_ids == frozenset({planoise})
    return signed_in

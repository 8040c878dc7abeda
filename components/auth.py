"""Who is signed in, on every run: the session cookie the sign-in route set, checked against the database.

The cookie is HttpOnly: the browser sends it with the page's connection, no script of the page can read it.
Checking it on every run is what makes a sign-out, a password reset, a change of rights or a disabled
account take effect at the user's next click, in every tab and on every replica.
"""

from __future__ import annotations

import streamlit as st

from components import data
from pilotage import access
from pilotage.permissions import Actor
from pilotage.services import auth as auth_services

SESSION_COOKIE = "pilotage_session"  # the name web/cookies.py sets


def request_cookie() -> str | None:
    """The session cookie the browser sent when it opened this page."""
    return st.context.cookies.get(SESSION_COOKIE)


@st.cache_resource(show_spinner=False)
def _signing_key(database_url: str, configured: str | None) -> str:
    return data.transact(auth_services.signing_key, configured=configured)


def session_token() -> str | None:
    """The token of this browser's session, if its cookie is genuine."""
    settings = data.settings()
    return access.unsign(request_cookie(), _signing_key(settings.database_url, settings.secret_key))


def signed_in_actor() -> Actor | None:
    """The account of this browser's live session, with its current rights; None when signed out."""
    token = session_token()
    return data.transact(auth_services.resolve_session, token=token) if token else None

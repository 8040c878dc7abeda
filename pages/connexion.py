"""Shown, at every URL, to a browser without a live session: the way to the sign-in form.

Signing in itself happens on /connexion, a plain HTTP page (serve.py), which sets the session cookie and
comes back here, to the same URL. A page load without a session is sent there before the app even starts;
this screen is what an open tab shows once its session has ended (sign-out elsewhere, expiry, new rights).
"""

from __future__ import annotations

import html
from urllib.parse import urlencode, urlsplit

import streamlit as st

SIGN_IN_TITLE = "Pilotage du Contrat de Ville"


def current_path() -> str:
    """This tab's path and query, to come back to after signing in."""
    parts = urlsplit(st.context.url or "/")
    query = urlencode({k: v for k, v in st.query_params.items()})
    return (parts.path or "/") + (f"?{query}" if query else "")


def render() -> None:
    st.title(SIGN_IN_TITLE)
    st.info("Vous n'êtes pas connecté, ou votre session a pris fin (déconnexion, inactivité, changement de mot de "
            "passe ou de droits).", icon=":material/lock:")
    target = "/connexion?" + urlencode({"suivant": current_path(), "message": "expiree"})
    st.html(f'<a class="pl-button pl-button-primary" href="{html.escape(target)}">Se connecter</a>')


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

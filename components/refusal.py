"""What a user reads after the HTTP guard turned them away from a page their role may not open (web/guard.py
sends them to the landing page with ?acces=reserve): a word, instead of a silent redirect."""

from __future__ import annotations

import streamlit as st

PARAM = "acces"
REFUSED = "reserve"
MESSAGE = ("Cette page est réservée aux administrateurs : vous avez été conduit à la page d'accueil. "
           "Demandez à un administrateur si vous avez besoin de ces droits.")


def show() -> None:
    """The refusal, at the top of the page, for as long as the URL carries it."""
    if st.query_params.get(PARAM) == REFUSED:
        st.warning(MESSAGE, icon=":material/lock:")

"""Session state behind one module: prefixed keys, UI choices only (never data or sessions)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pilotage.permissions import Actor

PREFIX = "pilotage_"
ACTOR = PREFIX + "actor"
CONTRACT = PREFIX + "contract"


def get(key: str, default=None):
    return st.session_state.get(PREFIX + key, default)


def put(key: str, value) -> None:
    st.session_state[PREFIX + key] = value


def current_actor() -> Actor | None:
    return st.session_state.get(ACTOR)


def sign_in(actor: Actor) -> None:
    """Keep this run's signed-in account (read again from its session cookie on every run)."""
    st.session_state[ACTOR] = actor


def sign_out() -> None:
    for key in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        del st.session_state[key]


def bind_to_url(key: str, param: str, options: list, default) -> Callable[[], None]:
    """Make a widget follow the URL's `param` (deep links) and the URL follow the widget.

    Call it before creating the widget with `key=key, on_change=<returned callback>` and no index or default.
    """
    wanted = st.query_params.get(param)
    if wanted not in options:
        current = st.session_state.get(key)
        wanted = current if current in options else default
    st.session_state[key] = wanted
    if st.query_params.get(param) != wanted:
        st.query_params[param] = wanted

    def follow_widget() -> None:
        if st.session_state[key] is not None:
            st.query_params[param] = st.session_state[key]

    return follow_widget

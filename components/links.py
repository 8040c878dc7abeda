"""Links between pages that keep the URL's query (deep links such as /quartier?q=planoise)."""

from __future__ import annotations

import streamlit as st


def page_link(url_path: str, label: str, icon: str | None = None, **query: str) -> None:
    """A link to the page at `url_path` with these query parameters."""
    from components.navigation import page_for  # deferred: the registry imports the pages themselves

    st.page_link(page_for(url_path), label=label, icon=icon, query_params=query or None)


def switch_page(url_path: str, **query: str) -> None:
    """Go to the page at `url_path` with these query parameters."""
    from components.navigation import page_for

    st.switch_page(page_for(url_path), query_params=query or None)

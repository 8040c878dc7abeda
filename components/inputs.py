"""Streamlit's choice, date and form widgets with French texts in place of their English defaults.

Each function takes the arguments of the Streamlit widget it wraps, plus `where` (a column, the sidebar or a
container; the page by default), and only changes what the user would otherwise read in English:

- multiselect: a French placeholder and no "Select all" entry (Streamlit cannot say it in French);
- selectbox: a French placeholder, shown when nothing is chosen;
- date_input: French day order (DD/MM/YYYY); the empty field reads "jj / mm / aaaa" (FRENCH_CSS, applied on every
  page, also gives an empty st.time_input "hh : mm");
- form: Enter does not submit, so Streamlit never shows "Press Enter to submit form".

The CSS also covers what no option reaches: the empty date field's placeholder letters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

CHOOSE_ONE = "Choisir…"
CHOOSE_MANY = "Choisir…"
DATE_FORMAT = "DD/MM/YYYY"

# Empty date and time fields show react-aria's placeholder segments, fixed to English ("dd", "mm", "yyyy", "HH")
# whatever the browser's language: hidden (visibility keeps them out of the page's text), drawn again in French.
FRENCH_CSS = """
<style>
  :is([data-testid="stDateInputField"], [data-testid="stTimeInputTimeDisplay"]) [data-placeholder="true"][data-type] {
      visibility: hidden; font-size: 0; }
  :is([data-testid="stDateInputField"], [data-testid="stTimeInputTimeDisplay"]) [data-placeholder="true"]::before {
      visibility: visible; font-size: 1rem; }
  [data-testid="stSidebar"] [data-testid="stDateInputField"] [data-placeholder="true"]::before { font-size: 0.875rem; }
  [data-placeholder="true"][data-type="day"]::before { content: "jj"; }
  [data-placeholder="true"][data-type="month"]::before { content: "mm"; }
  [data-placeholder="true"][data-type="year"]::before { content: "aaaa"; }
  [data-placeholder="true"][data-type="hour"]::before { content: "hh"; }
  [data-placeholder="true"][data-type="minute"]::before { content: "mm"; }
</style>
"""


def _target(where):
    return st if where is None else where


def multiselect(label: str, options: Sequence[Any], *, where=None, placeholder: str = CHOOSE_MANY,
                **kwargs) -> list:
    """st.multiselect with a French placeholder and without the English "Select all" entry."""
    kwargs.setdefault("select_all", False)
    return _target(where).multiselect(label, options, placeholder=placeholder, **kwargs)


def selectbox(label: str, options: Sequence[Any], *, where=None, placeholder: str = CHOOSE_ONE,
              format_func: Callable[[Any], str] = str, **kwargs) -> Any:
    """st.selectbox with a French placeholder (what an empty choice reads)."""
    return _target(where).selectbox(label, options, placeholder=placeholder, format_func=format_func, **kwargs)


def date_input(label: str, value: Any = "today", *, where=None, **kwargs) -> Any:
    """st.date_input in French day order: 23/11/2026."""
    kwargs.setdefault("format", DATE_FORMAT)
    return _target(where).date_input(label, value=value, **kwargs)


def form(key: str, *, where=None, **kwargs):
    """st.form that Enter does not submit: no "Press Enter to submit form" under its fields."""
    kwargs.setdefault("enter_to_submit", False)
    return _target(where).form(key, **kwargs)

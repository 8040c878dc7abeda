"""Confirmations of writes, drawn where the user acted and kept until their next action there.

A write calls `remember(place, message)` before `st.rerun()`; the page calls `show(place)` right next to the form
or the item that was written. The message stays (a success line, with a short toast the first time, in the corner
of the screen whatever its scroll) until the user acts again on that place (`forget(place)`), until another write
is confirmed, or for KEEP_SECONDS at most: one run is too short to be read, or to be seen by a browser test on a
busy machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from components import state
from components.layout import escape_markdown

KEY = "feedback"
KEEP_SECONDS = 600
ICON = ":material/check_circle:"
# The toast only says that it is done (the message itself is beside the form): one text, found once on screen.
TOAST = "Modification enregistrée"


@dataclass
class Confirmation:
    place: str
    message: str
    since: float
    toasted: bool = False


def remember(place: str, message: str) -> None:
    """Keep the confirmation of a write for `place` (one at a time: a new write replaces the last one)."""
    state.put(KEY, Confirmation(place, message, time.monotonic()))


def forget(place: str) -> None:
    """The user acts again on `place`: its previous confirmation goes."""
    if pending(place) is not None:
        state.put(KEY, None)


def pending(place: str) -> str | None:
    """The message kept for `place`, if any (and not too old)."""
    kept = state.get(KEY)
    if not isinstance(kept, Confirmation) or kept.place != place:
        return None
    if time.monotonic() - kept.since > KEEP_SECONDS:
        state.put(KEY, None)
        return None
    return kept.message


def _toast_once(place: str) -> None:
    kept = state.get(KEY)
    if isinstance(kept, Confirmation) and kept.place == place and not kept.toasted:
        st.toast(TOAST, icon=ICON, duration="long")
        kept.toasted = True


def show(place: str) -> None:
    """Draw the confirmation kept for `place` here (markdown: callers escape user text), and a toast the first time."""
    message = pending(place)
    if message is None:
        return
    st.success(message, icon=ICON)
    _toast_once(place)


def show_inline(place: str) -> None:
    """The same, as one short line of text (in a toolbar, such as the séance's bar)."""
    message = pending(place)
    if message is None:
        return
    st.markdown(f":green[:material/check_circle: {escape_markdown(message)}]")
    _toast_once(place)

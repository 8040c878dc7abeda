"""Pure rules of decisions and follow-ups: their state for the tracker and their carry-over to later meetings."""

from __future__ import annotations

import datetime as dt

OPEN, DONE, DROPPED = "ouverte", "faite", "abandonnee"
DECISION_STATUSES = (OPEN, DONE, DROPPED)
DECISION_KINDS = ("decision", "suite")

# tracker state -> (symbol, French label); symbols from common text fonts (no colour emoji)
STATES = {
    "ouverte": ("○", "ouverte"),
    "en_retard": ("⚠", "en retard"),
    "faite": ("✔", "faite"),
    "abandonnee": ("✖", "abandonnée"),
}


def tracker_state(status: str, due_on: dt.date | None, today: dt.date) -> str:
    """'en_retard' for an open item whose due date has passed, else its status."""
    if status == OPEN and due_on is not None and due_on < today:
        return "en_retard"
    return status


def state_label(state: str) -> str:
    """'⚠ en retard': the symbol and the words."""
    icon, words = STATES[state]
    return f"{icon} {words}"


def open_at(status: str, closed_on: dt.date | None, decided_on: dt.date, meeting_on: dt.date) -> bool:
    """Whether a decision taken on `decided_on` was still open when a later meeting met on `meeting_on`.

    The carry-over ("Suites des instances précédentes") lists, for a meeting, the earlier decisions of the
    same body that were open on its date: still open now, or closed on or after that date.
    """
    if decided_on >= meeting_on:
        return False
    if status == OPEN:
        return True
    return closed_on is not None and closed_on >= meeting_on

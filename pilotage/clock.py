"""The one clock of the product: today's date and the current instant, pinnable for tests and demos.

Every page, component, service and export asks this module for the date; nothing else reads the system
clock. A pinned day (PILOTAGE_TODAY=YYYY-MM-DD, read by the entry points into Settings) keeps the time of
day moving, so audit rows stay ordered, but the calendar stops at that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

_pinned: dt.date | None = None


def pin(day: dt.date | None) -> None:
    """Stop the calendar at `day` (None: follow the system clock again)."""
    global _pinned
    _pinned = day


def pinned_day() -> dt.date | None:
    """The pinned day, if any."""
    return _pinned


@contextmanager
def pinned(day: dt.date) -> Iterator[dt.date]:
    """Pin `day` for the length of a block, then restore what was pinned before."""
    before = _pinned
    pin(day)
    try:
        yield day
    finally:
        pin(before)


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC); on a pinned day, that day at the current time in Paris."""
    real = dt.datetime.now(dt.UTC)
    if _pinned is None:
        return real
    local = real.astimezone(PARIS)
    return dt.datetime.combine(_pinned, local.timetz()).astimezone(dt.UTC)


def real_now() -> dt.datetime:
    """The system's instant, never pinned: for checking what other systems stamp (a sign-on provider's tokens)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Paris (the contract's calendar), or the pinned day."""
    if _pinned is not None:
        return _pinned
    return dt.datetime.now(PARIS).date()


def parse_day(value: str) -> dt.date:
    """A YYYY-MM-DD day, as PILOTAGE_TODAY is written; ValueError in plain words otherwise."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"PILOTAGE_TODAY must be a date written YYYY-MM-DD, not {value!r}") from exc

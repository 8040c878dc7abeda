"""Pure rules of the contract's meeting cadence: what counts in a year, the gaps, the next revues to plan.

What counts (the rule the grids and the planner apply):
- a meeting "tenue" counts as held, a meeting "prévue" as planned (once its date has passed without being
  marked "tenue", it is "à confirmer": it makes no past year compliant);
- a meeting "annulée" never counts;
- a meeting "reportée" never counts at its own date. When a new meeting holds it at a new date (the new
  meeting's `replaces_id` points to it), that new meeting counts, at its own date and by its own status.
  A postponed meeting with no new meeting is listed as "reportée sans nouvelle date".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HELD, PLANNED, CANCELLED, POSTPONED = "tenue", "prevue", "annulee", "reportee"

# state -> (symbol, French label); symbols from common text fonts (no colour emoji), always with the words.
STATES = {
    "conforme": ("✔", "conforme"),
    "excedent": ("▲", "au-delà du maximum"),
    "prevu": ("◷", "programmé"),
    "a_confirmer": ("?", "à confirmer"),
    "manquant": ("✘", "manquant"),
    "a_programmer": ("⚠", "à programmer"),
    "a_venir": ("…", "à venir"),
}
GAP_STATES = frozenset({"manquant", "a_programmer", "a_confirmer"})

# Revues de projet are set on fixed days: the second Tuesday of April and of October (data/README.md).
REVUE_MONTHS = (4, 10)
TUESDAY = 1
LEAD_DAYS = 14  # the planner never proposes a date closer than this


@dataclass(frozen=True)
class MeetingFact:
    """What the cadence needs to know of one meeting."""

    date: dt.date
    status: str
    replaced: bool = False  # a postponed meeting that a new meeting holds at another date


@dataclass(frozen=True)
class YearCount:
    """One cell of a cadence grid: a year, what was held and planned, and the resulting state."""

    year: int
    held: int
    planned: int
    unconfirmed: int
    postponed_open: int
    minimum: int | None
    maximum: int | None
    dates: tuple[dt.date, ...]
    state: str

    @property
    def is_gap(self) -> bool:
        """Whether the grid flags this cell (missing, to schedule, to confirm)."""
        return self.state in GAP_STATES

    @property
    def label(self) -> str:
        """'✔ 2/2 conforme', '✘ 1/2 manquant', '✔ 3 conforme' — symbol, count and words; the count is shown
        against the minimum when the rule is an exact number or when the count falls short of it."""
        icon, words = STATES[self.state]
        counted = self.held + self.planned + self.unconfirmed
        exact = self.maximum == self.minimum
        target = f"/{self.minimum}" if self.minimum and (exact or counted < self.minimum) else ""
        return f"{icon} {counted}{target} {words}"


@dataclass(frozen=True)
class Proposal:
    """A revue de projet the planner proposes to schedule."""

    scope_id: int
    year: int
    half: int
    date: dt.date


def _counts(status: str, date: dt.date, today: dt.date) -> str | None:
    """The category a meeting counts in, or None when it does not count."""
    if status == HELD:
        return "held"
    if status == PLANNED:
        return "planned" if date >= today else "unconfirmed"
    return None


def count_year(facts: Iterable[MeetingFact], year: int, minimum: int | None, maximum: int | None,
               today: dt.date) -> YearCount:
    """Count one year's meetings of one body against a rule's minimum and maximum."""
    totals = {"held": 0, "planned": 0, "unconfirmed": 0}
    postponed_open = 0
    dates = []
    for fact in facts:
        if fact.date.year != year:
            continue
        category = _counts(fact.status, fact.date, today)
        if category:
            totals[category] += 1
            dates.append(fact.date)
        elif fact.status == POSTPONED and not fact.replaced:
            postponed_open += 1
    state = year_state(year, today, totals["held"], totals["planned"], totals["unconfirmed"], minimum, maximum)
    return YearCount(year, totals["held"], totals["planned"], totals["unconfirmed"], postponed_open, minimum,
                     maximum, tuple(sorted(dates)), state)


def year_state(year: int, today: dt.date, held: int, planned: int, unconfirmed: int, minimum: int | None,
               maximum: int | None) -> str:
    """The state of a year: a closed year is judged on held meetings, a running one also on planned ones."""
    need = minimum or 0
    if maximum is not None and held + planned + unconfirmed > maximum:
        return "excedent"
    if held >= need:
        return "conforme"
    if year < today.year:
        return "a_confirmer" if held + unconfirmed >= need else "manquant"
    if held + planned >= need:
        return "prevu"
    if held + planned + unconfirmed >= need:
        return "a_confirmer"
    return "a_programmer" if year == today.year else "a_venir"


def grid(facts: Iterable[MeetingFact], years: Iterable[int], minimum: int | None, maximum: int | None,
         today: dt.date) -> list[YearCount]:
    """One body's cells for every year."""
    facts = list(facts)
    return [count_year(facts, year, minimum, maximum, today) for year in years]


def nth_weekday(year: int, month: int, weekday: int = TUESDAY, nth: int = 2) -> dt.date:
    """The nth given weekday of a month (default: the second Tuesday)."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def half_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    """First and last day of a half-year (1: January-June, 2: July-December)."""
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def _slot_date(year: int, half: int, earliest: dt.date) -> dt.date | None:
    """The half-year's fixed revue day, or the next second Tuesday after `earliest` within the half-year."""
    start, end = half_bounds(year, half)
    fixed = nth_weekday(year, REVUE_MONTHS[half - 1])
    if fixed >= earliest:
        return fixed
    month_start = max(start, earliest.replace(day=1))
    while month_start <= end:
        candidate = nth_weekday(month_start.year, month_start.month)
        if earliest <= candidate <= end:
            return candidate
        month_start = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return None


def propose_revues(facts_by_scope: Mapping[int, Iterable[MeetingFact]], years: Iterable[int],
                   today: dt.date) -> list[Proposal]:
    """One revue per half-year and neighbourhood: propose a date for each half-year not yet covered."""
    proposals = []
    earliest = today + dt.timedelta(days=LEAD_DAYS)
    for scope_id, facts in facts_by_scope.items():
        counted = [f.date for f in facts if _counts(f.status, f.date, today) in ("held", "planned")]
        for year in years:
            for half in (1, 2):
                start, end = half_bounds(year, half)
                if end < earliest or any(start <= day <= end for day in counted):
                    continue
                date = _slot_date(year, half, earliest)
                if date is not None:
                    proposals.append(Proposal(scope_id, year, half, date))
    return sorted(proposals, key=lambda p: (p.date, p.scope_id))

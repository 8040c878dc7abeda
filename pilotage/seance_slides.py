"""The screens of a séance as plain data: what the room sees, the same on the wall, in the PDF and in the PPTX.

A step (pilotage/seance.py) is one or more slides; a slide holds a title and one kind of content (key figures,
a list of items with their state in words and symbol, a 2×2 FFOM grid, a table or a chart), cut so that it fits a
1280×720 projector with large type. Builders here take DataFrames of the pilotage.queries modules.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from pilotage.followups import OPEN, state_label
from pilotage.formats import DECISION_KIND_LABELS, MEETING_KIND_LABELS, format_date
from pilotage.seance import pages

# Measured on a 1280×720 screen at 32 px (the page's type grows with the screen, so these hold on 1920×1080):
# a list screen holds about 14 lines of main text; a detail line takes 0.72 of one, the gap between items 0.46.
ITEM_BUDGET = 13.4
ITEMS_PER_SCREEN = 5
CHARS_PER_LINE = 60  # of the main text beside the state column
CHARS_PER_WIDE_LINE = 80  # of the main text when there is no state column
CHARS_PER_DETAIL_LINE = 84
CHARS_PER_NOTE_LINE, NOTE_LINE = 140, 0.7  # a footnote line, in lines of main text
CHARS_PER_SUBTITLE_LINE, SUBTITLE_LINE = 72, 0.8
TEXT_LIMIT = 170  # longer titles are shortened on screen; priorities and decisions are shown whole


@dataclass(frozen=True)
class Figure:
    """A key figure: what it counts, its value, what it compares with."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Item:
    """One line of a list: its state (symbol and words), the main text, a smaller detail line."""

    status: str
    text: str
    detail: str = ""
    tone: str = ""  # a colour variant that only repeats the state's words (w-compromis, late, done…)
    extra: str = ""  # a second state line (progress and its change)
    key: int | None = None  # the priority or decision the line is about


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Slide:
    """One screen of a step."""

    step: str
    title: str
    subtitle: str = ""
    figures: tuple[Figure, ...] = ()
    items: tuple[Item, ...] = ()
    quadrants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    table: Table | None = None
    chart: str | None = None  # a Vega-Lite specification (JSON), see pilotage/seance_charts.py
    chart_text: str = ""  # what the chart says, in words (for whoever cannot see it)
    empty: str = ""  # what to say when the slide has nothing else
    note: str = ""  # a footnote: sources, illustrative data
    kind: str = ""  # what the items are: "priority" or "decision" (live capture acts on them)


@dataclass(frozen=True)
class Step:
    """A step of the running order and its slides (at least one)."""

    code: str
    title: str
    slides: tuple[Slide, ...] = field(default_factory=tuple)


def shorten(text: str | None, limit: int = TEXT_LIMIT) -> str:
    """The text cut at a word before `limit` characters, with an ellipsis."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the limit falls inside a word: drop it
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def clean(value) -> str | None:
    """A text cell of a DataFrame, None when empty or missing."""
    return value if isinstance(value, str) and value.strip() else None


def day(value) -> dt.date | None:
    """A date cell of a DataFrame, None when missing."""
    return None if value is None or (not isinstance(value, dt.date) and pd.isna(value)) else value


def wrapped_lines(text: str, width: int) -> int:
    """How many lines a text takes, wrapped at words (and hyphens) to `width` characters."""
    return max(1, len(textwrap.wrap(text, width))) if text else 0


def item_weight(item: Item) -> float:
    """The lines of main text an item takes on screen: its text, its detail, the gap below it."""
    text_lines = wrapped_lines(item.text, CHARS_PER_LINE if item.status else CHARS_PER_WIDE_LINE)
    detail_lines = wrapped_lines(item.detail, CHARS_PER_DETAIL_LINE)
    side_lines = 1.8 if item.extra else 1.0
    return max(text_lines + 0.72 * detail_lines, side_lines) + 0.46


def item_slides(step: str, title: str, items: Sequence[Item], *, subtitle: str = "", empty: str = "",
                note: str = "", kind: str = "", most: int = ITEMS_PER_SCREEN) -> list[Slide]:
    """A list cut into as many screens as it needs, each titled '(2/3)' when there are several."""
    if not items:
        return [Slide(step, title, subtitle, empty=empty, note=note, kind=kind)]
    budget = ITEM_BUDGET - NOTE_LINE * math.ceil(len(note) / CHARS_PER_NOTE_LINE) \
        - SUBTITLE_LINE * max(0, math.ceil(len(subtitle) / CHARS_PER_SUBTITLE_LINE) - 1)
    cuts = pages([item_weight(item) for item in items], budget, most)
    return [Slide(step, title + (f" ({n}/{len(cuts)})" if len(cuts) > 1 else ""), subtitle,
                  items=tuple(items[start:end]), note=note, kind=kind)
            for n, (start, end) in enumerate(cuts, start=1)]


# Decisions and follow-ups, shared by both formats --------------------------------------------------------------

STATE_TONES = {"ouverte": "open", "en_retard": "late", "faite": "done", "abandonnee": "dropped"}


def decision_item(row, with_meeting: bool = False) -> Item:
    """A decision as a line: its state in words, its text, its owner and due date."""
    owner = " — ".join(v for v in (clean(row.owner), clean(row.owner_person)) if v) or "responsable non désigné"
    parts = [DECISION_KIND_LABELS.get(row.kind, row.kind).capitalize(), owner]
    if day(row.due_on):
        parts.append(f"échéance {format_date(row.due_on)}")
    if day(row.closed_on) and row.status != OPEN:
        parts.append(f"close le {format_date(row.closed_on)}")
    if with_meeting:
        parts.append(f"{MEETING_KIND_LABELS.get(row.meeting_kind, row.meeting_kind).lower()} du "
                     f"{format_date(row.meeting_date)}")
    return Item(state_label(row.state), " ".join(row.text.split()), " · ".join(parts), STATE_TONES.get(row.state, ""),
                key=int(row.id))


def agenda_item(row) -> Item:
    """An agenda point as a line: what is to be decided and, once recorded, what the meeting concluded."""
    outcome = clean(row.outcome)
    section = clean(row.section)
    detail = f"Relevé : {shorten(outcome, 150)}" if outcome else "Relevé à faire en séance"
    status = "✔ traité" if outcome else "◷ à traiter"
    return Item(status, shorten(row.title), " · ".join(v for v in (section, detail) if v),
                "done" if outcome else "open")


def decision_slides(step: str, title: str, agenda: pd.DataFrame, decisions: pd.DataFrame,
                    carried: pd.DataFrame | None = None) -> list[Slide]:
    """The agenda to decide on, the follow-ups still open (for a COPIL), and what the séance decided."""
    slides = item_slides(step, title, [agenda_item(r) for r in agenda.itertuples()],
                         subtitle="Ordre du jour", empty="Aucun point n'est inscrit à l'ordre du jour.")
    if carried is not None and not carried.empty:
        slides += item_slides(step, title, [decision_item(r, True) for r in carried.itertuples()],
                              subtitle="Suites ouvertes des instances précédentes", kind="decision")
    slides += item_slides(step, title, [decision_item(r) for r in decisions.itertuples()],
                          subtitle="Décisions et suites à donner de la séance", kind="decision",
                          empty="Aucune décision n'est encore enregistrée pour cette séance.")
    return slides


def follow_up_slides(step: str, title: str, previous: tuple[int, dt.date, str] | None, previous_decisions: pd.DataFrame,
                     carried: pd.DataFrame) -> list[Slide]:
    """The decisions of the previous meeting of the same body, and older ones still open, with their state now."""
    own_ids = set(previous_decisions["id"])
    rows = [decision_item(r) for r in previous_decisions.itertuples()]
    rows += [decision_item(r, True) for r in carried.itertuples() if r.id not in own_ids]
    subtitle = (f"Décidées à la revue du {format_date(previous[1])}, et plus anciennes encore ouvertes"
                if previous else "Aucune revue précédente")
    empty = ("La revue précédente n'a laissé aucune suite, et aucune suite plus ancienne n'est ouverte."
             if previous else "Première revue de ce quartier : pas de suites à reprendre.")
    return item_slides(step, title, rows, subtitle=subtitle, empty=empty, kind="decision")

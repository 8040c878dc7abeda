"""Governance building blocks: status words with icons, scopes, the cadence grids and the decisions table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import tables
from components.layout import escape_markdown
from pilotage import cadence, followups
from pilotage.formats import (
    DECISION_KIND_LABELS,
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    format_date,
    format_time,
    plural,
)
from pilotage.permissions import EDIT, Actor, can
from pilotage.queries.governance import Cadence, RuleGrid

MEETING_STATUS_ICONS = {"prevue": "◷", "tenue": "✔", "annulee": "✖", "reportee": "↪"}
CONTRACT_SCOPE = "Ensemble du contrat"
GAP_BACKGROUND = {"manquant": "#fde8e8", "a_programmer": "#fff4d6", "a_confirmer": "#fff4d6"}


def text(value) -> str | None:
    """A text cell of a DataFrame, None when empty or missing (pandas shows those as NaN)."""
    return value if isinstance(value, str) and value.strip() else None


def day(value) -> dt.date | None:
    """A date cell of a DataFrame, None when missing."""
    return None if value is None or pd.isna(value) else value


def ident(value) -> int | None:
    """An id cell of a DataFrame (ids of optional links come back as floats or NaN)."""
    return None if value is None or pd.isna(value) else int(value)


def meeting_status(status: str) -> str:
    """'✔ tenue': the symbol and the word."""
    return f"{MEETING_STATUS_ICONS.get(status, '')} {MEETING_STATUS_LABELS.get(status, status)}".strip()


def kind_label(kind: str) -> str:
    return MEETING_KIND_LABELS.get(kind, kind)


def scope_of(programme, neighbourhood) -> str:
    return text(programme) or text(neighbourhood) or CONTRACT_SCOPE


def when(date: dt.date, start_time) -> str:
    hour = format_time(start_time) if start_time is not None and not pd.isna(start_time) else ""
    return f"{format_date(date)} à {hour}" if hour else format_date(date)


def may_edit(actor: Actor | None, neighbourhood_id) -> bool:
    """Whether the actor may edit a meeting of this neighbourhood (None: a contract-wide meeting)."""
    return can(actor, EDIT, ident(neighbourhood_id))


def may_edit_anything(actor: Actor | None, neighbourhood_ids) -> bool:
    return may_edit(actor, None) or any(may_edit(actor, i) for i in neighbourhood_ids)


def meetings_table(meetings: pd.DataFrame) -> pd.DataFrame:
    """Meetings as the tables show them."""
    return pd.DataFrame({
        "Date": [when(d, t) for d, t in zip(meetings["date"], meetings["start_time"], strict=True)],
        "Instance": meetings["kind"].map(kind_label),
        "Intitulé": meetings["title"],
        "Concerne": [scope_of(p, n) for p, n in zip(meetings["programme"], meetings["neighbourhood"], strict=True)],
        "Statut": meetings["status"].map(meeting_status),
        "Illustratif": meetings["illustrative"].map({True: "⚠ illustratif", False: ""}),
    })


# Cadence --------------------------------------------------------------------------------------------------------


def rule_title(grid: RuleGrid) -> str:
    """'Comité de pilotage — 1 à 2 par an', '… par quartier', '… du Pacte …'."""
    if grid.maximum is None:
        count = f"au moins {grid.minimum} par an"
    elif grid.maximum == grid.minimum:
        count = f"{grid.minimum} par an"
    else:
        count = f"{grid.minimum} à {grid.maximum} par an"
    scope = {"neighbourhood": " par quartier", "programme": f" — {escape_markdown(grid.programme or '')}"} \
        .get(grid.scope, "")
    return f"{kind_label(grid.meeting_kind)} : {count}{scope}"


def cadence_frame(grid: RuleGrid, years: tuple[int, ...], shown: tuple[int, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grid's labels (rows × shown years) and the matching states, for styling."""
    picked = [i for i, year in enumerate(years) if year in shown]
    columns = [str(years[i]) for i in picked]
    index = [row.label for row in grid.rows]
    labels = pd.DataFrame([[row.cells[i].label for i in picked] for row in grid.rows], columns=columns, index=index)
    states = pd.DataFrame([[row.cells[i].state for i in picked] for row in grid.rows], columns=columns, index=index)
    return labels, states


def render_grid(grid: RuleGrid, years: tuple[int, ...], shown: tuple[int, ...]) -> None:
    """One rule as a table: a row per body, a column per year, each cell '✔ 2/2 conforme' with its gap colour;
    then every gap of the shown years in words."""
    labels, states = cadence_frame(grid, years, shown)
    styled = labels.style.apply(lambda _: states.map(lambda s: f"background-color: {GAP_BACKGROUND[s]}"
                                                    if s in GAP_BACKGROUND else ""), axis=None)
    # The row names (a neighbourhood, « Pacte pour l'émancipation des jeunes de Planoise ») get the room they need.
    names = st.column_config.TextColumn(width=min(24 + 8 * max(map(len, labels.index), default=10), 440))
    tables.dataframe(styled, width="stretch", height=min(38 + 35 * len(labels), 420), column_config={"_index": names})
    gaps = [(row.label, cell) for row in grid.rows for cell in row.cells if cell.is_gap and cell.year in shown]
    if gaps:
        st.markdown("\n".join(f"- {_gap_line(label, cell, grid)}" for label, cell in gaps))


def _gap_line(label: str, cell: cadence.YearCount, grid: RuleGrid) -> str:
    icon, words = cadence.STATES[cell.state]
    noun = kind_label(grid.meeting_kind).lower()
    counted = f"{plural(cell.held, 'tenue')}, {plural(cell.planned, 'prévue')}"
    if cell.unconfirmed:
        counted += f", {cell.unconfirmed} à confirmer (date passée, statut non mis à jour)"
    return (f"{icon} **{escape_markdown(label)} — {cell.year}** : {words} ({counted} ; attendu : {cell.minimum} "
            f"{noun}(s))")


def legend() -> str:
    return " · ".join(f"{icon} {words}" for icon, words in cadence.STATES.values())


def postponed_lines(data: Cadence) -> list[str]:
    return [f"↪ {title} du {format_date(date)} : reportée sans nouvelle date" for _, date, title in data.postponed]


# Decisions ------------------------------------------------------------------------------------------------------


def decision_owner(row) -> str:
    return " — ".join(v for v in (text(row.owner), text(row.owner_person)) if v) or "non désigné"


def numbered(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a first column « N° » counting its rows from 1, to name a row elsewhere on the page."""
    return table.assign(**{"N°": range(1, len(table) + 1)})[["N°", *table.columns]]


def decision_choice(number: int, row) -> str:
    """'n° 3 — ⚠ en retard — échéance 30 juin 2025': a row of the tracker, short enough for a selector."""
    due = f" — échéance {format_date(day(row.due_on))}" if day(row.due_on) else ""
    return f"n° {number} — {followups.state_label(row.state)}{due}"


def table_height(rows: int, limit: int = 560) -> int:
    """Enough height for every row up to `limit` pixels (35 px a row and the header)."""
    return min(38 + 35 * max(rows, 1), limit)


def decision_line(row, with_meeting: bool) -> str:
    """'⚠ en retard — Suite à donner : **text** · owner · échéance 30 juin 2025', escaped for st.markdown."""
    parts = [escape_markdown(decision_owner(row))]
    if day(row.due_on):
        parts.append(f"échéance {format_date(row.due_on)}")
    if day(row.closed_on) and row.status != followups.OPEN:
        parts.append(f"close le {format_date(row.closed_on)}")
    if with_meeting:
        parts.append(f"{kind_label(row.meeting_kind).lower()} du {format_date(row.meeting_date)}")
    kind = DECISION_KIND_LABELS.get(row.kind, row.kind).capitalize()
    return f"{followups.state_label(row.state)} — {kind} : **{escape_markdown(row.text)}** · " + " · ".join(parts)


def decisions_table(decisions: pd.DataFrame, with_meeting: bool = True) -> pd.DataFrame:
    """Decisions as the tables show them: the state in words and icon (with its closing date), the kind and the
    text, the due date, the owner."""
    rows = {
        "État": [followups.state_label(r.state) + (f" le {format_date(day(r.closed_on))}" if day(r.closed_on) else "")
                 for r in decisions.itertuples()],
        "Décision": [f"{DECISION_KIND_LABELS.get(r.kind, r.kind).capitalize()} : {r.text}"
                     for r in decisions.itertuples()],
        "Échéance": decisions["due_on"].map(lambda d: format_date(day(d)) if day(d) else "—"),
        "Responsable": [decision_owner(r) for r in decisions.itertuples()],
        "Quartier": decisions["neighbourhood"].map(lambda n: text(n) or CONTRACT_SCOPE),
    }
    if with_meeting:
        rows["Instance"] = [f"{kind_label(k)} du {format_date(d)}"
                            for k, d in zip(decisions["meeting_kind"], decisions["meeting_date"], strict=True)]
    return pd.DataFrame(rows)

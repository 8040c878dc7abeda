"""A row of headline figures: a large number, its label in full (never cut) and a line saying what it counts."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pilotage.commitments import PROGRAMME_ORDER, commitments_text
from pilotage.formats import format_number

FIGURES_CSS = """<style>
  .pl-keyfigures { display:grid; grid-template-columns:repeat(auto-fit, minmax(10.5rem, 1fr)); gap:0.6rem 1.2rem;
                   margin:0.3rem 0 0.8rem 0; }
  .pl-keyfigure-value { font-size:2rem; font-weight:700; color:#111827; line-height:1.15; }
  .pl-keyfigure-label { font-size:1rem; color:#111827; line-height:1.3; }
  .pl-keyfigure-detail { font-size:0.85rem; color:#4b5563; line-height:1.3; }
</style>"""


PROGRAMME_PLURALS = {"projet_quartier": "projets de quartier", "pacte": "pactes", "protocole": "protocoles"}


@dataclass(frozen=True)
class KeyFigure:
    value: str
    label: str
    detail: str = ""
    mark: str = ""  # HTML of a badge shown after the label (e.g. the illustrative mark)


def figures_html(figures: list[KeyFigure]) -> str:
    boxes = "".join(
        f"<div class='pl-keyfigure'><div class='pl-keyfigure-value'>{html.escape(f.value)}</div>"
        f"<div class='pl-keyfigure-label'>{html.escape(f.label)}{f.mark}</div>"
        + (f"<div class='pl-keyfigure-detail'>{html.escape(f.detail)}</div>" if f.detail else "") + "</div>"
        for f in figures)
    return FIGURES_CSS + f"<div class='pl-keyfigures'>{boxes}</div>"


def render(figures: list[KeyFigure]) -> None:
    """The figures side by side, wrapping onto more lines on a narrow screen."""
    st.html(figures_html(figures))


def commitment_figures(counts: pd.DataFrame) -> list[KeyFigure]:
    """One figure per kind of programme: priorités of the projets de quartier apart from a pacte's mesures."""
    shown = []
    counts = counts[counts["commitments"] > 0]
    kinds = sorted(dict.fromkeys(counts["kind"]), key=lambda k: PROGRAMME_ORDER.index(k) if k in PROGRAMME_ORDER
                   else len(PROGRAMME_ORDER))
    for kind in kinds:
        rows = counts[counts["kind"] == kind]
        total = int(rows["commitments"].sum())
        label = commitments_text({kind: total}, {kind: len(rows)}).split(" ", 1)[1]
        if len(rows) == 1:
            row = rows.iloc[0]
            detail = row["name"] + ("" if isinstance(row["neighbourhood"], str) else ", pour tout le contrat")
        else:
            detail = f"dans {len(rows)} {PROGRAMME_PLURALS.get(kind, 'programmes')}"
        shown.append(KeyFigure(format_number(total), label[0].upper() + label[1:], detail))
    return shown

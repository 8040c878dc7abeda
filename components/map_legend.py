"""Map legends as HTML: every symbol is drawn and named, so nothing is told by colour alone."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import layout
from components.maps import FACILITY_KIND_LABELS, FACILITY_STYLE, KIND_FILL, KIND_OUTLINE, OTHER_FACILITY, Shading
from pilotage.choropleth import NO_DATA_COLOR
from pilotage.formats import KIND_LABELS, plural

OUTLINE_WORDS = {"qpv": "contour plein épais", "fragile": "contour en tirets", "veille": "contour en pointillés"}
CSS = """
<style>
  .pl-legend { font-size:0.95rem; line-height:1.35; color:#111827; }
  .pl-legend-wide { display:flex; flex-wrap:wrap; gap:0 2.5rem; align-items:flex-start; }
  .pl-legend-wide > div { max-width:26rem; }
  .pl-legend h4 { font-size:1rem; margin:0.6rem 0 0.3rem 0; }
  .pl-legend .pl-row { display:flex; align-items:center; gap:0.5rem; margin:0.2rem 0; }
  .pl-legend .pl-swatch { flex:none; display:inline-block; width:30px; height:18px; box-sizing:border-box; }
  .pl-legend .pl-dot { flex:none; display:inline-block; width:18px; height:18px; margin:0 6px; border-radius:50%;
                       box-sizing:border-box; box-shadow:0 0 0 1px #9ca3af; }
  .pl-legend .pl-muted { color:#4b5563; font-size:0.85rem; }
</style>
"""


def _rgba(color, alpha: float | None = None) -> str:
    r, g, b = color[:3]
    a = (color[3] / 255 if len(color) > 3 else 1) if alpha is None else alpha
    return f"rgba({r},{g},{b},{a:.2f})"


def _swatch(fill: str, stroke: str, width: float, style: str = "solid", hatched: bool = False) -> str:
    background = (f"repeating-linear-gradient(45deg, #6b7280 0 2px, {_rgba(NO_DATA_COLOR)} 2px 6px)" if hatched
                  else fill)
    return (f'<span class="pl-swatch" aria-hidden="true" style="background:{background};'
            f'border:{max(width, 1):g}px {style} {stroke}"></span>')


def _kind_swatch(kind: str, fill: str) -> str:
    color, width, dash = KIND_OUTLINE[kind]
    style = "solid" if not dash else "dashed" if dash[0] > 1 else "dotted"
    return _swatch(fill, _rgba(color), width, style)


def _dot(kind: str) -> str:
    fill, line = FACILITY_STYLE.get(kind, OTHER_FACILITY)
    return (f'<span class="pl-dot" aria-hidden="true" style="background:{_rgba(fill)};border:3px solid '
            f'{_rgba(line)}"></span>')


def _row(symbol: str, text: str) -> str:
    return f'<div class="pl-row">{symbol}<span>{html.escape(text)}</span></div>'


def kinds_section(hoods: pd.DataFrame, shaded: bool) -> str:
    counts = hoods["kind"].value_counts()
    rows = []
    for kind in KIND_OUTLINE:
        if counts.get(kind, 0):
            fill = "#ffffff" if shaded else _rgba(KIND_FILL[kind])
            label = f"{KIND_LABELS.get(kind, kind)} : {OUTLINE_WORDS[kind]} ({counts[kind]})"
            rows.append(_row(_kind_swatch(kind, fill), label))
    return "<h4>Quartiers</h4>" + "".join(rows)


def shading_section(shading: Shading, years: str, missing: int) -> str:
    unit = f" — unité : {shading.unit}" if shading.unit else ""
    rows = [f"<h4>{html.escape(shading.label)}</h4>",
            f'<div class="pl-muted">{html.escape(years + unit)}</div>']
    for item in shading.classes:
        rows.append(_row(_swatch(_rgba(item.color), "#6b7280", 1), f"{item.label} ({plural(item.count, 'quartier')})"))
    if missing:
        rows.append(_row(_swatch("", "#6b7280", 1, hatched=True), f"sans donnée ({plural(missing, 'quartier')})"))
    return "".join(rows)


def facilities_section(facilities: pd.DataFrame) -> str:
    located = facilities[facilities["latitude"].notna()]
    if located.empty:
        return ""
    counts = located["kind"].value_counts()
    rows = [_row(_dot(kind), f"{FACILITY_KIND_LABELS.get(kind, kind.replace('_', ' ').capitalize())} ({count})")
            for kind, count in counts.items()]
    return "<h4>Équipements</h4>" + "".join(rows)


def approximate_note(hoods: pd.DataFrame, facilities: pd.DataFrame) -> str:
    drawn = hoods[hoods["geometry"].notna()]
    approximate = int(drawn["geometry_approximate"].sum())
    placed = facilities[facilities["latitude"].notna()]
    approximate_places = int(placed["location_approximate"].sum()) if not placed.empty else 0
    if not approximate and not approximate_places:
        return ""
    parts = []
    if approximate:
        parts.append(f"contours approximatifs ({approximate} sur {plural(len(drawn), 'quartier')})")
    if approximate_places:
        parts.append(f"emplacements approximatifs ({plural(approximate_places, 'équipement')})")
    joined = " et ".join(parts)
    text = (joined[0].upper() + joined[1:] + " : tracés pour l'illustration, en attendant l'import des contours "
            "officiels (page Données).")
    return (f'<div class="pl-row" style="margin-top:0.6rem">{layout.illustrative_badge()}</div>'
            f'<div class="pl-muted">{html.escape(text)}</div>')


def render_legend(hoods: pd.DataFrame, facilities: pd.DataFrame, shading: Shading | None, years: str = "",
                  missing: int = 0, wide: bool = False) -> None:
    """The legend of the contract map, beside it (or under it, its sections side by side, when `wide`)."""
    parts = [kinds_section(hoods, shaded=shading is not None)]
    if shading is not None:
        parts.append(shading_section(shading, years, missing))
    parts += [facilities_section(facilities), approximate_note(hoods, facilities)]
    css_class = "pl-legend pl-legend-wide" if wide else "pl-legend"
    st.html(CSS + f'<div class="{css_class}" role="group" aria-label="Légende de la carte">'
            + "".join(f"<div>{part}</div>" for part in parts) + "</div>")

"""Mode séance on the wall: full-screen slides in large type (at least 32 px, growing with the screen), high
contrast, no sidebar; every state in words and symbol, the colour only repeating them."""

from __future__ import annotations

import base64
import html

import streamlit as st

from pilotage import seance_charts
from pilotage.formats import format_date
from pilotage.queries.seance import Seance
from pilotage.seance_slides import Figure, Item, Slide, Table

# Sizes in em of the slide's base size: 32 px on a 1280×720 screen, 48 px on 1920×1080 (4.45 % of the height).
CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stExpandSidebarButton"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0.6rem 2.2rem 3.6rem 2.2rem !important; max-width: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  .sc-slide { font-size: clamp(32px, min(4.45vh, 2.5vw), 64px); color: #111827; line-height: 1.22; }
  .sc-band { display: flex; justify-content: space-between; gap: 1em; font-size: 0.62em; color: #1f2937;
             border-bottom: 0.1em solid #1d4ed8; padding-bottom: 0.15em; }
  .sc-band strong { color: #111827; }
  .sc-slide h1.sc-title { font-size: 1.32em !important; font-weight: 800; margin: 0.22em 0 0 0; padding: 0;
                         line-height: 1.1; color: #111827; }
  .sc-sub { font-size: 0.78em; color: #1f2937; margin: 0.1em 0 0.25em 0; }
  .sc-empty { font-size: 1em; margin-top: 0.8em; padding: 0.5em 0.7em; border: 0.06em dashed #4b5563;
              border-radius: 0.3em; }
  .sc-item { display: grid; grid-template-columns: minmax(7.5em, 22%) 1fr; column-gap: 0.7em; padding: 0.28em 0;
             border-top: 0.05em solid #cbd5e1; align-items: start; }
  .sc-item.sc-plain { grid-template-columns: 0.8em 1fr; }
  .sc-status { font-size: 0.82em; font-weight: 800; padding: 0.08em 0.35em; border-radius: 0.25em;
               border: 0.06em solid #1f2937; justify-self: start; }
  .sc-extra { font-size: 0.75em; margin-top: 0.12em; font-weight: 600; }
  .sc-text { font-size: 1em; font-weight: 600; }
  .sc-detail { font-size: 0.72em; color: #1f2937; margin-top: 0.08em; }
  .sc-figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.45em; margin-top: 0.35em; }
  .sc-figure { border: 0.06em solid #94a3b8; border-radius: 0.3em; padding: 0.25em 0.45em; }
  .sc-figure-label { font-size: 0.72em; font-weight: 600; line-height: 1.2; }
  .sc-figure-value { font-size: 1.6em; font-weight: 800; color: #0b2a5b; line-height: 1.15; }
  .sc-figure-detail { font-size: 0.62em; color: #1f2937; line-height: 1.25; }
  .sc-table { border-collapse: collapse; width: 100%; font-size: 1em; margin-top: 0.3em; }
  .sc-table th { text-align: left; background: #e2e8f0; padding: 0.1em 0.35em; border: 0.04em solid #94a3b8; }
  .sc-table td:not(:first-child), .sc-table th:not(:first-child) { white-space: nowrap; width: 1%; }
  .sc-table td { padding: 0.1em 0.35em; border: 0.04em solid #94a3b8; }
  .sc-table td.sc-gap { background: #fdecec; font-weight: 700; }
  .sc-chart img { display: block; width: 100%; height: auto; max-height: calc(100vh - 9em);
                  object-fit: contain; object-position: left top; }
  .sc-note { font-size: 0.56em; color: #374151; margin-top: 0.3em; }
  .sc-t-w-securise { background: #e7f6ec; color: #14532d; }
  .sc-t-w-atteignable { background: #e0ecff; color: #1e3a8a; }
  .sc-t-w-appui_necessaire { background: #fff4d6; color: #78350f; }
  .sc-t-w-compromis { background: #fdecec; color: #7f1d1d; border-width: 0.12em; }
  .sc-t-w-none, .sc-t-dropped { background: #f3f4f6; color: #1f2937; border-style: dashed; }
  .sc-t-open { background: #e0ecff; color: #1e3a8a; }
  .sc-t-late { background: #fdecec; color: #7f1d1d; border-width: 0.12em; }
  .sc-t-done { background: #e7f6ec; color: #14532d; }
  .st-key-pilotage_seance_bar { position: fixed; left: 0; right: 0; bottom: 0; z-index: 99; background: #ffffff;
                                border-top: 2px solid #94a3b8; padding: 0.45rem 1.4rem; }
  .st-key-pilotage_seance_twins { display: none !important; }
</style>
"""
GAP_MARKS = ("✘", "⚠", "?")


def apply_css() -> None:
    """Projection styles for this page only (the sidebar and Streamlit's header hidden)."""
    st.html(CSS)


def _e(text) -> str:
    return html.escape(str(text or ""))


def band_html(seance: Seance, step_label: str, where: str) -> str:
    """The thin band on top of every screen: the meeting, and where the séance stands."""
    sheet = seance.meeting
    flag = " · ⚠ Illustratif" if sheet.illustrative else ""
    return (f"<div class='sc-band'><span><strong>{_e(sheet.title)}</strong> · {_e(format_date(sheet.date))}"
            f"{flag}</span><span>{_e(step_label)} · {_e(where)}</span></div>")


def _figure(figure: Figure) -> str:
    return (f"<div class='sc-figure'><div class='sc-figure-label'>{_e(figure.label)}</div>"
            f"<div class='sc-figure-value'>{_e(figure.value)}</div>"
            f"<div class='sc-figure-detail'>{_e(figure.detail)}</div></div>")


def _item(item: Item) -> str:
    if not item.status:
        return (f"<div class='sc-item sc-plain'><div class='sc-text'>•</div><div><div class='sc-text'>"
                f"{_e(item.text)}</div>{_detail(item)}</div></div>")
    extra = f"<div class='sc-extra'>{_e(item.extra)}</div>" if item.extra else ""
    tone = f" sc-t-{item.tone}" if item.tone else ""
    return (f"<div class='sc-item'><div><div class='sc-status{tone}'>{_e(item.status)}</div>{extra}</div>"
            f"<div><div class='sc-text'>{_e(item.text)}</div>{_detail(item)}</div></div>")


def _detail(item: Item) -> str:
    return f"<div class='sc-detail'>{_e(item.detail)}</div>" if item.detail else ""


def _table(table: Table) -> str:
    head = "".join(f"<th scope='col'>{_e(h)}</th>" for h in table.headers)
    rows = "".join("<tr>" + "".join(
        f"<td class='{'sc-gap' if i and cell.startswith(GAP_MARKS) else ''}'>{_e(cell)}</td>"
        for i, cell in enumerate(row)) + "</tr>" for row in table.rows)
    return f"<table class='sc-table'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def slide_html(slide: Slide, band: str) -> str:
    """The slide's band, title and content (a chart is drawn apart, below)."""
    parts = [band, f"<h1 class='sc-title'>{_e(slide.title)}</h1>"]
    if slide.subtitle:
        parts.append(f"<div class='sc-sub'>{_e(slide.subtitle)}</div>")
    if slide.figures:
        parts.append("<div class='sc-figures'>" + "".join(_figure(f) for f in slide.figures) + "</div>")
    if slide.items:
        parts.append("".join(_item(item) for item in slide.items))
    if slide.table:
        parts.append(_table(slide.table))
    if slide.empty and not (slide.figures or slide.items or slide.table or slide.chart):
        parts.append(f"<div class='sc-empty'>{_e(slide.empty)}</div>")
    if slide.chart:
        parts.append(f"<div class='sc-chart'><img alt='{_e(slide.chart_text)}' "
                     f"src='data:image/svg+xml;base64,{chart_svg(slide.chart)}'></div>")
    if slide.note:
        parts.append(f"<div class='sc-note'>{_e(slide.note)}</div>")
    return f"<div class='sc-slide' data-step='{_e(slide.step)}'>{''.join(parts)}</div>"


@st.cache_data(show_spinner=False, max_entries=64)
def chart_svg(spec: str) -> str:
    """A chart drawn once as SVG (base64), an image that grows with the screen like the text; its words go in
    the image's alt text."""
    return base64.b64encode(seance_charts.to_svg(spec).encode("utf-8")).decode("ascii")


def render_slide(slide: Slide, band: str) -> None:
    """One screen: its text in large type, its chart, its footnote."""
    st.html(slide_html(slide, band))

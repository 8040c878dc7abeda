"""The matrix of the Priorités page as an HTML table: socle-commun objectives down, neighbourhoods across.

Objectives go down the side because their titles need room to wrap; neighbourhoods go across, and the
table scrolls sideways when a contract has many of them. Every cell says its météo in words and icon,
the number of priorities behind it and how many are without news; the colour only repeats it.
"""

from __future__ import annotations

import html

import pandas as pd

from pilotage.progress import STALE_ICON, RollUp, weather_text

ALL = "Ensemble"
CSS = """
<style>
  .pl-matrix-wrap { overflow-x:auto; }
  .pl-matrix { border-collapse:collapse; width:100%; font-size:0.92rem; }
  .pl-matrix th, .pl-matrix td { border:1px solid #d1d5db; padding:0.3rem 0.4rem; vertical-align:top; }
  .pl-matrix thead th { background:#f3f4f6; text-align:center; font-weight:700; }
  .pl-matrix th.pl-objective { text-align:left; font-weight:400; min-width:11rem; background:#fff; }
  .pl-matrix tr.pl-axis th { background:#eef2ff; text-align:left; font-weight:700; }
  .pl-matrix td { text-align:center; min-width:4.8rem; font-size:0.85rem; padding:0.25rem 0.2rem; hyphens:auto; }
  .pl-matrix .pl-icon { font-size:1.15rem; line-height:1.1; }
  .pl-matrix .pl-total { font-weight:700; }
  .pl-matrix .pl-count { font-size:0.8rem; color:#374151; }
  .pl-matrix td.pl-w-securise { background:#e7f6ec; color:#14532d; }
  .pl-matrix td.pl-w-atteignable { background:#e0ecff; color:#1e3a8a; }
  .pl-matrix td.pl-w-appui_necessaire { background:#fff4d6; color:#78350f; }
  .pl-matrix td.pl-w-compromis { background:#fdecec; color:#7f1d1d; outline:2px solid #b91c1c; outline-offset:-2px; }
  .pl-matrix td.pl-w-none { color:#6b7280; }
</style>
"""


def _cell(rolled: RollUp | None, total: bool) -> str:
    strong = " pl-total" if total else ""
    if rolled is None or rolled.total == 0:
        return f"<td class='pl-w-none{strong}' aria-label='aucune priorité'>—</td>"
    stale = f"<br>{STALE_ICON}\u00a0{rolled.stale}" if rolled.stale else ""
    variant = rolled.weather or "none"
    icon, label = weather_text(rolled.weather).split(" ", 1)
    return (f"<td class='pl-w-{variant}{strong}'><div class='pl-icon' aria-hidden='true'>{icon}</div>"
            f"<div>{html.escape(label)}</div><div class='pl-count'>{rolled.total}\u00a0prio.{stale}</div></td>")


def matrix_html(columns: pd.DataFrame, hoods: list[str], cells: dict) -> str:
    """The table: `columns` are the matrix columns (key, label, title, axis_code, axis_title), `cells` map
    (neighbourhood, column key) to a roll-up, with the key ALL for totals."""
    head = "".join(f"<th scope='col'>{html.escape(hood)}</th>" for hood in hoods) + f"<th scope='col'>{ALL}</th>"
    body, axis = [], object()
    for column in columns.itertuples():
        if column.axis_code != axis:
            title = (f"Axe {column.axis_code} — {column.axis_title}" if isinstance(column.axis_title, str)
                     else "Hors socle commun")
            body.append(f"<tr class='pl-axis'><th colspan='{len(hoods) + 2}'>{html.escape(title)}</th></tr>")
        axis = column.axis_code
        label = f"{column.code} {column.title}" if column.key.startswith("objectif-") else column.label
        row = "".join(_cell(cells.get((hood, column.key)), False) for hood in hoods)
        body.append(f"<tr><th scope='row' class='pl-objective'>{html.escape(label)}</th>{row}"
                    f"{_cell(cells.get((ALL, column.key)), True)}</tr>")
    totals = "".join(_cell(cells.get((hood, ALL)), True) for hood in hoods) + _cell(cells.get((ALL, ALL)), True)
    body.append(f"<tr><th scope='row' class='pl-objective pl-total'>Toutes les priorités du quartier</th>{totals}</tr>")
    return (f"{CSS}<div class='pl-matrix-wrap'><table class='pl-matrix' lang='fr'><thead><tr>"
            f"<th scope='col'>Objectif du socle commun</th>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table></div>")

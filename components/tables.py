"""Tables that never show "None" and never cut their texts.

- `dataframe`: st.dataframe with an empty cell where a value is missing (Streamlit writes "None" there).
- `wrapped_table`: an HTML table whose long texts wrap onto several lines, for tables read for their words
  (priorities, decisions): the whole text stays on screen, at any width.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import streamlit as st

MISSING = ""

CSS = """<style>
  .pl-table-box { max-height: 38rem; overflow-y: auto; border: 1px solid #e5e7eb; border-radius: 0.5rem; }
  .pl-table { width: 100%; table-layout: auto; border-collapse: collapse; font-size: 0.9rem; line-height: 1.35; }
  .pl-table th { position: sticky; z-index: 1; top: 0; background: #f8fafc; text-align: left; font-weight: 600;
                 color: #374151; border-bottom: 1px solid #cbd5e1; padding: 0.4rem 0.5rem; }
  .pl-table td { border-top: 1px solid #e5e7eb; padding: 0.35rem 0.5rem; vertical-align: top;
                 white-space: normal; overflow-wrap: break-word; hyphens: auto; }
  .pl-table td.pl-nowrap { white-space: nowrap; }
  .pl-table td.pl-number, .pl-table th.pl-number { text-align: right; }
  .pl-table .pl-wide { width: 28%; }
</style>"""


def dataframe(data, *, where=None, **kwargs):
    """st.dataframe with empty cells, not "None", where a value is missing."""
    kwargs.setdefault("placeholder", MISSING)
    return (st if where is None else where).dataframe(data, **kwargs)


def cell_text(value) -> str:
    """A cell as the table writes it: empty for a missing value."""
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return MISSING
    return str(value)


def table_html(frame: pd.DataFrame, *, wide: Sequence[str] = (), short: Sequence[str] = (),
               numeric: Sequence[str] = (), label: str = "") -> str:
    """The frame as an HTML table: `wide` columns get room and wrap, `short` ones stay on one line, `numeric`
    ones align right; every other text wraps when it must."""
    def css_class(column: str) -> str:
        classes = [name for name, columns in (("pl-wide", wide), ("pl-nowrap", short), ("pl-number", numeric))
                   if column in columns]
        return f" class='{' '.join(classes)}'" if classes else ""

    head = "".join(f"<th scope='col'{css_class(c)}>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td{css_class(c)}>{html.escape(cell_text(v))}</td>"
                                    for c, v in zip(frame.columns, row, strict=True)) + "</tr>"
                   for row in frame.itertuples(index=False))
    aria = f" aria-label='{html.escape(label)}'" if label else ""
    return (f"<div class='pl-table-box'><table class='pl-table'{aria}><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def wrapped_table(frame: pd.DataFrame, *, wide: Sequence[str] = (), short: Sequence[str] = (),
                  numeric: Sequence[str] = (), label: str = "", where=None) -> None:
    """Draw `frame` as a table whose texts wrap (see table_html)."""
    (st if where is None else where).html(CSS + table_html(frame, wide=wide, short=short, numeric=numeric,
                                                            label=label))

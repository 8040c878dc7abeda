"""The commitments of a programme as written: headings, numbered priorities, links to the socle commun."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import layout
from pilotage.formats import format_date
from pilotage.programmes import PROGRAMME_KINDS
from pilotage.sources import document_title


def programme_header(programme) -> None:
    """Name, kind, date, title as printed, source and any discrepancy the seed recorded."""
    kind = PROGRAMME_KINDS.get(programme.kind, programme.kind)
    adopted = f" · adopté le {format_date(programme.adopted_on)}" if programme.adopted_on else ""
    st.markdown(f"### {layout.escape_markdown(programme.name)}")
    title = f"« {html.escape(programme.title)} » · " if programme.title else ""
    st.html(f"<div class='pl-identity'>{html.escape(kind)}{adopted} · {title}source : "
            f"{html.escape(document_title(programme.source) or '—')}</div>")
    if programme.discrepancy:
        st.warning(f"Écart relevé dans le document : {programme.discrepancy}", icon="⚠️")


def priorities_as_written(priorities: pd.DataFrame) -> None:
    """The list of commitments under their headings, numbered as in the document."""
    if priorities.empty:
        st.info("Ce programme ne compte encore aucune priorité.")
        return
    for _, rows in priorities.groupby("heading_position", sort=True):
        title = rows["heading"].iloc[0]
        if title:
            st.markdown(f"**{layout.escape_markdown(title)}**")
        for row in rows.itertuples():
            number = html.escape(row.number or str(row.position + 1))
            links = "".join(f"<div class='pl-source'>Socle commun : {html.escape(link)}</div>"
                            for link in row.framework)
            st.html(f"<div class='pl-priority'><span class='pl-number'>{number}</span> {html.escape(row.text)}"
                    f"{links}{former_texts_html(row.revisions)}</div>")


def former_texts_html(revisions) -> str:
    """One line per former wording of a priority: when it changed, by whom, what it said."""
    lines = []
    for replaced_on, text, author in revisions or ():
        lines.append(f"<div class='pl-source'>Formulation modifiée le {html.escape(format_date(replaced_on))} par "
                     f"{html.escape(author)}, ancienne formulation : « {html.escape(text)} »</div>")
    return "".join(lines)

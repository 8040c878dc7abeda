"""Mode séance: a revue de projet or a COPIL projected step by step (?id=<meeting id>&etape=<n>&ecran=<n>); without
an id, the choice of the meeting to project."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, inputs, layout, links, seance_controls, state
from components import governance as gov
from components import seance as projection
from pilotage import clock
from pilotage.queries import seance as seance_queries
from pilotage.queries.seance import Seance
from pilotage.seance import PROJECTED_KINDS, screen_number

TITLE = "Mode séance"
SHORTLIST = 5


def render() -> None:
    value = st.query_params.get("id")
    if not (value and value.isdigit()):
        _picker()
        return
    seance = data.read(seance_queries.get_seance, meeting_id=int(value), today=clock.today())
    if seance is None:
        st.title(TITLE)
        st.warning(f"Aucune instance n° {value} : elle a peut-être été supprimée.", icon=":material/warning:")
        links.page_link("seance", "Choisir une autre instance", ":material/co_present:")
        return
    _project(seance)


def _project(seance: Seance) -> None:
    projection.apply_css()
    steps = seance.shown()
    screens = [len(step.slides) for step in steps]
    position = seance_controls.position_from_url(screens)
    step = steps[position.step]
    slide = step.slides[position.screen]
    number, total = screen_number(position, screens)
    where = f"écran {number}/{total}"
    band = projection.band_html(seance, f"Étape {position.step + 1}/{len(steps)}", where)
    projection.render_slide(slide, band)
    seance_controls.control_bar(seance, position, screens, slide, state.current_actor(), where)


def _picker() -> None:
    contract = layout.select_contract()
    st.title(TITLE)
    st.caption("Projeter une revue de projet ou un comité de pilotage : grands caractères, un écran par étape, "
               "décisions saisies en direct, dossier PDF et PowerPoint.")
    if contract is None:
        return
    today = clock.today()
    meetings = data.read(seance_queries.list_seance_meetings, contract_id=contract.id, today=today)
    if meetings.empty:
        st.info("Aucune instance n'est enregistrée pour ce contrat.")
        return
    projected = meetings[meetings["kind"].isin(PROJECTED_KINDS) & ~meetings["status"].isin(["annulee", "reportee"])]
    upcoming = projected[projected["date"] >= today].head(SHORTLIST)
    recent = projected[projected["date"] < today].head(SHORTLIST)
    left, right = st.columns(2)
    with left:
        _shortlist("Prochaines revues et COPIL", upcoming)
    with right:
        _shortlist("Revues et COPIL récents", recent)
    st.subheader("Toutes les instances")
    options = {int(r.id): f"{gov.when(r.date, r.start_time)} — {r.title} ({gov.meeting_status(r.status)})"
               for r in meetings.itertuples()}
    chosen = inputs.selectbox("Instance à projeter", list(options), format_func=options.get,
                              key=f"pilotage_seance_pick_{contract.id}")
    links.page_link("seance", "Ouvrir en mode séance", ":material/co_present:", id=str(chosen))


def _shortlist(title: str, meetings: pd.DataFrame) -> None:
    st.subheader(title)
    if meetings.empty:
        st.caption("Aucune.")
        return
    with st.container(border=True):
        for row in meetings.itertuples():
            text, link = st.columns([3, 1.3], vertical_alignment="center")
            flag = " · ⚠ illustratif" if row.illustrative else ""
            text.markdown(f"**{gov.when(row.date, row.start_time)}**  \n{layout.escape_markdown(row.title)}  \n"
                          f"{gov.meeting_status(row.status)}{flag}")
            with link:
                links.page_link("seance", "Projeter", ":material/co_present:", id=str(row.id))


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

"""Vue d'ensemble: the contract at a glance."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import charts, data, layout, links, progress_views
from pilotage import clock
from pilotage.formats import KIND_LABELS, KIND_LABELS_PLURAL, format_date, format_number, plural
from pilotage.queries import contracts as contract_queries
from pilotage.queries import progress as progress_queries
from pilotage.sources import document_title

TILE_COLUMNS = 4


def render() -> None:
    contract = layout.select_contract()
    if contract is None:
        return
    st.title(contract.name)
    if contract.summary:
        st.caption(contract.summary)
    _timeline(contract)
    _key_figures(contract)
    _tiles(contract)
    layout.source_line(contract.source)


def _timeline(contract: contract_queries.ContractSummary) -> None:
    milestones = data.read(contract_queries.list_milestones, contract_id=contract.id)
    milestones = milestones.assign(source=milestones["source"].map(document_title))
    today = clock.today()
    st.subheader(f"Période {contract.start_year}-{contract.end_year}")
    st.altair_chart(charts.contract_timeline(contract.start_year, contract.end_year, milestones, today),
                    use_container_width=True)
    upcoming = milestones[milestones["date"] >= today].head(3)
    if not upcoming.empty:
        items = [f"**{format_date(row.date)}** — {row.label}" + (" *(date illustrative)*" if row.illustrative else "")
                 for row in upcoming.itertuples()]
        st.markdown("Prochains jalons : " + " · ".join(items))
    with st.expander(f"Tous les jalons ({len(milestones)})"):
        for row in milestones.itertuples():
            flag = " — ⚠ date illustrative : " + row.note if row.illustrative and row.note else ""
            st.markdown(f"- **{format_date(row.date)}** : {row.label}{flag} *(source : {document_title(row.source)})*")


def _key_figures(contract: contract_queries.ContractSummary) -> None:
    figures = data.read(contract_queries.get_key_figures, contract_id=contract.id)
    by_kind = figures.neighbourhoods_by_kind
    cols = st.columns(5)
    cols[0].metric("QPV", format_number(by_kind.get("qpv", 0)))
    cols[1].metric(KIND_LABELS_PLURAL["fragile"], format_number(by_kind.get("fragile", 0) + by_kind.get("veille", 0)))
    population_help = (f"Somme des populations des {figures.qpv_with_population} QPV renseignés "
                       f"sur {figures.qpv_count}.")
    cols[2].metric("Habitants en QPV", format_number(figures.qpv_population) if figures.qpv_with_population else "—",
                   help=population_help)
    cols[3].metric("Priorités", format_number(figures.priorities),
                   help=f"Engagements inscrits dans {plural(figures.programmes, 'programme')}.")
    cols[4].metric("Signataires", format_number(figures.signatories))


def _tiles(contract: contract_queries.ContractSummary) -> None:
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=contract.id)
    st.subheader("Les quartiers")
    if hoods.empty:
        st.info("Ce contrat ne compte encore aucun quartier : il ne porte qu'un cadre stratégique.")
        return
    progress = data.read(progress_queries.list_neighbourhood_states, contract_id=contract.id,
                         today=clock.today()).set_index("neighbourhood_id", drop=False)
    for start in range(0, len(hoods), TILE_COLUMNS):
        cols = st.columns(TILE_COLUMNS)
        for col, row in zip(cols, hoods.iloc[start:start + TILE_COLUMNS].itertuples(), strict=False):
            with col.container(border=True):
                _tile(row, contract.slug, progress.loc[row.id] if row.id in progress.index else None)


def _tile(row, contract_slug: str, progress=None) -> None:
    population = (f"{format_number(row.population)} habitants ({row.population_year})"
                  if pd.notna(row.population) else "Population non renseignée")
    st.html(
        f"<div><strong style='font-size:1.15rem'>{html.escape(row.name)}</strong></div>"
        f"<div>{layout.kind_badge(row.kind, KIND_LABELS.get(row.kind, row.kind))}"
        f"<span class='pl-identity'>{html.escape(row.commune)}</span></div>"
        f"<div class='pl-identity'>{html.escape(population)}</div>"
        f"<div class='pl-identity'>{_commitments(row)}</div>"
        f"{progress_views.neighbourhood_state_html(progress)}"
    )
    links.page_link("quartier", "Ouvrir la fiche", ":material/arrow_forward:", q=row.slug, contrat=contract_slug)


def _commitments(row) -> str:
    if not row.priorities and not row.measures:
        return "Pas encore de projet de quartier"
    parts = [plural(int(row.priorities), "priorité")] if row.priorities else []
    if row.measures:
        parts.append(plural(int(row.measures), "mesure") + " d'autres programmes")
    return " · ".join(parts)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

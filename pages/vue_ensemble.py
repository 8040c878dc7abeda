"""Vue d'ensemble: the contract at a glance."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import charts, data, framework_tree, key_figures, layout, links, progress_views
from components.key_figures import KeyFigure
from pilotage import clock
from pilotage.commitments import noun
from pilotage.formats import KIND_LABELS, KIND_LABELS_PLURAL, format_date, format_number, plural
from pilotage.queries import commitments as commitment_queries
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
    framework_first = contract.status == "cadre"
    if framework_first:
        framework_tree.render(contract.id, expanded=True)
    _tiles(contract)
    if not framework_first:
        framework_tree.render(contract.id)
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
    shown = [KeyFigure(format_number(by_kind.get(kind, 0)),
                       (KIND_LABELS_PLURAL if by_kind.get(kind, 0) > 1 else KIND_LABELS)[kind])
             for kind in KIND_LABELS if kind == "qpv" or by_kind.get(kind)]
    if figures.qpv_count:
        shown.append(KeyFigure(format_number(figures.qpv_population) if figures.qpv_with_population else "—",
                               "Habitants en QPV", f"somme des {figures.qpv_with_population} QPV renseignés sur "
                               f"{figures.qpv_count}" if figures.qpv_with_population
                               else "population des QPV non renseignée dans les documents"))
    counts = data.read(commitment_queries.list_programme_counts, contract_id=contract.id)
    shown += key_figures.commitment_figures(counts)
    shown.append(KeyFigure(format_number(figures.signatories), "Signataires"))
    key_figures.render(shown)


def _tiles(contract: contract_queries.ContractSummary) -> None:
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=contract.id)
    st.subheader("Les quartiers")
    if hoods.empty:
        st.info("Ce contrat ne compte encore aucun quartier : il ne porte qu'un cadre stratégique.")
        return
    _contract_wide_programmes(contract)
    progress = data.read(progress_queries.list_neighbourhood_states, contract_id=contract.id,
                         today=clock.today()).set_index("neighbourhood_id", drop=False)
    for start in range(0, len(hoods), TILE_COLUMNS):
        cols = st.columns(TILE_COLUMNS)
        for col, row in zip(cols, hoods.iloc[start:start + TILE_COLUMNS].itertuples(), strict=False):
            with col.container(border=True):
                _tile(row, contract, progress.loc[row.id] if row.id in progress.index else None)


def _contract_wide_programmes(contract: contract_queries.ContractSummary) -> None:
    """Say where the priorities are when a programme belongs to no neighbourhood (the tiles would not show them)."""
    counts = data.read(commitment_queries.list_programme_counts, contract_id=contract.id)
    wide = counts[counts["neighbourhood"].isna() & (counts["commitments"] > 0)]
    for row in wide.itertuples():
        count = plural(int(row.commitments), noun(row.kind))
        st.html(f"<div class='pl-identity'>{html.escape(count.capitalize())} de ce contrat relèvent du « "
                f"{html.escape(row.name)} », qui vaut pour tout le contrat : elles ne sont rattachées à aucun "
                "quartier et ne figurent donc pas sur les fiches ci-dessous.</div>")
        links.page_link("priorites", "Voir ces priorités", ":material/arrow_forward:", contrat=contract.slug)


def _tile(row, contract: contract_queries.ContractSummary, progress=None) -> None:
    population = (f"{format_number(row.population)} habitants ({row.population_year})"
                  if pd.notna(row.population) else "Population non renseignée")
    st.html(
        f"<div><strong style='font-size:1.15rem'>{html.escape(row.name)}</strong></div>"
        f"<div>{layout.kind_badge(row.kind, KIND_LABELS.get(row.kind, row.kind))}"
        f"<span class='pl-identity'>{html.escape(row.commune)}</span></div>"
        f"<div class='pl-identity'>{html.escape(population)}</div>"
        f"<div class='pl-identity'>{_commitments(row, contract.status)}</div>"
        f"{progress_views.neighbourhood_state_html(progress)}"
    )
    links.page_link("quartier", "Ouvrir la fiche", ":material/arrow_forward:", q=row.slug, contrat=contract.slug)


def _commitments(row, status: str) -> str:
    if not row.priorities and not row.measures:
        return "Pas encore de projet de quartier" if status == "en_cours" else "Pas de projet de quartier enregistré"
    parts = [plural(int(row.priorities), "priorité")] if row.priorities else []
    if row.measures:
        parts.append(plural(int(row.measures), "mesure") + " d'autres programmes")
    return " · ".join(parts)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

"""Quartier: one neighbourhood's portrait, FFOM and projet de quartier. Deep link: /quartier?q=<slug>."""

from __future__ import annotations

import html

import streamlit as st

from components import data, inputs, layout, maps, portrait, programmes, progress_views, state, swot
from pilotage.formats import KIND_LABELS, format_number
from pilotage.queries import contracts as contract_queries
from pilotage.queries import neighbourhoods as hood_queries
from pilotage.queries.neighbourhoods import NeighbourhoodProfile
from pilotage.sources import portrait_source

SECTIONS = {"portrait": "Portrait", "ffom": "FFOM", "projet": "Projet de quartier", "carte": "Carte"}


def render() -> None:
    contract = layout.select_contract()
    if contract is None:
        return
    profile = _chosen_neighbourhood(contract)
    if profile is None:
        return
    _header(profile)
    section = _section(default_section(state.current_actor(), profile.id))
    if section == "portrait":
        portrait.render(profile, data.read(hood_queries.list_portrait, neighbourhood_id=profile.id))
    elif section == "carte":
        maps.neighbourhood_minimap(profile.id)
    elif section == "ffom":
        swot.render(profile, state.current_actor())
    else:
        _projects(profile)


def _chosen_neighbourhood(contract) -> NeighbourhoodProfile | None:
    hoods = data.read(contract_queries.list_neighbourhoods, contract_id=contract.id)
    if hoods.empty:
        st.info("Ce contrat ne compte aucun quartier.")
        return None
    mine = set(hoods.loc[hoods["id"].isin(state.current_actor().neighbourhood_ids), "slug"])
    # The user's own neighbourhoods come first, starred.
    labels = {row.slug: ("★ " if row.slug in mine else "") + row.name
              for row in hoods.sort_values("slug", key=lambda s: ~s.isin(mine), kind="stable").itertuples()}
    slugs = list(labels)
    wanted = st.query_params.get("q")
    if wanted and wanted not in labels:
        st.warning(f"Le quartier « {wanted} » n'existe pas dans ce contrat : choisissez-en un dans la liste.")
    key = f"pilotage_hood_{contract.slug}"
    on_change = state.bind_to_url(key, "q", slugs, slugs[0])
    slug = inputs.selectbox("Quartier", slugs, format_func=labels.get, key=key, on_change=on_change, where=st.sidebar)
    return data.read(hood_queries.find_neighbourhood, slug=slug, contract_slug=contract.slug)


def _header(profile: NeighbourhoodProfile) -> None:
    st.title(profile.name)
    source = portrait_source(profile.population_source, profile.name)
    population = (f"{format_number(profile.population)} habitants ({profile.population_year}"
                  + (f", source : {source})" if source else ")") if profile.population else "Population non renseignée")
    code = f" · code {html.escape(profile.official_code)}" if profile.official_code else ""
    st.html(f"<div>{layout.kind_badge(profile.kind, KIND_LABELS.get(profile.kind, profile.kind))}"
            f"<span class='pl-identity'>{html.escape(profile.commune)}{code} · {html.escape(population)}</span></div>")
    if profile.identity:
        st.html(f"<div class='pl-identity' style='font-size:1.05rem'>{html.escape(profile.identity)}</div>")


def default_section(actor, neighbourhood_id: int) -> str:
    """A contributor opens their own neighbourhood on its projet de quartier, where their work is."""
    mine = actor is not None and actor.role == "contributeur" and neighbourhood_id in actor.neighbourhood_ids
    return "projet" if mine else "portrait"


def _section(default: str) -> str:
    key = "pilotage_hood_section"
    on_change = state.bind_to_url(key, "section", list(SECTIONS), default)
    chosen = st.segmented_control("Section", list(SECTIONS), format_func=SECTIONS.get, label_visibility="collapsed",
                                  key=key, on_change=on_change)
    return chosen or default


def _projects(profile: NeighbourhoodProfile) -> None:
    found = data.read(hood_queries.list_programmes, neighbourhood_id=profile.id)
    if found.empty:
        st.info(f"Aucun projet de quartier n'est encore enregistré pour {profile.name}.")
        return
    progress_views.render_neighbourhood_state(profile.id)
    progress_views.render_bulk_update(profile.id, state.current_actor())
    for index, programme in enumerate(found.itertuples()):
        with st.container(border=True):
            programmes.programme_header(programme)
            progress_views.render_programme_progress(programme.id, state.current_actor(), open_first=index == 0)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

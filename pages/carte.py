"""Carte: the contract's QPV and quartiers fragiles, its facilities, and a choropleth of any indicator."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, inputs, layout, links, map_legend, maps, state, tables
from pilotage.formats import KIND_LABELS, format_value
from pilotage.permissions import ADMIN, can
from pilotage.queries import maps as map_queries
from pilotage.queries.contracts import ContractSummary

MAP_KEY = state.PREFIX + "carte_map"
NO_INDICATOR = 0
LIST_COLUMNS = 3
MAP_HEIGHT = 480  # the whole map fits a 1280x720 screen under the title and the selector


def render() -> None:
    contract = layout.select_contract()
    if contract is None:
        return
    _open_clicked_neighbourhood(contract)
    st.title("Carte")
    st.caption(f"{contract.name} — survolez un quartier pour ses chiffres, cliquez pour ouvrir sa fiche.")
    hoods = data.read(map_queries.list_map_neighbourhoods, contract_id=contract.id)
    if hoods.empty:
        st.info("Ce contrat ne compte aucun quartier : il n'y a rien à cartographier.")
        return
    facilities = data.read(map_queries.list_map_facilities, contract_id=contract.id)
    shading, years, missing, indicator_id = _chosen_shading(contract, hoods)
    drawn = hoods[hoods["geometry"].notna()]
    # The map takes the page's whole width (the legend goes under it): at 1280 pixels its areas are a third larger
    # than in a three-quarter column.
    with st.container():
        if drawn.empty:
            st.info("Aucun quartier de ce contrat n'a encore de contour."
                    + (" Importez les contours officiels (page Données) pour les voir sur la carte."
                       if can(state.current_actor(), ADMIN) else ""))
        else:
            deck = maps.cached_contract_deck(("contrat", contract.id, indicator_id), hoods, facilities, shading,
                                             map_style=data.settings().map_style, height=MAP_HEIGHT,
                                             width=maps.CONTRACT_MAP_WIDTH)
            with st.container(border=True):  # without a base map, the frame shows where the map ends
                st.pydeck_chart(deck, height=MAP_HEIGHT, key=MAP_KEY, on_select=_remember_click,
                                selection_mode="single-object")
    map_legend.render_legend(hoods, facilities, shading, years, missing, wide=True)
    _undrawn(hoods, facilities)
    _neighbourhood_links(contract, hoods, shading)
    _facility_table(facilities)


def _chosen_shading(contract: ContractSummary, hoods: pd.DataFrame) -> tuple[maps.Shading | None, str, int, int]:
    indicators = data.read(map_queries.list_map_indicators, contract_id=contract.id)
    labels = {NO_INDICATOR: "Type de quartier (QPV, quartier fragile)"}
    labels.update({int(row.id): f"{row.theme.capitalize()} — {row.label}" for row in indicators.itertuples()})
    chosen = inputs.selectbox("Colorer les quartiers selon", list(labels), format_func=labels.get,
                              key=f"{state.PREFIX}carte_indicator_{contract.slug}",
                              help="Les indicateurs des portraits de quartier : la valeur la plus récente de chaque "
                              "quartier.")
    if chosen == NO_INDICATOR:
        return None, "", 0, NO_INDICATOR
    indicator = indicators.set_index("id").loc[chosen]
    values = data.read(map_queries.list_latest_values, indicator_id=int(chosen))
    shading = maps.shading_for(str(indicator["label"]), str(indicator["unit"]), int(indicator["decimals"]), values)
    missing = int((~hoods["id"].isin(values["neighbourhood_id"])).sum())
    return shading, maps.years_of(values), missing, int(chosen)


def _remember_click() -> None:
    """on_select callback: keep the clicked neighbourhood, the next run opens its page."""
    event = st.session_state.get(MAP_KEY) or {}
    objects = (event.get("selection") or {}).get("objects") or {}
    layers = (maps.AREAS_LAYER, maps.AREA_POINTS_LAYER, maps.FACILITIES_LAYER)
    clicked = next((objects[layer] for layer in layers if objects.get(layer)), [])
    if clicked and clicked[0].get("slug"):
        state.put("carte_open", clicked[0]["slug"])


def _open_clicked_neighbourhood(contract: ContractSummary) -> None:
    slug = state.get("carte_open")
    if slug:
        state.put("carte_open", None)
        links.switch_page("quartier", q=slug, contrat=contract.slug)


def _undrawn(hoods: pd.DataFrame, facilities: pd.DataFrame) -> None:
    missing = hoods[hoods["geometry"].isna()]
    if missing.empty:
        return
    anchors = maps.area_anchors(missing, facilities)
    placed = missing[missing["id"].isin(list(anchors))]
    absent = missing[~missing["id"].isin(list(anchors))]
    if not placed.empty:
        st.caption(f"Sans contour, marqués d'un point à l'emplacement de leurs équipements : "
                   f"{layout.escape_markdown(', '.join(placed['name']))}.")
    if not absent.empty:
        st.caption(f"Sans contour, donc absents de la carte : {layout.escape_markdown(', '.join(absent['name']))}.")


def _neighbourhood_links(contract: ContractSummary, hoods: pd.DataFrame, shading: maps.Shading | None) -> None:
    st.subheader("Ouvrir la fiche d'un quartier")
    columns = st.columns(LIST_COLUMNS)
    for index, row in enumerate(hoods.itertuples()):
        label = f"{row.name} — {KIND_LABELS.get(row.kind, row.kind)}"
        if shading is not None:
            found = shading.values.get(int(row.id))
            label += " : " + (format_value(found[0], shading.unit, shading.decimals) if found else "sans donnée")
        with columns[index % LIST_COLUMNS]:
            links.page_link("quartier", layout.escape_markdown(label), icon=":material/location_city:",
                            q=row.slug, contrat=contract.slug)


def _facility_table(facilities: pd.DataFrame) -> None:
    if facilities.empty:
        return
    with st.expander(f"Équipements ({len(facilities)})"):
        tables.dataframe(pd.DataFrame({
            "Équipement": facilities["name"],
            "Type": facilities["kind"].map(lambda k: maps.FACILITY_KIND_LABELS.get(k, k)),
            "Quartier(s)": facilities["neighbourhoods"],
            "Emplacement": facilities.apply(
                lambda f: "non renseigné" if f.latitude != f.latitude or f.latitude is None
                else "approximatif" if f.location_approximate else "précis", axis=1),
        }), hide_index=True, use_container_width=True)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

"""Indicateurs et équipements: import statistical tables, edit indicators and values, manage facilities."""

from __future__ import annotations

import streamlit as st

from components import facility_forms, indicator_forms, indicator_import, layout, state


def render() -> None:
    contract = layout.select_contract()
    st.title("Indicateurs et équipements")
    if contract is None:
        return
    st.caption(f"Contrat : {contract.name}. Le contrat se choisit dans la barre latérale.")
    actor = state.current_actor()
    imports, indicators, facilities = st.tabs(["Importer des indicateurs", "Indicateurs", "Équipements"])
    with imports:
        indicator_import.render(contract, actor)
    with indicators:
        indicator_forms.render(contract, actor)
    with facilities:
        facility_forms.render(contract, actor)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

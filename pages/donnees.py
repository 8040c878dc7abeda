"""Données: imports of the contract's data, each in its own tab (official contours of the QPV first)."""

from __future__ import annotations

import streamlit as st

from components import boundary_import, layout, state


def render() -> None:
    contract = layout.select_contract()
    st.title("Données")
    if contract is None:
        return
    st.caption(f"Imports pour le contrat : {contract.name}. Le contrat se choisit dans la barre latérale.")
    (boundaries_tab,) = st.tabs(["Contours officiels des QPV"])
    with boundaries_tab:
        boundary_import.render(contract, state.current_actor())


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

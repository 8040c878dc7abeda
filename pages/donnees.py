"""Données: imports of the contract's data, each in its own tab (official contours of the QPV first)."""

from __future__ import annotations

import streamlit as st

from components import boundary_import, contract_workbook, layout, state


def render() -> None:
    contract = layout.select_contract()
    st.title("Données")
    if contract is not None:
        st.caption(f"Imports pour le contrat : {contract.name}. Le contrat se choisit dans la barre latérale.")
    boundaries_tab, workbook_tab = st.tabs(["Contours officiels des QPV", "Classeur du contrat"])
    with boundaries_tab:
        if contract is None:
            st.info("Aucun contrat : commencez par importer un classeur (onglet « Classeur du contrat »).")
        else:
            boundary_import.render(contract, state.current_actor())
    with workbook_tab:
        contract_workbook.render(contract, state.current_actor())


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

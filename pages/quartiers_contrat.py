"""Quartiers du contrat (administration): create the QPV from the official file, add quartiers fragiles or en
veille, edit and archive the contract's neighbourhoods."""

from __future__ import annotations

import streamlit as st

from components import data, layout, neighbourhood_admin, qpv_import, state
from pilotage.queries import contract_admin as admin_queries


def render() -> None:
    contract = layout.select_contract()
    st.title("Quartiers du contrat")
    if contract is None:
        st.caption("Créez d'abord un contrat depuis la page Contrats.")
        return
    detail = data.read(admin_queries.get_contract_detail, contract_id=contract.id)
    st.caption(f"Quartiers du contrat : {detail.name}. Le contrat se choisit dans la barre latérale.")
    neighbourhood_admin.show_notice()
    hoods = neighbourhood_admin.read(detail)
    neighbourhood_admin.table(hoods)
    official, other, edit = st.tabs(["Créer les QPV depuis le fichier officiel",
                                     "Ajouter un quartier fragile ou en veille", "Modifier ou archiver un quartier"])
    with official:
        qpv_import.render(detail, state.current_actor())
    with other:
        neighbourhood_admin.create_form(detail, state.current_actor())
    with edit:
        neighbourhood_admin.edit(hoods, state.current_actor())


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

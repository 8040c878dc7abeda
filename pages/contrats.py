"""Contrats (administration): create a contract, edit its identity, period, milestones, governance rules,
comparison areas and signatories, archive it."""

from __future__ import annotations

import streamlit as st

from components import contract_admin, data, state
from pilotage.queries import contract_admin as admin_queries


def render() -> None:
    st.title("Contrats")
    st.caption("Créez un contrat pour un nouveau territoire, puis ses quartiers depuis la page Quartiers du "
               "contrat. Un contrat archivé reste consultable mais n'est plus proposé par défaut.")
    contract_admin.show_notice()
    rows = data.read(admin_queries.list_contract_rows)
    contract_admin.contracts_table(rows)
    create, edit = st.tabs(["Créer un contrat", "Modifier un contrat"])
    with create:
        contract_admin.create_form(state.current_actor())
    with edit:
        contract_admin.edit(rows, state.current_actor())


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

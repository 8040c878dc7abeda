"""Programmes et priorités: the contract's programmes and their priorities, and its framework tree (socle commun)."""

from __future__ import annotations

import streamlit as st

from components import framework_editor, layout, programme_editor, state
from pilotage.permissions import ADMIN, can


def render() -> None:
    contract = layout.select_contract()
    st.title("Programmes et priorités")
    if contract is None:
        return
    st.caption(f"Contrat : {contract.name}. Le contrat se choisit dans la barre latérale. Chaque modification est "
               "inscrite au journal d'audit ; une priorité reformulée garde ses points d'avancement.")
    programmes_tab, framework_tab = st.tabs(["Programmes", "Socle commun"])
    actor = state.current_actor()
    with programmes_tab:
        programme_editor.render(contract, actor)
    with framework_tab:
        if can(actor, ADMIN):
            framework_editor.render(contract, actor)
        else:
            st.caption("Le socle commun est tenu par les administrateurs ; vous pouvez y rattacher vos priorités.")
            framework_editor.show_tree(contract)


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

"""Sign-in screen, shown for every URL until the visitor is signed in."""

from __future__ import annotations

import streamlit as st

from components import data, state
from pilotage.queries import accounts as account_queries


def render() -> None:
    st.title("Pilotage du Contrat de Ville")
    st.write("Connectez-vous pour accéder au tableau de bord.")
    with st.form("pilotage_sign_in", border=True):
        username = st.text_input("Identifiant", autocomplete="username")
        password = st.text_input("Mot de passe", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        actor = data.read_fresh(account_queries.authenticate, username=username, password=password)
        if actor is None:
            st.error("Identifiant ou mot de passe incorrect, ou compte désactivé.", icon=":material/error:")
            return
        state.sign_in(actor, landing=True)
        st.rerun()


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

"""The router: page config, settings, engine, current user, navigation built for the user's role."""

from __future__ import annotations

import os

import streamlit as st

from components import data, incidents, layout, links, navigation, state
from pilotage import clock
from pilotage.permissions import ROLE_LABELS, Actor
from pilotage.queries import accounts as account_queries
from pilotage.queries import contracts as contract_queries
from pilotage.settings import Settings


def refreshed_actor() -> Actor | None:
    """The signed-in user with rights re-read from the database (a disabled account is signed out)."""
    actor = state.current_actor()
    if actor is None:
        return None
    fresh = data.read(account_queries.get_actor, user_id=actor.id)
    if fresh is None:
        state.sign_out()
        return None
    state.sign_in(fresh)
    return fresh


def land_on_my_neighbourhood(actor: Actor) -> None:
    """After sign-in, a user whose rights cover a few neighbourhoods starts on the first of them."""
    if actor.role != "contributeur" or actor.all_neighbourhoods or not actor.neighbourhood_ids:
        return
    hoods = data.read(contract_queries.list_neighbourhoods)
    mine = hoods[hoods["id"].isin(actor.neighbourhood_ids)]
    if not mine.empty:
        first = mine.iloc[0]
        links.switch_page("quartier", q=first.slug, contrat=first.contract_slug)


def sidebar(actor: Actor) -> None:
    with st.sidebar:
        st.markdown(f"**{actor.display_name}**  \n{ROLE_LABELS[actor.role]}")
        if st.button("Se déconnecter", icon=":material/logout:"):
            state.sign_out()
            st.rerun()


def run_page() -> None:
    settings = Settings.from_env(os.environ)
    clock.pin(settings.today)
    data.configure(settings)
    data.refresh_data_version()
    actor = refreshed_actor()
    if actor is None:
        st.navigation(navigation.sign_in_pages(), position="hidden").run()
        return
    sidebar(actor)
    page = st.navigation(navigation.visible_pages(actor))
    if state.take_landing() and page.url_path in ("", navigation.PAGES[0].url_path) and not st.query_params:
        land_on_my_neighbourhood(actor)
    page.run()


def main() -> None:
    st.set_page_config(page_title="Pilotage du Contrat de Ville", page_icon=":material/location_city:",
                       layout="wide")
    incidents.configure_logging()
    layout.apply_css()
    with incidents.boundary():
        run_page()


main()

"""The router: page config, settings, engine, current user, navigation built for the user's role."""

from __future__ import annotations

import os

import streamlit as st

from components import auth, data, incidents, layout, links, navigation, refusal, state
from pilotage import clock
from pilotage.permissions import ROLE_LABELS, Actor
from pilotage.settings import Settings


def signed_in_actor() -> Actor | None:
    """The account of this browser's session, its rights read afresh: a sign-out, a reset password, a change of
    rights or a disabled account takes effect at the next click."""
    actor = auth.signed_in_actor()
    if actor is None:
        state.sign_out()
    else:
        state.sign_in(actor)
    return actor


SIGN_OUT_FORM = ('<form method="post" action="/deconnexion" class="pl-signout">'
                 '<button type="submit">Se déconnecter</button></form>')


def account_block(actor: Actor) -> None:
    """Who is signed in, at the foot of the sidebar: the page's own choices (contract, neighbourhood) come first."""
    with st.sidebar:
        st.divider()
        st.markdown(f"**{layout.escape_markdown(actor.display_name)}**  \n{ROLE_LABELS[actor.role]}")
        links.page_link("mon-compte", "Mon compte", ":material/account_circle:")
        st.html(SIGN_OUT_FORM)


def run_page() -> None:
    settings = Settings.from_env(os.environ)
    clock.pin(settings.today)
    data.configure(settings)
    data.refresh_data_version()
    actor = signed_in_actor()
    if actor is None:
        st.navigation(navigation.sign_in_pages(), position="hidden").run()
        return
    refusal.show()
    st.navigation(navigation.visible_pages(actor), expanded=True).run()  # never "View N more"
    account_block(actor)


def main() -> None:
    st.set_page_config(page_title="Pilotage du Contrat de Ville", page_icon=":material/location_city:",
                       layout="wide")
    incidents.configure_logging()
    layout.apply_css()
    with incidents.boundary():
        run_page()


main()

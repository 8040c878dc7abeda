"""Mon compte: who I am, what I may do, my password, my other open sessions."""

from __future__ import annotations

import streamlit as st

from components import auth, data, feedback, inputs, layout, state
from pilotage import access
from pilotage.formats import plural
from pilotage.password_policy import MIN_LENGTH
from pilotage.permissions import ROLE_LABELS, scope_label
from pilotage.queries import accounts as account_queries
from pilotage.queries import contracts as contract_queries
from pilotage.services import auth as auth_services

PASSWORD_PLACE = "own_password"
SESSIONS_PLACE = "own_sessions"


def render() -> None:
    actor = state.current_actor()
    st.title("Mon compte")
    hoods = data.read(contract_queries.list_neighbourhoods)
    names = {int(r.id): r.name for r in hoods.itertuples()}
    st.markdown(f"**{layout.escape_markdown(actor.display_name)}** — identifiant `{actor.username}`  \n"
                f"Rôle : {ROLE_LABELS[actor.role]} · Droits : {layout.escape_markdown(scope_label(actor, names))}")
    _password_form()
    _sessions()


def _password_form() -> None:
    st.subheader("Changer mon mot de passe")
    with inputs.form("pilotage_own_password", clear_on_submit=True, enter_to_submit=False):
        current = st.text_input("Mot de passe actuel", type="password", autocomplete="current-password")
        new = st.text_input(f"Nouveau mot de passe ({MIN_LENGTH} caractères au moins)", type="password",
                            autocomplete="new-password",
                            help="Ni votre identifiant, ni un mot de passe courant. Une phrase de quatre mots est "
                                 "facile à retenir et difficile à deviner.")
        again = st.text_input("Nouveau mot de passe, une seconde fois", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Changer le mot de passe", type="primary")
    feedback.show(PASSWORD_PLACE)
    if not submitted:
        return
    if new != again:
        st.error("Les deux saisies du nouveau mot de passe diffèrent : rien n'a été modifié.", icon=":material/error:")
        return
    ok, ended = data.write(auth_services.change_own_password, state.current_actor(), current_password=current,
                           new_password=new, keep_token=auth.session_token())
    if ok:
        feedback.remember(PASSWORD_PLACE, "Mot de passe changé." + (
            f" {plural(ended, 'autre session fermée', 'autres sessions fermées')}." if ended else ""))
        st.rerun()


def _sessions() -> None:
    st.subheader("Mes sessions")
    count = data.transact(account_queries.count_open_sessions, user_id=state.current_actor().id)
    idle, longest = (int(d.total_seconds() // 3600) for d in (access.IDLE_TIMEOUT, access.ABSOLUTE_LIFETIME))
    st.markdown(f"{plural(count, 'session ouverte', 'sessions ouvertes')}, celle-ci comprise. Une session prend fin "
                f"après {idle} heures sans activité, {longest} heures au plus après la connexion, ou à la déconnexion.")
    feedback.show(SESSIONS_PLACE)
    if count > 1 and st.button("Fermer mes autres sessions", icon=":material/logout:"):
        ok, ended = data.write(auth_services.end_other_sessions, state.current_actor(), keep_token=auth.session_token())
        if ok:
            feedback.remember(SESSIONS_PLACE, f"{plural(ended, 'session fermée', 'sessions fermées')}.")
            st.rerun()


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

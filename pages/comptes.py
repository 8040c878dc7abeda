"""Administration: accounts, roles and neighbourhood scopes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, feedback, inputs, state, tables
from pilotage.password_policy import MIN_LENGTH
from pilotage.passwords import generate_password
from pilotage.permissions import ROLE_LABELS, ROLES
from pilotage.queries import accounts as account_queries
from pilotage.queries import contracts as contract_queries
from pilotage.services import accounts


def render() -> None:
    st.title("Comptes")
    st.caption("Lecteur : consulte tout ; ses quartiers suivis (un adjoint de quartier) l'accueillent à la connexion. "
               "Contributeur : modifie les données des quartiers de son périmètre. Administrateur : comptes, imports "
               "et journal d'audit. L'adresse électronique permet la connexion par un service d'identité (SSO).")
    users = data.read(account_queries.list_users)
    hoods = _neighbourhood_options()
    tables.dataframe(_users_table(users), hide_index=True, use_container_width=True)
    create, edit = st.tabs(["Créer un compte", "Modifier un compte"])
    with create:
        _create_form(hoods)
    with edit:
        _edit_form(users, hoods)


def _neighbourhood_options() -> dict[int, str]:
    hoods = data.read(contract_queries.list_neighbourhoods)
    return {int(row.id): f"{row.name} — {row.contract}" for row in hoods.itertuples()}


def _users_table(users: pd.DataFrame) -> pd.DataFrame:
    scope = users.apply(
        lambda u: "Tous droits" if u.role == "administrateur" else "Lecture seule" if u.role == "lecteur"
        else "Tous les quartiers" if u.all_neighbourhoods else (u.neighbourhoods or "Aucun quartier"), axis=1
    ) if not users.empty else []
    return pd.DataFrame({
        "Identifiant": users["username"],
        "Nom": users["display_name"],
        "Adresse électronique": users["email"].fillna("—"),
        "Rôle": users["role"].map(ROLE_LABELS),
        "État": users["active"].map({True: "✔ actif", False: "✖ désactivé"}),
        "Périmètre de modification": scope,
    })


CREATE_PLACE = "account_create"
EDIT_PLACE = "account_edit"


def _scope_inputs(key: str, hoods: dict[int, str], all_default=False, ids_default=()) -> tuple[bool, list[int]]:
    all_hoods = st.checkbox("Tous les quartiers", value=all_default, key=f"{key}_all",
                            help="Pour un contributeur : modifier les données de tous les quartiers.")
    ids = inputs.multiselect("Quartiers (si pas tous)", options=list(hoods), default=list(ids_default),
                             format_func=hoods.get, key=f"{key}_ids", placeholder="Choisir des quartiers",
                             help="Contributeur : les quartiers qu'il modifie. Lecteur : les quartiers qu'il suit (la "
                             "connexion l'amène sur le premier).")
    return all_hoods, ids


def _create_form(hoods: dict[int, str]) -> None:
    with inputs.form("pilotage_create_user", clear_on_submit=True):
        username = st.text_input("Identifiant", help="3 à 40 caractères : minuscules, chiffres, . _ -")
        display_name = st.text_input("Nom affiché")
        email = st.text_input("Adresse électronique (facultative)", help="Pour se connecter par un service "
                              "d'identité (ProConnect, Keycloak, Microsoft Entra ID).")
        role = inputs.selectbox("Rôle", ROLES, format_func=ROLE_LABELS.get)
        password = st.text_input(f"Mot de passe (au moins {MIN_LENGTH} caractères ; vide : généré)",
                                 type="password", autocomplete="new-password")
        all_hoods, ids = _scope_inputs("create", hoods)
        submitted = st.form_submit_button("Créer le compte", type="primary")
    feedback.show(CREATE_PLACE)  # with a generated password: kept on screen until the next action here
    if submitted:
        feedback.forget(CREATE_PLACE)
        chosen = password or generate_password()
        ok, _ = data.write(accounts.create_user, state.current_actor(), username=username,
                           display_name=display_name, role=role, password=chosen, all_neighbourhoods=all_hoods,
                           neighbourhood_ids=ids, email=email)
        if ok:
            notice = f"Compte « {username.strip().lower()} » créé."
            if not password:
                notice += f" Mot de passe généré, à transmettre maintenant (il ne sera plus affiché) : {chosen}"
            feedback.remember(CREATE_PLACE, notice)
            st.rerun()


def _edit_form(users: pd.DataFrame, hoods: dict[int, str]) -> None:
    if users.empty:
        return
    options = {int(u.id): f"{u.username} — {u.display_name}" for u in users.itertuples()}
    user_id = inputs.selectbox("Compte", list(options), format_func=options.get, key="pilotage_edit_user")
    user = users.set_index("id").loc[user_id]
    with inputs.form(f"pilotage_edit_user_{user_id}_{user.version}"):
        display_name = st.text_input("Nom affiché", value=user.display_name)
        email = st.text_input("Adresse électronique (facultative)", value=user.email or "")
        role = inputs.selectbox("Rôle", ROLES, index=ROLES.index(user.role), format_func=ROLE_LABELS.get)
        active = st.checkbox("Compte actif", value=bool(user.active))
        all_hoods, ids = _scope_inputs(f"edit_{user_id}", hoods, bool(user.all_neighbourhoods),
                                       [i for i in user.neighbourhood_ids if i in hoods])
        saved = st.form_submit_button("Enregistrer", type="primary")
    if saved:
        feedback.forget(EDIT_PLACE)
        ok, _ = data.write(accounts.update_user, state.current_actor(), user_id, expected_version=int(user.version),
                           display_name=display_name, role=role, active=active, all_neighbourhoods=all_hoods,
                           neighbourhood_ids=ids, email=email)
        if ok:
            feedback.remember(EDIT_PLACE, f"Compte « {user.username} » enregistré.")
            st.rerun()
    reset = st.button("Réinitialiser le mot de passe", key=f"pilotage_reset_{user_id}")
    feedback.show(EDIT_PLACE)
    if reset:
        feedback.forget(EDIT_PLACE)
        new_password = generate_password()
        ok, _ = data.write(accounts.reset_password, state.current_actor(), user_id,
                           expected_version=int(user.version), new_password=new_password)
        if ok:
            feedback.remember(EDIT_PLACE, f"Nouveau mot de passe de « {user.username} », à transmettre maintenant "
                                          f"(il ne sera plus affiché) : {new_password}. Ses sessions ouvertes sont "
                                          "fermées.")
            st.rerun()


if __name__ == "__main__":
    from components.legacy import hand_over_to_router

    hand_over_to_router()

"""Données, classeur du contrat: the administrator downloads, uploads a bad workbook, reads the report, imports."""

from __future__ import annotations

import streamlit as st
from apptest_support import ADMIN_PASSWORD, fail_on_exception, open_page, start, texts, widget

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.queries.accounts import authenticate
from pilotage.queries.contracts import list_contracts
from pilotage.services.accounts import INITIAL_ADMIN, ensure_initial_admin
from tests.contract_workbooks import filled_template, line, minimal_sheets

TAB = "Classeur du contrat"


def _downloads(at) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


def _shown(at) -> str:
    return texts(at).replace("\\", "").replace("\u00a0", " ")  # markdown escapes of the messages


def _uploader(at):
    return widget(at.file_uploader, "Classeur à importer (.xlsx ; 20 Mo au plus)")


def _slugs(url: str) -> list[str]:
    with session_scope(make_session_factory(make_engine(url))) as session:
        return [c.slug for c in list_contracts(session)]


def test_the_administrator_downloads_and_sees_the_report_of_a_bad_workbook(actors, app_env):
    at = open_page(start(actors["administrateur"]), "donnees")
    fail_on_exception(at)
    assert TAB in [tab.label for tab in at.tabs]
    assert _downloads(at) == ["Télécharger le classeur de « Contrat de Ville de Grand Besançon Métropole "
                              "2024-2030 »", "Télécharger le modèle vierge"]
    sheets = minimal_sheets()
    sheets["Priorités"] = [line("Priorités", programme="projet-absent", rank=1, text="Rénover les halls")]
    _uploader(at).set_value(("classeur.xlsx", filled_template(sheets), "application/octet-stream")).run()
    fail_on_exception(at)
    assert "1 erreur : rien ne sera importé. Corrigez le classeur" in _shown(at)
    report = at.dataframe[0].value
    assert report.iloc[0].to_dict() == {"Onglet": "Priorités", "Ligne": "2", "Colonne": "Programme",
                                        "Problème": "« projet-absent » est absent de l'onglet « Programmes »."}
    assert "Importer" not in [button.label for button in at.button]
    assert _slugs(app_env) == ["gbm-2024-2030", "grand-belfort-2015-2020", "gbm-2015-2023", "cadre-2015-2020"]


def test_the_administrator_imports_a_filled_template_as_a_new_contract(actors, app_env):
    at = open_page(start(actors["administrateur"]), "donnees")
    _uploader(at).set_value(("essai.xlsx", filled_template(minimal_sheets()), "application/octet-stream")).run()
    fail_on_exception(at)
    assert "Classeur valide : le contrat « Contrat de ville d'Essai 2024-2030 » (essai-2024)" in _shown(at)
    widget(at.button, "Importer").click().run()
    fail_on_exception(at)
    assert "Contrat « essai-2024 » importé (" in _shown(at)
    assert _slugs(app_env)[-1] == "essai-2024"


def test_a_territory_starts_from_the_template_on_an_empty_database(empty_db, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_db.url)
    monkeypatch.setenv("PILOTAGE_SEED", "none")  # the app's first run must not load the examples
    monkeypatch.setenv("PILOTAGE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    st.cache_data.clear()
    st.cache_resource.clear()
    with session_scope(empty_db.sessions) as session:
        ensure_initial_admin(session, ADMIN_PASSWORD)
    with session_scope(empty_db.sessions) as session:
        admin = authenticate(session, INITIAL_ADMIN, ADMIN_PASSWORD)
    at = open_page(start(admin), "donnees")
    fail_on_exception(at)
    assert "Aucun contrat n'est encore chargé." in _shown(at)
    assert _downloads(at) == ["Télécharger le modèle vierge"]
    _uploader(at).set_value(("essai.xlsx", filled_template(minimal_sheets()), "application/octet-stream")).run()
    widget(at.button, "Importer").click().run()
    fail_on_exception(at)
    assert "Contrat « essai-2024 » importé (" in _shown(at)
    assert _slugs(empty_db.url) == ["essai-2024"]
    at = open_page(start(admin), "vue-ensemble")
    fail_on_exception(at)
    assert "Contrat de ville d'Essai 2024-2030" in _shown(at)
    st.cache_data.clear()
    st.cache_resource.clear()

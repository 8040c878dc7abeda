"""Données, classeur du contrat: the administrator downloads, uploads a bad workbook, reads the report, imports."""

from __future__ import annotations

from apptest_support import fail_on_exception, open_page, start, texts, widget

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.queries.contracts import list_contracts
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

"""The Indicateurs et équipements page: an administrator imports a table after the preview; others never see it."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import fail_on_exception, headings, navigation, open_page, start, texts, visit, widget
from sqlalchemy import func, select

from pilotage.db import make_engine, make_session_factory, session_scope
from pilotage.models import Facility, Indicator, IndicatorValue, Neighbourhood

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CODES = {"planoise": "QN02501M", "montrapon": "QN02502M", "orchamps-palente": "QN02503M"}


def _sessions(app_env):
    return make_session_factory(make_engine(app_env))


def _record_codes(app_env) -> None:
    with session_scope(_sessions(app_env)) as session:
        for slug, code in CODES.items():
            for hood in session.scalars(select(Neighbourhood).where(Neighbourhood.slug == slug)):
                if hood.contract.slug == "gbm-2024-2030":
                    hood.official_code = code
        session.commit()


def _counts(app_env) -> tuple[int, int, int]:
    with session_scope(_sessions(app_env)) as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Indicator, IndicatorValue, Facility))


def test_an_administrator_imports_the_latin1_table_after_the_preview(actors, app_env):
    _record_codes(app_env)
    before = _counts(app_env)
    at = open_page(start(actors["administrateur"]), "indicateurs")
    fail_on_exception(at)
    assert "Indicateurs et équipements" in headings(at)
    content = (FIXTURES / "indicateurs_latin1.csv").read_bytes()

    at.file_uploader[0].set_value(("indicateurs_latin1.csv", content, "text/csv")).run()

    fail_on_exception(at)
    assert widget(at.selectbox, "Colonne du lieu (code QPV ou nom)").value == "Code géographique"
    assert widget(at.selectbox, "Colonne de l'année").value == "Année"
    assert widget(at.multiselect, "Colonnes d'indicateurs à importer").value == [
        "Population", "Part de femmes", "Taux de pauvreté"]
    shown = texts(at)
    assert "Windows-1252" in shown and "Nouveaux indicateurs (1)" in shown
    preview = next(frame.value for frame in at.dataframe if "Effet" in frame.value.columns)
    assert len(preview) == 15 and set(preview["Effet"]) == {"✚ nouvelle"}
    assert "Taux de pauvreté (nouveau)" in set(preview["Indicateur"])
    assert widget(at.button, "Importer 15 valeurs et créer 1 indicateur").disabled, "no source typed yet"
    assert _counts(app_env) == before

    widget(at.text_input, "Source des valeurs (titre du fichier)").input("INSEE, RP 2021").run()
    widget(at.button, "Importer 15 valeurs et créer 1 indicateur").click().run()

    fail_on_exception(at)
    assert any(s.value.startswith("Import terminé : 15 valeurs nouvelles") for s in at.success)
    assert _counts(app_env) == (before[0] + 1, before[1] + 15, before[2])
    visit(at, "quartier", q="planoise")
    assert "document INSEE, RP 2021" in texts(at).replace("\\", ""), "the portrait shows the imported source"


def test_an_unknown_code_blocks_the_import_and_names_the_line(actors, app_env):
    before = _counts(app_env)
    at = open_page(start(actors["administrateur"]), "indicateurs")
    content = "Code géographique;Année;Population\nQN09999M;2021;1 234\n".encode("cp1252")

    at.file_uploader[0].set_value(("table.csv", content, "text/csv")).run()
    widget(at.text_input, "Source des valeurs (titre du fichier)").input("INSEE, RP 2021").run()

    fail_on_exception(at)
    problems = next(frame.value for frame in at.dataframe if "Problème" in frame.value.columns)
    assert problems.iloc[0]["Ligne"] == "2" and "code de quartier inconnu « QN09999M »" in problems.iloc[0]["Problème"]
    assert widget(at.button, "Importer 0 valeur").disabled
    assert _counts(app_env) == before


def test_an_unreadable_file_is_refused_in_french(actors, app_env):
    at = open_page(start(actors["administrateur"]), "indicateurs")
    at.file_uploader[0].set_value(("table.csv", b"code|annee|valeur\nQN1|2021|3\n", "text/csv")).run()
    fail_on_exception(at)
    assert any("Fichier refusé" in e.value and "seule colonne" in e.value for e in at.error)


@pytest.mark.parametrize("role", ["lecteur", "contributeur"])
def test_the_page_is_refused_to_readers_and_contributors(actors, role):
    at = open_page(start(actors[role]), "indicateurs")
    fail_on_exception(at)
    assert "indicateurs" not in navigation(at)
    assert "Indicateurs et équipements" not in headings(at)
    assert not at.file_uploader


FORMS = "pilotage_facility_forms_"


def _facilities(app_env) -> dict[str, tuple]:
    with session_scope(_sessions(app_env)) as session:
        return {f.name: (f.kind, f.longitude, f.latitude, f.archived)
                for f in session.scalars(select(Facility).order_by(Facility.id))}


def test_an_administrator_adds_then_archives_a_facility_on_the_forms(actors, app_env):
    at = open_page(start(actors["administrateur"]), "indicateurs")
    fail_on_exception(at)
    at.text_input(key=f"{FORMS}new_0_name").input("Médiathèque Nelson Mandela")
    at.text_input(key=f"{FORMS}new_0_kind").input("Médiathèque")
    at.number_input(key=f"{FORMS}new_0_lon").set_value(5.9553)
    at.number_input(key=f"{FORMS}new_0_lat").set_value(47.2259)
    widget(at.button, "Ajouter l'équipement").click().run()

    fail_on_exception(at)
    assert _facilities(app_env)["Médiathèque Nelson Mandela"] == ("mediatheque", 5.9553, 47.2259, False)
    with session_scope(_sessions(app_env)) as session:
        library = session.scalar(select(Facility.id).where(Facility.name == "Médiathèque Nelson Mandela"))
    at.selectbox(key=f"{FORMS}chosen").set_value(library).run()
    widget(at.button, "Archiver (retirer de la carte)").click().run()

    fail_on_exception(at)
    assert _facilities(app_env)["Médiathèque Nelson Mandela"][3] is True
    assert any("archivé : il n'apparaît plus sur la carte" in s.value for s in at.success)
    table = next(frame.value for frame in at.dataframe if "État" in frame.value.columns)
    assert table.set_index("Nom").loc["Médiathèque Nelson Mandela", "État"] == "✖ archivé (hors carte)"


def test_a_facility_with_coordinates_out_of_range_is_refused_on_the_form(actors, app_env):
    before = _facilities(app_env)
    at = open_page(start(actors["administrateur"]), "indicateurs")
    at.text_input(key=f"{FORMS}new_0_name").input("École")
    at.text_input(key=f"{FORMS}new_0_kind").input("école")
    at.number_input(key=f"{FORMS}new_0_lon").set_value(928723.0)
    at.number_input(key=f"{FORMS}new_0_lat").set_value(6686324.0)
    widget(at.button, "Ajouter l'équipement").click().run()

    fail_on_exception(at)
    assert any(e.value.startswith("Position : coordonnées") for e in at.error)
    assert _facilities(app_env) == before


def test_an_administrator_imports_facilities_in_lambert93(actors, app_env):
    at = open_page(start(actors["administrateur"]), "indicateurs")
    content = (FIXTURES / "equipements_lambert93.csv").read_bytes()
    _record_codes(app_env)
    at.file_uploader[1].set_value(("equipements_lambert93.csv", content, "text/csv")).run()

    fail_on_exception(at)
    preview = next(frame.value for frame in at.dataframe if "Effet" in frame.value.columns
                   and "Position" in frame.value.columns)
    assert list(preview["Effet"]) == ["✚ nouveau", "✎ mis à jour", "✚ nouveau"]
    assert preview["Position"].str.endswith("(reprojeté du Lambert-93)").all()
    widget(at.text_input, "Source de la liste").input("Recensement des équipements, 2025").run()
    widget(at.button, "Importer 3 équipements").click().run()

    fail_on_exception(at)
    assert any(s.value.startswith("Import terminé : 2 équipements nouveaux, 1 équipement mis à jour") for s in
               at.success)
    assert _facilities(app_env)["Gymnase Montrapon"][0] == "equipement_sportif"


def test_an_administrator_renames_an_indicator_and_corrects_a_value(actors, app_env):
    at = open_page(start(actors["administrateur"]), "indicateurs")
    fail_on_exception(at)
    assert widget(at.selectbox, "Indicateur à modifier").value is not None
    widget(at.text_input, "Libellé").input("Population municipale")
    widget(at.button, "Enregistrer l'indicateur").click().run()

    fail_on_exception(at)
    assert any("Population municipale" in s.value for s in at.success)
    widget(at.number_input, "Valeur (habitants)").set_value(15400.0)
    widget(at.text_input, "Source").input("INSEE, RP 2018")
    widget(at.button, "Enregistrer la valeur").click().run()

    fail_on_exception(at)
    with session_scope(_sessions(app_env)) as session:
        population = session.scalar(select(Indicator).where(Indicator.code == "population",
                                                            Indicator.label == "Population municipale"))
        value = session.scalar(select(IndicatorValue).where(IndicatorValue.indicator_id == population.id)
                               .where(IndicatorValue.value == 15400.0))
    assert value is not None and value.source == "INSEE, RP 2018" and not value.illustrative

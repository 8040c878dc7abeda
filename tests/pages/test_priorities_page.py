"""The Priorités page, the progress component on the Quartier page and the neighbourhood tiles (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest
from apptest_support import fail_on_exception, headings, html_tables, open_page, start, texts
from sqlalchemy import select

from pilotage.db import session_scope
from pilotage.models import Programme

# The seed's illustrative history runs to autumn 2026; these tests read figures as they stood then.
ASSUMED_DAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _assumed_day(pin_today) -> None:
    pin_today(ASSUMED_DAY)


PLANOISE_PROJECT = "Projet de quartier — Planoise"


def run(actor, page: str = "priorites", **query):
    at = open_page(start(actor, query), page)
    fail_on_exception(at)
    return at


def html_of(at) -> str:
    return "\n".join(str(e.value) for e in at.html)


def buttons(at, label: str) -> list:
    return [b for b in at.button if b.label == label]


def test_a_reader_sees_the_state_the_matrix_the_trend_and_the_late_items(actors):
    at = run(actors["lecteur"])
    assert "Priorités" in headings(at)
    shown = texts(at)
    assert "<strong>État de la sélection</strong> : ☁ Atteignable — 94 engagements évalués sur 94" in shown
    assert "64 priorités des projets de quartier et 30 mesures du Pacte" in shown, "priorités and mesures apart"
    assert "94 priorités" not in shown
    summary = next(h.value for h in at.html if "État de la sélection" in str(h.value))
    assert "⚠ Illustratif" in summary, "a state built on illustrative points says so"
    assert "Sans nouvelles depuis plus de 6 mois" in shown
    assert "Les points d'avancement de ce contrat sont illustratifs" in shown
    assert any("Battant : la dernière revue de projet (13 octobre 2026) n'a produit aucun point" in w.value
               for w in at.warning)
    matrix = html_of(at)
    for expected in ("Objectif du socle commun", "Axe 1 — Améliorer la qualité et le cadre de vie des habitants",
                     "1.1 Rendre plus accessible et inclusif le logement", "Axe 2, objectif non précisé",
                     "Sans rattachement au socle commun", "Hauts de Saint-Claude", "Toutes les priorités du quartier"):
        assert expected in matrix, expected
    assert [t.label for t in at.tabs] == ["Quartiers × socle commun", "Évolution des météos", "À traiter d'abord",
                                          "Suivi et saisie par programme", "Fiche Excel de mise à jour"]
    assert at.get("vega_lite_chart"), "the distribution of météo over time"
    programmes = at.dataframe[0].value
    assert list(programmes.columns) == ["Programme", "État", "Évaluées", "Compromises", "Sans nouvelles",
                                        "Avancement moyen"]
    assert len(programmes) == 7 and programmes["Compromises"].sum() == 7
    assert not buttons(at, "Nouveau point"), "a reader records nothing"
    assert "L'import d'une fiche remplie est réservé aux contributeurs de ce périmètre." in shown
    assert not at.get("file_uploader")


def test_the_late_list_puts_compromised_priorities_first(actors):
    at = run(actors["lecteur"])
    late = next(t for t in html_tables(at, "Priorités") if len(t) < 94)
    meteo = list(late["Météo"])
    assert meteo[:7] == ["⚡ Compromis"] * 7
    assert set(meteo[7:]) <= {"☁ Atteignable", "☂ Appui nécessaire", "☀ Sécurisé"}
    assert late["Fraîcheur"].iloc[7].startswith("⚑ Sans nouvelles depuis plus de 6 mois (dernier point : ")
    assert "À jour" not in set(late["Fraîcheur"])


def test_filters_narrow_every_view(actors):
    at = run(actors["lecteur"])
    next(m for m in at.multiselect if m.label == "Météo").set_value(["compromis"]).run()
    fail_on_exception(at)
    assert "État de la sélection</strong> : ⚡ Compromis — 7 engagements évalués sur 7" in texts(at)
    next(m for m in at.multiselect if m.label == "Quartier").set_value(["Clairs-Soleils"]).run()
    assert "État de la sélection</strong> : ⚡ Compromis — 2 priorités évaluées sur 2" in texts(at)
    matrix = html_of(at)
    assert "Clairs-Soleils" in matrix and ">Planoise<" not in matrix


def test_axis_filter_keeps_that_axis_columns_only(actors):
    at = run(actors["lecteur"])
    next(s for s in at.selectbox if s.label == "Axe du socle commun").set_value("2").run()
    fail_on_exception(at)
    matrix = html_of(at)
    assert "2.1 Faire système autour de l’éducation" in matrix and "1.1 Rendre plus accessible" not in matrix
    assert "Sans rattachement au socle commun" not in matrix
    assert "priorités évaluées sur 8" in texts(at)  # 6 linked to the axis only, 2.1 and 2.3 one each


def test_cell_selector_lists_the_priorities_behind_a_cell(actors):
    at = run(actors["lecteur"])
    next(s for s in at.selectbox if s.label == "Quartier de la case").set_value("Orchamps-Palente").run()
    next(s for s in at.selectbox if s.label == "Objectif de la case").set_value("objectif-1.1").run()
    fail_on_exception(at)
    assert "6 priorité(s)." in [c.value for c in at.caption]
    cell = next(t for t in html_tables(at, "Priorités") if len(t) == 6)
    assert set(cell["Quartier"]) == {"Orchamps-Palente"}


def test_a_contributor_opens_the_new_point_dialog_pre_filled(actors, seeded_db):
    # Submitting happens inside the dialog's own rerun, which AppTest does not replay: the browser test
    # tests/e2e/test_priorities.py records a point through this dialog.
    at = run(actors["contributeur"])
    choose_programme(at, seeded_db, PLANOISE_PROJECT)
    assert len(buttons(at, "Nouveau point")) == 12
    buttons(at, "Nouveau point")[0].click().run()
    fail_on_exception(at)
    weather = next(r for r in at.radio if r.label == "Météo")
    assert weather.options == ["☀ Sécurisé", "☁ Atteignable", "☂ Appui nécessaire", "⚡ Compromis"]
    assert weather.value == "atteignable", "pre-filled with the last point"
    assert next(n for n in at.number_input if n.label == "Avancement (%)").value is not None
    assert next(t for t in at.text_input if t.label == "Personne qui fait le point").value == "Cyril Contrib"
    meeting = next(s for s in at.selectbox if s.label == "Relevé lors de l'instance")
    assert meeting.options[0] == "Aucune instance (point hors réunion)"
    assert "13 octobre 2026 — Revue de projet – Planoise" in meeting.options
    assert buttons(at, "Enregistrer le point")


def test_a_contributor_of_planoise_cannot_record_for_battant(actors, seeded_db):
    at = run(actors["contributeur"])
    choose_programme(at, seeded_db, "Projet de quartier — Battant")
    assert not buttons(at, "Nouveau point")
    assert not [e for e in at.expander if e.label.startswith("Saisie groupée")]


def test_the_quartier_page_shows_progress_and_history(actors):
    at = run(actors["contributeur"], page="quartier", q="planoise", section="projet")
    shown = texts(at) + html_of(at)
    assert "État du quartier" in shown and "État du programme" in shown
    assert "(12 priorités du projet de quartier et 30 mesures du Pacte)" in shown
    assert "Mesure 10" in shown and "Point du " in shown and "⚠ Illustratif" in shown
    assert [e for e in at.expander if e.label == "Saisie groupée après une revue de projet — Planoise"]
    assert len(buttons(at, "Nouveau point")) == 42
    battant = run(actors["lecteur"], page="quartier", q="battant", section="projet")
    assert any("La dernière revue de projet (13 octobre 2026) n'a produit aucun point" in w.value
               for w in battant.warning)
    assert not buttons(battant, "Nouveau point")


def test_the_overview_tiles_show_each_neighbourhood_state(actors):
    at = run(actors["lecteur"], page="vue-ensemble")
    tiles = html_of(at)
    assert tiles.count("☁ Atteignable") >= 6
    assert "42 évalués sur 42" in tiles, "12 priorités and 30 mesures: 42 engagements"
    assert "12 évaluées sur 12" in tiles
    assert "⚠ Illustratif" in tiles, "tile states are built on illustrative points"
    assert "⚑ Revue du 13 octobre 2026 sans point" in tiles


def choose_programme(at, database, name: str) -> None:
    with session_scope(database.sessions) as session:
        programme_id = session.scalar(select(Programme.id).where(Programme.name == name))
    next(s for s in at.selectbox if s.label == "Programme à suivre").set_value(programme_id).run()
    fail_on_exception(at)

"""The Gouvernance page and the meeting sheet, run with AppTest for the three roles."""

from __future__ import annotations

import datetime as dt

import pytest
from apptest_support import fail_on_exception, headings, html_tables, open_page, start, texts
from sqlalchemy import select

from pilotage.db import session_scope
from pilotage.models import Contract, Meeting, Neighbourhood

# The seed's illustrative history runs to autumn 2026; these tests read figures as they stood then.
ASSUMED_DAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _assumed_day(pin_today) -> None:
    pin_today(ASSUMED_DAY)


CURRENT = "gbm-2024-2030"


def meeting_id(seeded_db, date: dt.date, slug: str | None, kind: str = "revue_projet") -> int:
    with session_scope(seeded_db.sessions) as session:
        statement = (select(Meeting.id).join(Contract, Contract.id == Meeting.contract_id)
                     .where(Contract.slug == CURRENT, Meeting.date == date, Meeting.kind == kind))
        if slug:
            statement = statement.join(Neighbourhood, Neighbourhood.id == Meeting.neighbourhood_id) \
                .where(Neighbourhood.slug == slug)
        return session.scalars(statement).one()


def shown(at) -> str:
    """Every text of the page without the backslashes that escape user text for st.markdown."""
    return texts(at).replace("\\", "")


def buttons(at) -> set[str]:
    return {b.label for b in at.button}


def test_the_governance_page_shows_calendar_cadence_and_tracker_to_a_reader(actors):
    at = open_page(start(actors["lecteur"]), "gouvernance")

    fail_on_exception(at)
    assert "Gouvernance" in headings(at)
    assert {"Prochaines instances", "Calendrier des instances", "Revue de projet : 2 par an par quartier",
            "Comité de pilotage : 1 à 2 par an"} <= set(headings(at))
    page = shown(at)
    assert "Orchamps-Palente — 2025** : manquant" in page
    assert "Revue de projet – Clairs-Soleils du 13 octobre 2026 : reportée sans nouvelle date" in page
    assert "8 décembre 2026** : Clairs-Soleils, Hauts de Saint-Claude" in page  # the planner's proposals
    assert "Nouvelle instance" not in buttons(at), "a reader creates nothing"
    assert "Programmer" not in buttons(at)
    revues = next(df.value for df in at.dataframe if "Orchamps-Palente" in df.value.index)
    assert revues.loc["Orchamps-Palente", "2025"] == "✘ 1/2 manquant"
    assert revues.loc["Montrapon", "2025"] == "✔ 2/2 conforme"
    tracker = html_tables(at, "Suivi des décisions")[0]
    assert tracker.iloc[0]["État"] == "⚠ en retard"
    assert {m.label for m in at.metric} == {"○ ouverte", "⚠ en retard", "✔ faite", "✖ abandonnée"}


def test_the_tracker_filters_by_state(actors):
    at = open_page(start(actors["lecteur"]), "gouvernance")
    at.selectbox(key="pilotage_gov_state").select("faite").run()

    fail_on_exception(at)
    tracker = html_tables(at, "Suivi des décisions")[0]
    assert {state.split(" le ")[0] for state in tracker["État"]} == {"✔ faite"}


def test_a_decision_of_the_tracker_opens_by_its_number(actors):
    at = open_page(start(actors["lecteur"]), "gouvernance")
    first = html_tables(at, "Suivi des décisions")[0].iloc[0]
    selector = at.selectbox(key="pilotage_gov_tracker")
    assert selector.value is None and selector.options[0].startswith("n° 1 — ⚠ en retard")
    selector.select(1).run()

    fail_on_exception(at)
    assert first["N°"] == "1"
    text = first["Décision"].split(" : ", 1)[1]
    assert any(text in m.value.replace("\\", "") for m in at.markdown), "the whole text, once chosen"


def test_a_contributor_may_create_meetings_of_their_neighbourhood_only(actors):
    at = open_page(start(actors["contributeur"]), "gouvernance")

    fail_on_exception(at)
    assert {"Nouvelle instance", "Programmer"} <= buttons(at)
    planner = at.selectbox(key="pilotage_gov_plan")
    assert planner.options == ["Planoise — 12 octobre 2027"], "only Planoise revues for a Planoise contributor"


def test_the_meeting_sheet_shows_attendance_agenda_carry_over_and_decisions(actors, seeded_db):
    revue = meeting_id(seeded_db, dt.date(2026, 10, 13), "planoise")

    at = open_page(start(actors["lecteur"], {"id": str(revue)}), "instance")

    fail_on_exception(at)
    assert "Revue de projet – Planoise" in headings(at)
    assert {"Participants", "Ordre du jour", "Décisions et suites à donner", "Compte rendu"} <= set(headings(at))
    page = shown(at)
    assert "Suites des instances précédentes" in page
    assert "Recenser les lieux d’accès au numérique" in page  # open since the revue of 8 October 2024
    assert "Présenter le bilan du premier forum emploi-jeunes" in page
    assert "⚠ Illustratif" in page
    assert "Lecture seule" in page
    assert "Modifier" not in buttons(at)
    attendance = at.dataframe[0].value
    assert attendance.set_index("Organisation").loc["Département du Doubs", "Présence"] == "✖ absente"


def test_a_contributor_opens_the_decision_form_of_a_meeting_of_their_neighbourhood(actors, seeded_db):
    # Filling and submitting the dialog needs a browser (a dialog reruns as a fragment): see tests/e2e.
    revue = meeting_id(seeded_db, dt.date(2027, 4, 13), "planoise")
    at = open_page(start(actors["contributeur"], {"id": str(revue)}), "instance")
    assert {"Modifier", "Reporter", "Présences", "Ajouter un point", "Enregistrer une décision"} <= buttons(at)

    next(b for b in at.button if b.label == "Enregistrer une décision").click().run()

    fail_on_exception(at)
    assert [t.label for t in at.text_area] == ["Décision ou suite à donner"]
    assert {"Organisation responsable", "Point de l'ordre du jour", "Statut", "Quartier concerné",
            "Priorité concernée"} <= {s.label for s in at.selectbox}
    hood = next(s for s in at.selectbox if s.label == "Quartier concerné")
    assert hood.value is not None and hood.format_func(hood.value) == "Planoise"
    assert "Enregistrer la décision" in buttons(at)


def test_a_contract_wide_meeting_is_read_only_for_a_neighbourhood_contributor(actors, seeded_db):
    copil = meeting_id(seeded_db, dt.date(2027, 6, 22), None, kind="copil")

    at = open_page(start(actors["contributeur"], {"id": str(copil)}), "instance")

    fail_on_exception(at)
    assert "Modifier" not in buttons(at)
    assert "Lecture seule" in shown(at) and "tout le contrat" in shown(at)


def test_the_meeting_sheet_without_or_with_an_unknown_id(actors):
    at = open_page(start(actors["lecteur"]), "instance")
    fail_on_exception(at)
    assert headings(at) == ["Fiche d'instance"]
    assert "Choisissez une instance" in shown(at)

    at = open_page(start(actors["lecteur"], {"id": "999999"}), "instance")
    fail_on_exception(at)
    assert "Aucune instance n° 999999" in shown(at)


def test_the_other_contracts_render_their_own_governance(actors):
    at = open_page(start(actors["lecteur"], {"contrat": "grand-belfort-2015-2020"}), "gouvernance")

    fail_on_exception(at)
    assert "Comité de pilotage : au moins 1 par an" in headings(at)
    assert "Revue de projet : 2 par an par quartier" not in headings(at)
    copil = next(df.value for df in at.dataframe if "Ensemble du contrat" in df.value.index)
    assert copil.loc["Ensemble du contrat", "2017"] == "✔ 2 conforme"
    assert copil.loc["Ensemble du contrat", "2016"] == "✘ 0/1 manquant"

    at = open_page(start(actors["lecteur"], {"contrat": "cadre-2015-2020"}), "gouvernance")
    fail_on_exception(at)
    assert "Aucune instance n'est enregistrée pour ce contrat." in shown(at)
    assert "Ce contrat ne fixe aucune fréquence de réunion." in shown(at)


def test_every_listed_meeting_links_to_its_sheet_and_the_list_is_searchable(actors, seeded_db):
    at = open_page(start(actors["lecteur"]), "gouvernance")
    fail_on_exception(at)
    listed = next(df.value for df in at.dataframe if "Fiche" in getattr(df.value, "columns", []))
    assert list(listed.columns[:3]) == ["Fiche", "Date", "Instance"]
    revue = meeting_id(seeded_db, dt.date(2026, 10, 13), "planoise")
    assert f"instance?id={revue}" in set(listed["Fiche"])
    next(t for t in at.text_input if t.key == "pilotage_gov_search").input("planoise").run()
    found = next(df.value for df in at.dataframe if "Fiche" in getattr(df.value, "columns", []))
    assert 0 < len(found) < len(listed) and found["Concerne"].str.contains("Planoise").all()

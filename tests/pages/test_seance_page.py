"""The Mode séance page run with AppTest for the three roles: the picker, the projected steps, who gets the capture
and running-order controls, moving along, and the running order dialog."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from apptest_support import fail_on_exception, headings, open_page, start, texts, widget
from sqlalchemy import select

from pilotage.db import session_scope
from pilotage.models import Contract, Meeting, Neighbourhood

CURRENT = "gbm-2024-2030"
EDITING = {"Décision", "Modifier le déroulé"}


def meeting_id(seeded_db, date: dt.date, kind: str, slug: str | None) -> int:
    with session_scope(seeded_db.sessions) as session:
        statement = (select(Meeting.id).join(Contract, Contract.id == Meeting.contract_id)
                     .where(Contract.slug == CURRENT, Meeting.date == date, Meeting.kind == kind))
        if slug:
            statement = statement.join(Neighbourhood, Neighbourhood.id == Meeting.neighbourhood_id) \
                .where(Neighbourhood.slug == slug)
        else:
            statement = statement.where(Meeting.neighbourhood_id.is_(None))
        return session.scalars(statement).one()


@pytest.fixture
def revue(seeded_db) -> int:
    return meeting_id(seeded_db, dt.date(2026, 10, 13), "revue_projet", "planoise")


@pytest.fixture
def copil(seeded_db) -> int:
    return meeting_id(seeded_db, dt.date(2026, 6, 23), "copil", None)


def seance(actor, meeting: int, **position: str):
    at = open_page(start(actor, {"id": str(meeting), **position}), "seance")
    fail_on_exception(at)
    return at


def buttons(at) -> set[str]:
    return {b.label for b in at.button}


def shown(at) -> str:
    """Every text of the page as read: HTML entities decoded, no-break spaces as spaces."""
    return html.unescape(texts(at)).replace("\xa0", " ")


def test_a_reader_picks_a_meeting_among_the_revues_and_copil(actors):
    at = open_page(start(actors["lecteur"]), "seance")

    fail_on_exception(at)
    assert "Mode séance" in headings(at)
    assert {"Prochaines revues et COPIL", "Revues et COPIL récents", "Toutes les instances"} <= set(headings(at))
    page = shown(at)
    assert "13 avril 2027 à 9 h" in page and "Revue de projet – Planoise" in page
    picker = widget(at.selectbox, "Instance à projeter")
    assert len(picker.options) > 90


@pytest.mark.parametrize("role", ["lecteur", "contributeur", "administrateur"])
def test_every_role_follows_the_planoise_revue_the_editors_get_the_capture_controls(actors, revue, role):
    at = seance(actors[role], revue)

    page = shown(at)
    assert "Le quartier en chiffres" in page and "15 378" in page
    assert "Revue de projet – Planoise" in page and "Étape 1/5" in page
    assert {"Précédent", "Suivant", "5. Les décisions de la séance (2 écrans)"} <= buttons(at)
    if role == "lecteur":
        assert not EDITING & buttons(at)
        assert "Lecture seule" in page
    else:
        assert buttons(at) >= EDITING
    assert not at.sidebar.selectbox, "no sidebar widget on a projected séance"


def test_a_planoise_contributor_follows_the_copil_read_only_and_an_administrator_may_capture(actors, copil):
    contributor = seance(actors["contributeur"], copil)
    admin = seance(actors["administrateur"], copil)

    assert "Le contrat en un coup d'œil" in shown(contributor)
    assert not EDITING & buttons(contributor) and "Lecture seule" in shown(contributor)
    assert buttons(admin) >= EDITING
    assert {"1. Le contrat en un coup d'œil (2 écrans)", "4. Les décisions à prendre (3 écrans)"} <= buttons(admin)


def test_a_deep_link_opens_a_screen_of_a_step_and_the_next_button_moves_on(actors, revue):
    at = seance(actors["contributeur"], revue, etape="3", ecran="2")

    page = shown(at)
    assert "Les priorités du projet de quartier" in page and "Étape 3/5" in page
    assert "1. Mener à bien le projet de renouvellement urbain" in page
    assert "☁ Atteignable" in page and "71 % (+17 pts)" in page
    point_buttons = [b.label for b in at.button if b.label.startswith(("1. Mener", "2. Assurer"))]
    assert len(point_buttons) == 2, "a point d'avancement for each priority on the screen"

    next(b for b in at.button if b.label == "Suivant").click().run()

    fail_on_exception(at)
    assert (at.query_params["etape"], at.query_params["ecran"]) == ("3", "3")
    assert "4. Prendre en compte les besoins éducatifs" in shown(at)


def test_a_position_beyond_the_end_shows_the_last_screen(actors, revue):
    at = seance(actors["lecteur"], revue, etape="99", ecran="7")

    assert "Les décisions de la séance" in shown(at)
    assert next(b for b in at.button if b.label == "Suivant").disabled


def test_the_follow_ups_step_offers_their_follow_up_to_an_editor(actors, revue):
    at = seance(actors["contributeur"], revue, etape="4")

    page = shown(at)
    assert "Les suites de la revue précédente" in page and "⚠ en retard" in page
    assert any(b.label.startswith("Recenser les lieux d’accès au numérique") for b in at.button)


def test_the_running_order_dialog_lists_every_step_with_its_controls(actors, revue):
    at = seance(actors["contributeur"], revue)

    next(b for b in at.button if b.label == "Modifier le déroulé").click().run()

    fail_on_exception(at)
    labels = [b.label for b in at.button]
    assert labels.count("Monter") == 5 and labels.count("Masquer") == 5
    assert {"Enregistrer le déroulé", "Rétablir l'ordre par défaut"} <= set(labels)


def test_an_unknown_meeting_says_so(actors):
    at = open_page(start(actors["lecteur"], {"id": "999999"}), "seance")

    fail_on_exception(at)
    assert "Aucune instance n° 999999" in shown(at)

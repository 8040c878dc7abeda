"""Confirmations kept beside what was written, the word after a refused page, and the contributor's own section."""

from __future__ import annotations

import time

from apptest_support import fail_on_exception, open_page, start, texts

from components import refusal
from components.feedback import Confirmation
from components.navigation import PAGES
from components.progress_views import point_place
from pilotage import clock
from pilotage.db import session_scope
from pilotage.permissions import ADMIN, ADMIN_URL_PATHS, Actor
from pilotage.queries import progress as progress_queries
from tests.factories import contract, neighbourhood_id
from web.guard import REFUSED_TARGET, refused


def test_a_reader_sent_back_from_an_admin_page_reads_why(actors):
    at = open_page(start(actors["lecteur"], {refusal.PARAM: refusal.REFUSED}), "vue-ensemble")
    fail_on_exception(at)
    assert [w.value for w in at.warning if "réservée aux administrateurs" in w.value] == [refusal.MESSAGE]
    plain = open_page(start(actors["lecteur"]), "vue-ensemble")
    assert not [w for w in plain.warning if "réservée" in w.value]


def test_a_contributor_opens_their_neighbourhood_on_its_projet_and_another_on_its_portrait(actors):
    own = open_page(start(actors["contributeur"], {"q": "planoise"}), "quartier")
    fail_on_exception(own)
    assert own.query_params["section"] == "projet" and "État du quartier" in texts(own)
    other = open_page(start(actors["contributeur"], {"q": "battant"}), "quartier")
    assert other.query_params["section"] == "portrait"
    reader = open_page(start(actors["lecteur"], {"q": "planoise"}), "quartier")
    assert reader.query_params["section"] == "portrait"


def test_a_new_point_is_confirmed_in_its_priority_block_until_the_next_action_there(actors, seeded_db):
    with session_scope(seeded_db.sessions) as session:
        states = progress_queries.list_priority_states(session, contract_id=contract(session).id,
                                                       today=clock.today(),
                                                       neighbourhood_id=neighbourhood_id(session, "planoise"))
    first = int(states.iloc[0]["priority_id"])
    at = open_page(start(actors["contributeur"], {"q": "planoise", "section": "projet"}), "quartier")
    # what the "Nouveau point" dialog keeps before its rerun (AppTest cannot fill a dialog's form)
    at.session_state["pilotage_feedback"] = Confirmation(point_place(first), "Point d'avancement enregistré (essai).",
                                                         time.monotonic())
    at.run()
    fail_on_exception(at)
    assert [s.value for s in at.success] == ["Point d'avancement enregistré (essai)."]
    at.run()  # another run (a widget elsewhere): still there
    assert [s.value for s in at.success] == ["Point d'avancement enregistré (essai)."]
    next(b for b in at.button if b.key == f"pilotage_new_point_{first}").click().run()
    assert not at.success, "the next action on that priority takes the confirmation away"


def test_the_http_guard_knows_every_administration_page_of_the_router():
    assert {spec.url_path for spec in PAGES if spec.action == ADMIN} == ADMIN_URL_PATHS
    reader = Actor(id=1, username="lea", display_name="Léa", role="lecteur", all_neighbourhoods=False, active=True,
                   neighbourhood_ids=frozenset())
    admin = Actor(id=2, username="admin", display_name="Admin", role="administrateur", all_neighbourhoods=True,
                  active=True, neighbourhood_ids=frozenset())
    assert refused("/comptes", reader) and refused("/base/journal/", reader) and not refused("/comptes", admin)
    assert not refused("/quartier", reader) and not refused("/", reader)
    assert f"/?{refusal.PARAM}={refusal.REFUSED}" == REFUSED_TARGET

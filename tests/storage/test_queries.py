"""Reads: the shapes and figures the pages rely on."""

import datetime as dt

from sqlalchemy import func, select

from pilotage import clock
from pilotage.models import Meeting
from pilotage.queries.accounts import authenticate, get_actor, list_audit_events, list_audit_facets, list_users
from pilotage.queries.contracts import get_key_figures, list_neighbourhoods
from pilotage.services.accounts import update_user
from tests.factories import ADMIN_PASSWORD, DEFAULT_PASSWORD, admin_actor, contract, make_user, neighbourhood_id


def test_list_neighbourhoods_of_a_contract(session):
    hoods = list_neighbourhoods(session, contract_id=contract(session).id)
    assert len(hoods) == 12
    assert list(hoods["slug"][:6]) == ["planoise", "montrapon", "orchamps-palente", "clairs-soleils", "battant",
                                       "hauts-de-saint-claude"]
    planoise = hoods.set_index("slug").loc["planoise"]
    assert (planoise["name"], planoise["kind"], planoise["commune"]) == ("Planoise", "qpv", "Besançon")
    assert (planoise["population"], planoise["population_year"]) == (15378, "2018")
    assert planoise["contract"] == "Contrat de Ville de Grand Besançon Métropole 2024-2030"
    counts = hoods.set_index("slug")[["priorities", "measures"]]
    assert tuple(counts.loc["planoise"]) == (12, 30)  # projet de quartier, Pacte
    assert tuple(counts.loc["battant"]) == (11, 0)
    assert tuple(counts.loc["orchamps-palente"]) == (12, 0)
    assert tuple(counts.loc["cite-viotte"]) == (0, 0)


def test_list_neighbourhoods_of_every_contract(session):
    hoods = list_neighbourhoods(session)
    assert len(hoods) == 12 + 5 + 13  # GBM 2024-2030, Grand Belfort, GBM 2015-2023 (the cadre has none)
    assert list(hoods["contract_id"].drop_duplicates())[0] == contract(session).id  # current contract first


def test_key_figures_of_the_current_contract(session):
    gbm = contract(session)
    figures = get_key_figures(session, contract_id=gbm.id)
    assert figures.neighbourhoods_by_kind == {"qpv": 6, "fragile": 6}
    assert figures.qpv_population == 24550 == 15378 + 1674 + 3126 + 1428 + 1800 + 1144
    assert (figures.qpv_count, figures.qpv_with_population) == (6, 6)
    assert figures.priorities == 12 + 12 + 10 + 4 + 15 + 11 + 30
    assert figures.programmes == 7
    assert figures.signatories == 9
    held = session.scalar(select(func.count()).select_from(Meeting)
                          .where(Meeting.contract_id == gbm.id, Meeting.status == "tenue"))
    assert figures.meetings_held == held > 0


def test_key_figures_count_only_known_populations(session):
    figures = get_key_figures(session, contract_id=contract(session, "gbm-2015-2023").id)
    assert (figures.qpv_count, figures.qpv_with_population, figures.qpv_population) == (5, 0, 0)


def test_authenticate(session):
    admin_actor(session)
    make_user(session, role="contributeur", username="lou", neighbourhood_slugs=["battant"])
    lou = authenticate(session, "lou", DEFAULT_PASSWORD)
    assert (lou.username, lou.role, lou.active) == ("lou", "contributeur", True)
    assert lou.neighbourhood_ids == frozenset({neighbourhood_id(session, "battant")})
    assert authenticate(session, "  LOU ", DEFAULT_PASSWORD) == lou  # identifiers are trimmed and lower-cased
    assert authenticate(session, "lou", "pas-le-bon-mot-de-passe") is None
    assert authenticate(session, "personne", DEFAULT_PASSWORD) is None
    assert authenticate(session, "admin", ADMIN_PASSWORD).role == "administrateur"


def test_a_disabled_account_cannot_sign_in(session):
    lou = make_user(session, role="lecteur", username="lou")
    update_user(session, admin_actor(session), lou.id, expected_version=1, display_name="Lou", role="lecteur",
                active=False, all_neighbourhoods=False, neighbourhood_ids=[])
    assert authenticate(session, "lou", DEFAULT_PASSWORD) is None
    assert get_actor(session, lou.id) is None


def test_list_users_shows_scopes(session):
    make_user(session, role="contributeur", username="lou", neighbourhood_slugs=["battant", "planoise"])
    users = list_users(session).set_index("username")
    assert list(users.index) == ["admin", "lou"]
    assert users.loc["lou", "neighbourhoods"] == "Battant, Planoise"
    assert users.loc["admin", "role"] == "administrateur"
    assert "password_hash" not in users.columns


def test_list_audit_events_filters(session):
    make_user(session, role="lecteur", username="lou")
    every = list_audit_events(session)
    assert list(every["action"]) == ["create", "create", "seed"]  # newest first
    assert list(every["username"]) == ["admin", "système", "système"]

    assert list(list_audit_events(session, username="admin")["summary"]) == ["Création du compte lou"]
    assert list(list_audit_events(session, object_type="database")["action"]) == ["seed"]
    assert len(list_audit_events(session, object_type="user")) == 2
    assert len(list_audit_events(session, username="personne")) == 0
    assert len(list_audit_events(session, limit=1)) == 1

    today = clock.today()
    assert len(list_audit_events(session, since=today, until=today)) == 3
    assert len(list_audit_events(session, since=today + dt.timedelta(days=1))) == 0
    assert len(list_audit_events(session, until=today - dt.timedelta(days=1))) == 0
    assert list_audit_facets(session) == (["admin", "système"], ["database", "user"])

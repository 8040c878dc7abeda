"""Rights are checked by the services, whatever the UI shows."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from pilotage.errors import PermissionDenied, ValidationError
from pilotage.models import SwotAnalysis, User
from pilotage.permissions import ADMIN, EDIT, READ
from pilotage.queries.accounts import get_actor
from pilotage.services.accounts import create_user, reset_password, update_user
from pilotage.services.base import ensure_permission
from pilotage.services.swot import create_swot_analysis, create_swot_item, update_swot_item
from tests.factories import admin_actor, make_user, neighbourhood_id

ADMIN_ONLY = "Cette action est réservée aux administrateurs."
NOT_YOUR_NEIGHBOURHOOD = "Vous n'avez pas le droit de modifier les données de ce quartier."
NO_SELF_DEMOTION = "Vous ne pouvez pas retirer vos propres droits d'administrateur ni désactiver votre compte."


def new_analysis(session, actor, slug: str) -> int:
    return create_swot_analysis(session, actor, neighbourhood_id=neighbourhood_id(session, slug),
                                label="Revue de printemps 2025", dated=dt.date(2025, 4, 15))


def test_ensure_permission_refuses_in_french(session):
    reader = make_user(session, role="lecteur")
    ensure_permission(reader, READ)
    with pytest.raises(PermissionDenied, match=NOT_YOUR_NEIGHBOURHOOD):
        ensure_permission(reader, EDIT, neighbourhood_id(session, "planoise"))
    with pytest.raises(PermissionDenied, match=ADMIN_ONLY):
        ensure_permission(reader, ADMIN)
    with pytest.raises(PermissionDenied):
        ensure_permission(None, READ)


def test_a_reader_cannot_write_a_neighbourhood(session):
    reader = make_user(session, role="lecteur")
    analyses = session.scalar(select(func.count()).select_from(SwotAnalysis))
    with pytest.raises(PermissionDenied, match=NOT_YOUR_NEIGHBOURHOOD):
        new_analysis(session, reader, "planoise")
    assert session.scalar(select(func.count()).select_from(SwotAnalysis)) == analyses


def test_a_contributor_limited_to_battant_edits_battant_but_not_planoise(session):
    contributor = make_user(session, role="contributeur", neighbourhood_slugs=["battant"])
    assert new_analysis(session, contributor, "battant")
    with pytest.raises(PermissionDenied, match=NOT_YOUR_NEIGHBOURHOOD):
        new_analysis(session, contributor, "planoise")

    planoise_analysis = new_analysis(session, admin_actor(session), "planoise")
    item = create_swot_item(session, admin_actor(session), analysis_id=planoise_analysis, quadrant="forces",
                            text="Un tissu associatif dense")
    with pytest.raises(PermissionDenied, match=NOT_YOUR_NEIGHBOURHOOD):
        create_swot_item(session, contributor, analysis_id=planoise_analysis, quadrant="menaces",
                         text="Écrit par quelqu'un d'un autre quartier")
    with pytest.raises(PermissionDenied, match=NOT_YOUR_NEIGHBOURHOOD):
        update_swot_item(session, contributor, item, expected_version=1, quadrant="forces", text="Réécrit")


def test_a_contributor_of_every_neighbourhood_edits_planoise(session):
    contributor = make_user(session, role="contributeur", all_neighbourhoods=True)
    assert new_analysis(session, contributor, "planoise")


@pytest.mark.parametrize("role", ["lecteur", "contributeur"])
def test_only_an_administrator_manages_accounts(session, role):
    someone = make_user(session, role=role, all_neighbourhoods=True)
    before = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(PermissionDenied, match=ADMIN_ONLY):
        create_user(session, someone, username="intrus", display_name="Intrus", role="administrateur",
                    password="un-mot-de-passe-long")
    with pytest.raises(PermissionDenied, match=ADMIN_ONLY):
        update_user(session, someone, someone.id, expected_version=1, display_name="Moi", role="administrateur",
                    active=True, all_neighbourhoods=True, neighbourhood_ids=[])
    with pytest.raises(PermissionDenied, match=ADMIN_ONLY):
        reset_password(session, someone, admin_actor(session).id, expected_version=1,
                       new_password="un-mot-de-passe-long")
    assert session.scalar(select(func.count()).select_from(User)) == before
    assert get_actor(session, someone.id).role == role


@pytest.mark.parametrize(("role", "active"), [("contributeur", True), ("lecteur", True), ("administrateur", False)])
def test_an_administrator_cannot_demote_or_disable_themselves(session, role, active):
    admin = admin_actor(session)
    with pytest.raises(ValidationError, match=NO_SELF_DEMOTION):
        update_user(session, admin, admin.id, expected_version=1, display_name="Administrateur", role=role,
                    active=active, all_neighbourhoods=True, neighbourhood_ids=[])
    session.expire_all()
    still = get_actor(session, admin.id)
    assert (still.role, still.active) == ("administrateur", True)


def test_an_administrator_can_demote_another_administrator(session):
    other = make_user(session, role="administrateur")
    update_user(session, admin_actor(session), other.id, expected_version=1, display_name="Ancien admin",
                role="lecteur", active=True, all_neighbourhoods=False, neighbourhood_ids=[])
    assert get_actor(session, other.id).role == "lecteur"


def test_a_disabled_account_has_no_rights_any_more(session):
    contributor = make_user(session, role="contributeur", neighbourhood_slugs=["battant"])
    update_user(session, admin_actor(session), contributor.id, expected_version=1, display_name="Parti",
                role="contributeur", active=False, all_neighbourhoods=False,
                neighbourhood_ids=[neighbourhood_id(session, "battant")])
    assert get_actor(session, contributor.id) is None

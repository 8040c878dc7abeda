"""Every write leaves one audit row and bumps the data version; a refused write leaves nothing."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from pilotage import audit
from pilotage.errors import PermissionDenied, ValidationError
from pilotage.models import AuditEvent, User
from pilotage.services.accounts import create_user, reset_password, update_user
from pilotage.services.swot import create_swot_analysis, create_swot_item
from tests.factories import admin_actor, make_user, neighbourhood_id


def new_events(session, after_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)))


def last_event_id(session) -> int:
    return session.scalar(select(func.max(AuditEvent.id))) or 0


def state(session) -> tuple:
    """What a refused write must leave untouched."""
    session.expire_all()
    users = session.execute(select(User.id, User.display_name, User.role, User.active, User.version)
                            .order_by(User.id)).all()
    return last_event_id(session), audit.get_data_version(session), users


def test_updating_an_account_leaves_one_audit_row_with_before_and_after(session):
    admin = admin_actor(session)
    user = make_user(session, role="contributeur", username="camille", display_name="Camille",
                     neighbourhood_slugs=["battant"])
    last, version = last_event_id(session), audit.get_data_version(session)

    update_user(session, admin, user.id, expected_version=1, display_name="Camille Martin", role="contributeur",
                active=True, all_neighbourhoods=False,
                neighbourhood_ids=[neighbourhood_id(session, "battant"), neighbourhood_id(session, "planoise")])

    [event] = new_events(session, last)
    assert (event.user_id, event.username) == (admin.id, "admin")
    assert (event.action, event.object_type, event.object_id) == ("update", "user", user.id)
    assert event.summary == "Modification du compte camille"
    assert event.at is not None
    assert event.before["display_name"] == "Camille" and event.after["display_name"] == "Camille Martin"
    assert event.before["neighbourhoods"] == ["Battant"]
    assert event.after["neighbourhoods"] == ["Battant", "Planoise"]
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert audit.get_data_version(session) == version + 1


def test_the_password_hash_never_reaches_the_audit_trail(session):
    admin = admin_actor(session)
    last = last_event_id(session)
    user_id = create_user(session, admin, username="dominique", display_name="Dominique", role="lecteur",
                          password="premier-mot-de-passe")
    reset_password(session, admin, user_id, expected_version=1, new_password="second-mot-de-passe")
    update_user(session, admin, user_id, expected_version=2, display_name="Dominique D.", role="lecteur",
                active=True, all_neighbourhoods=False, neighbourhood_ids=[])

    events = new_events(session, last)
    assert [e.action for e in events] == ["create", "reset_password", "update"]
    reset = events[1]
    assert (reset.before, reset.after) == (None, None)
    stored_hash = session.get(User, user_id).password_hash
    for event in events:
        dumped = json.dumps([event.before, event.after, event.summary], ensure_ascii=False)
        assert "password_hash" not in dumped
        assert stored_hash not in dumped and "$argon2" not in dumped
        assert "premier-mot-de-passe" not in dumped and "second-mot-de-passe" not in dumped


def test_a_neighbourhood_write_is_audited_too(session):
    admin = admin_actor(session)
    analysis_id = create_swot_analysis(session, admin, neighbourhood_id=neighbourhood_id(session, "battant"),
                                       label="Revue d'automne 2025", dated=dt.date(2025, 10, 1))
    last, version = last_event_id(session), audit.get_data_version(session)
    item_id = create_swot_item(session, admin, analysis_id=analysis_id, quadrant="opportunites",
                               text="L'arrivée du tram")
    [event] = new_events(session, last)
    assert (event.action, event.object_type, event.object_id, event.username) == ("create", "swot_item", item_id,
                                                                                   "admin")
    assert event.before is None and event.after["text"] == "L'arrivée du tram"
    assert audit.get_data_version(session) == version + 1


def test_a_refused_write_leaves_no_audit_row_and_changes_nothing(session):
    reader = make_user(session, role="lecteur")
    before = state(session)
    with pytest.raises(PermissionDenied):
        create_user(session, reader, username="intrus", display_name="Intrus", role="administrateur",
                    password="un-mot-de-passe-long")
    with pytest.raises(PermissionDenied):
        create_swot_analysis(session, reader, neighbourhood_id=neighbourhood_id(session, "planoise"),
                             label="Non", dated=dt.date(2025, 1, 1))
    assert state(session) == before


def test_an_invalid_write_leaves_no_audit_row_and_changes_nothing(session):
    admin = admin_actor(session)
    before = state(session)
    with pytest.raises(ValidationError, match="Vous ne pouvez pas retirer vos propres droits"):
        update_user(session, admin, admin.id, expected_version=1, display_name="Administrateur",
                    role="lecteur", active=True, all_neighbourhoods=False, neighbourhood_ids=[])
    with pytest.raises(ValidationError, match="au moins 12 caractères"):
        create_user(session, admin, username="court", display_name="Court", role="lecteur", password="court")
    with pytest.raises(ValidationError, match="déjà pris"):
        create_user(session, admin, username="admin", display_name="Double", role="lecteur",
                    password="un-mot-de-passe-long")
    assert state(session) == before

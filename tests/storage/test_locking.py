"""Optimistic locking: concurrent edits never silently overwrite each other."""

import pytest
from sqlalchemy import func, select

from pilotage.errors import CONFLICT_MESSAGE, ConflictError
from pilotage.models import AuditEvent, Neighbourhood, User
from pilotage.queries.accounts import list_users
from pilotage.services.accounts import update_user
from pilotage.services.base import commit
from tests.factories import admin_actor, make_user


def edit_display_name(session, actor, user_id: int, expected_version: int, name: str) -> None:
    update_user(session, actor, user_id, expected_version=expected_version, display_name=name, role="lecteur",
                active=True, all_neighbourhoods=False, neighbourhood_ids=[])


def test_the_conflict_message_is_french_and_says_nothing_was_saved():
    assert CONFLICT_MESSAGE.startswith("Cet élément a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert.")
    assert "Rien n'a été enregistré" in CONFLICT_MESSAGE


def test_two_edits_from_the_same_version_the_second_is_refused(seeded_db):
    with seeded_db.sessions() as setup:
        admin = admin_actor(setup)
        user = make_user(setup, role="lecteur", username="alix", display_name="Alix")
        version = int(list_users(setup).set_index("id").loc[user.id, "version"])
    with seeded_db.sessions() as first, seeded_db.sessions() as second:
        edit_display_name(first, admin, user.id, version, "Alix (modifié par la première)")
        with pytest.raises(ConflictError) as refused:
            edit_display_name(second, admin, user.id, version, "Alix (modifié par la seconde)")
        assert str(refused.value) == CONFLICT_MESSAGE
    with seeded_db.sessions() as check:
        row = check.get(User, user.id)
        assert (row.display_name, row.version) == ("Alix (modifié par la première)", version + 1)
        updates = check.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.object_id == user.id, AuditEvent.action == "update"))
        assert updates == 1


def test_a_true_race_at_the_orm_level_is_caught_by_the_version_column(seeded_db):
    with seeded_db.sessions() as setup:
        user_id = make_user(setup, role="lecteur", username="sacha", display_name="Sacha").id
    with seeded_db.sessions() as first, seeded_db.sessions() as second:
        mine, theirs = first.get(User, user_id), second.get(User, user_id)
        assert mine.version == theirs.version == 1
        mine.display_name = "Sacha (première)"
        theirs.display_name = "Sacha (seconde)"
        commit(first)
        with pytest.raises(ConflictError, match="modifié par quelqu'un d'autre"):
            commit(second)
    with seeded_db.sessions() as check:
        row = check.get(User, user_id)
        assert (row.display_name, row.version) == ("Sacha (première)", 2)


def test_a_race_on_seeded_data_is_caught_too(seeded_db):
    with seeded_db.sessions() as setup:
        hood_id = setup.scalar(select(Neighbourhood.id).where(Neighbourhood.slug == "battant"))
    with seeded_db.sessions() as first, seeded_db.sessions() as second:
        first.get(Neighbourhood, hood_id).identity = "Première version"
        second.get(Neighbourhood, hood_id).identity = "Seconde version"
        commit(first)
        with pytest.raises(ConflictError):
            commit(second)
    with seeded_db.sessions() as check:
        assert check.get(Neighbourhood, hood_id).identity == "Première version"


def test_an_edit_from_the_current_version_after_a_conflict_succeeds(session):
    admin = admin_actor(session)
    user = make_user(session, role="lecteur", username="noa", display_name="Noa")
    edit_display_name(session, admin, user.id, 1, "Noa 2")
    with pytest.raises(ConflictError):
        edit_display_name(session, admin, user.id, 1, "Noa 3 (périmé)")
    edit_display_name(session, admin, user.id, 2, "Noa 3")
    session.expire_all()
    assert session.get(User, user.id).display_name == "Noa 3"

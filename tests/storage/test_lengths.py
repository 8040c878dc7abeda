"""Text longer than its column is refused in French by the service, on SQLite as on PostgreSQL.

SQLite stores any length; PostgreSQL refuses with a DataError whose message echoes the row, a password hash
included. The services check every length against the models' column sizes before the database sees it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from pilotage import clock
from pilotage.errors import ValidationError
from pilotage.models import AuditEvent, Priority, PriorityUpdate, Programme, SwotAnalysis, SwotItem, User
from pilotage.progress import PointInput
from pilotage.services import accounts, progress, swot
from pilotage.services.accounts import DISPLAY_NAME_MAX_LENGTH
from tests.factories import admin_actor, make_user, neighbourhood_id


def audit_rows(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_display_name_longer_than_its_column_is_refused_in_french_and_nothing_is_written(session):
    admin = admin_actor(session)
    before = (session.scalar(select(func.count()).select_from(User)), audit_rows(session))

    with pytest.raises(ValidationError) as refused:
        accounts.create_user(session, admin, username="long.nom", display_name="N" * 500, role="lecteur",
                             password="Un-mot-de-passe-solide-42")

    message = str(refused.value)
    assert "Nom affiché" in message and f"{DISPLAY_NAME_MAX_LENGTH} caractères au plus" in message
    assert "argon2" not in message and "Un-mot-de-passe" not in message, "a refusal never echoes a secret"
    session.rollback()
    assert (session.scalar(select(func.count()).select_from(User)), audit_rows(session)) == before


def test_a_point_author_longer_than_its_column_is_refused(session):
    admin = admin_actor(session)
    priority_id = session.scalar(select(Priority.id).join(Programme).where(
        Programme.neighbourhood_id == neighbourhood_id(session, "battant")).order_by(Priority.position))
    before = session.scalar(select(func.count()).select_from(PriorityUpdate))

    with pytest.raises(ValidationError, match="Auteur du point : 200 caractères au plus"):
        progress.record_point(session, admin, PointInput(priority_id=priority_id, recorded_on=clock.today(),
                                                         weather="atteignable", author="A" * 201))

    session.rollback()
    assert session.scalar(select(func.count()).select_from(PriorityUpdate)) == before


def test_the_longest_display_name_still_fits_the_texts_built_from_it(session):
    writer = make_user(session, username="nom.long", display_name="É" * DISPLAY_NAME_MAX_LENGTH,
                       neighbourhood_slugs=["planoise"])
    analysis_id = session.scalar(select(SwotAnalysis.id).where(
        SwotAnalysis.neighbourhood_id == neighbourhood_id(session, "planoise")).order_by(SwotAnalysis.id))

    item_id = swot.create_swot_item(session, writer, analysis_id=analysis_id, quadrant="forces",
                                    text="Un élément saisi par quelqu'un au très long nom")
    copy_id = swot.create_swot_analysis(session, writer, neighbourhood_id=neighbourhood_id(session, "planoise"),
                                        label="Copie", dated=clock.today(), copy_from_id=analysis_id)

    assert session.get(SwotItem, item_id).source.startswith("Saisi par ÉÉÉ")
    assert session.get(SwotAnalysis, copy_id).id



def test_a_database_error_never_carries_the_row_it_refused(empty_db):
    # Should a write reach the database unchecked, its error message names no value (hide_parameters):
    # PostgreSQL refuses the over-long name; SQLite stores it, and then there is no message at all.
    secret = "$argon2id$v=19$m=65536$ne-doit-pas-sortir"
    statement = text("INSERT INTO app_user (username, display_name, password_hash, role, active, "
                     "all_neighbourhoods, version) VALUES ('x', :name, :hash, 'lecteur', true, false, 1)")
    try:
        with empty_db.engine.begin() as connection:
            connection.execute(statement, {"name": "N" * 500, "hash": secret})
    except DBAPIError as exc:
        assert secret not in str(exc) and "NNNN" not in str(exc)
        assert empty_db.backend == "postgresql"
    else:
        assert empty_db.backend == "sqlite"

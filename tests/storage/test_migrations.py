"""Migrations: upgrading an empty database gives exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from pilotage import migrate
from pilotage.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from pilotage.models import Base


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_an_empty_database_matches_the_models(make_database):
    database = make_database("blank")
    assert inspect(database.engine).get_table_names() == []
    migrate.upgrade(database.engine)
    assert schema_differences(database.engine) == []
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_stamps_the_head_revision_and_is_idempotent(empty_db):
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    migrate.upgrade(empty_db.engine)  # a second run is a no-op
    with empty_db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
    assert schema_differences(empty_db.engine) == []


def test_the_migrated_database_enforces_foreign_keys(empty_db):
    # SQLite ignores foreign keys unless the engine turns them on; PostgreSQL always checks them.
    with empty_db.engine.connect() as connection, pytest.raises(IntegrityError, match="(?i)foreign key"):
        connection.execute(text(
            "INSERT INTO neighbourhood (contract_id, slug, name, kind, commune, geometry_approximate, "
            "position, version, illustrative) VALUES (999, 'x', 'X', 'qpv', 'Y', true, 0, 1, false)"
        ))


def test_sqlite_file_databases_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'pilotage.sqlite3'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert (tmp_path / "nested" / "pilotage.sqlite3").exists()  # the folder is created
    finally:
        engine.dispose()


def test_every_pooled_sqlite_connection_gets_the_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pilotage.sqlite3'}")
    try:
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    finally:
        engine.dispose()

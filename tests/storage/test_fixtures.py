"""The database fixtures themselves: fresh, independent, of the active backend."""

import sqlite3

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from pilotage.db import make_engine
from pilotage.models import Contract, User
from tests.factories import make_user


def count(database, model) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_databases_are_of_the_active_backend_and_independent(make_database, database_backend):
    first, second = make_database("seeded"), make_database("seeded")
    assert first.url != second.url
    assert make_url(first.url).get_backend_name() == database_backend.name
    with first.sessions() as session:
        make_user(session, role="lecteur", username="seulement-ici")
    assert count(first, User) == 2  # the initial administrator and the new account
    assert count(second, User) == 0


def test_empty_and_blank_databases(make_database):
    empty, blank = make_database("empty"), make_database("blank")
    assert count(empty, Contract) == 0
    assert "contract" in inspect(empty.engine).get_table_names()
    assert inspect(blank.engine).get_table_names() == []


def test_seeded_url_holds_the_seed(seeded_url):
    engine = make_engine(seeded_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Contract)) == 4
    finally:
        engine.dispose()


def test_seeded_sqlite_file_is_a_complete_file_whatever_the_backend(seeded_sqlite_file):
    path, url = seeded_sqlite_file
    assert url == f"sqlite:///{path}"
    assert not path.with_name(path.name + "-wal").exists()  # everything is in the file itself
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT count(*) FROM contract").fetchone() == (4,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()

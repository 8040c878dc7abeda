"""Shared fixtures: a fresh database per test, on SQLite by default or on PostgreSQL when asked.

Backend: SQLite files under pytest's temporary directory, unless PILOTAGE_TEST_DATABASE_URL names a
PostgreSQL server on which the user may CREATE DATABASE (the database in the URL is only used to connect;
every test gets its own database, dropped afterwards).

Fixtures, each a fresh database of the active backend:
  empty_db / empty_url / empty_engine / empty_session      migrated, no data
  seeded_db / seeded_url / seeded_engine / seeded_session  migrated and seeded from data/
  session                                                  = seeded_session (the common case)
  make_database(state)                                     factory: "blank" (not even migrated), "empty", "seeded"
  seeded_sqlite_file                                       (path, url) of a seeded SQLite file, whatever the backend

The calendar: every test runs on the day PILOTAGE_TODAY names (the system's day when unset); a test that
assumes a date pins it with `pin_today(day)`, which also reaches the app that AppTest or a server runs.

Password hashing uses cheap argon2id parameters in tests (a real hash costs 0.2 s); a test marked
`real_password_hashing` keeps the production parameters.

In CI (CI=true) a skipped test fails the run: every test must really run there.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from pilotage import clock, migrate, seed
from pilotage.db import make_engine, make_session_factory
from pilotage.settings import PROJECT_ROOT, Settings

DATA_DIR = PROJECT_ROOT / "data"
TEST_DATABASE_URL_ENV = "PILOTAGE_TEST_DATABASE_URL"
STATES = ("blank", "empty", "seeded")


# Backends ------------------------------------------------------------------------------------


class SqliteBackend:
    """One SQLite file per database; templates are files copied per test."""

    name = "sqlite"

    def __init__(self, root: Path):
        self.root = root

    def create(self, template: str | None = None) -> str:
        path = self.root / f"db-{uuid.uuid4().hex[:12]}.sqlite3"
        if template is not None:
            shutil.copyfile(make_url(template).database, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        database = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)

    def freeze(self, url: str) -> None:
        """Fold the WAL into the main file so that copying the file alone copies everything."""
        connection = sqlite3.connect(make_url(url).database)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    def close(self) -> None:
        pass


class PostgresBackend:
    """One database per test, created from a template database and dropped afterwards."""

    name = "postgresql"

    def __init__(self, server_url: str):
        self.server_url = make_url(server_url)
        self.admin = self._admin_engine()
        self.prefix = f"pilotage_test_{uuid.uuid4().hex[:8]}"

    def _admin_engine(self) -> Engine:
        """An AUTOCOMMIT engine (CREATE/DROP DATABASE refuse transactions) on the URL's database or `postgres`."""
        for database in dict.fromkeys([self.server_url.database, "postgres"]):
            engine = create_engine(self.server_url.set(database=database), isolation_level="AUTOCOMMIT",
                                   poolclass=NullPool)
            try:
                engine.connect().close()
                return engine
            except OperationalError:
                engine.dispose()
        raise RuntimeError(f"{TEST_DATABASE_URL_ENV}: cannot connect to {self.describe()}")

    def describe(self) -> str:
        shown = self.server_url.render_as_string(hide_password=True)
        return f"postgresql ({shown}; one database per test)"

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        statement = f'CREATE DATABASE "{name}"'
        if template is not None:
            source = make_url(template).database
            self._terminate(source)  # a template must have no other connection
            statement += f' TEMPLATE "{source}"'
        with self.admin.connect() as connection:
            connection.execute(text(statement))
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._terminate(name)
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))

    def freeze(self, url: str) -> None:
        pass

    def _terminate(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": name},
            )

    def close(self) -> None:
        self.admin.dispose()


def _server_url() -> str | None:
    return os.environ.get(TEST_DATABASE_URL_ENV) or None


# Databases -----------------------------------------------------------------------------------


@dataclass
class TestDatabase:
    """A database made for one test: its URL, its engine and a session factory on it."""

    __test__ = False  # not a test class, despite its name

    url: str
    backend: str
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.url)
        self.sessions = make_session_factory(self.engine)

    @property
    def path(self) -> Path | None:
        """The file of a SQLite database (None on PostgreSQL)."""
        return Path(make_url(self.url).database) if self.backend == "sqlite" else None


def _build_template(backend, state: str) -> str:
    url = backend.create()
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        if state == "seeded":
            with make_session_factory(engine)() as session:
                seed.load_seed(session, DATA_DIR)
    finally:
        engine.dispose()
    backend.freeze(url)
    return url


class Templates:
    """Databases built once per test session (migrated, seeded) and copied for each test."""

    def __init__(self, backend):
        self.backend = backend
        self.urls: dict[str, str] = {}

    def get(self, state: str) -> str:
        if state not in self.urls:
            self.urls[state] = _build_template(self.backend, state)
        return self.urls[state]

    def close(self) -> None:
        for url in self.urls.values():
            self.backend.drop(url)


@pytest.fixture(scope="session")
def database_backend(tmp_path_factory) -> Iterator[SqliteBackend | PostgresBackend]:
    """The active backend: SQLite unless PILOTAGE_TEST_DATABASE_URL is set."""
    server = _server_url()
    backend = PostgresBackend(server) if server else SqliteBackend(tmp_path_factory.mktemp("databases"))
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def database_templates(database_backend) -> Iterator[Templates]:
    templates = Templates(database_backend)
    yield templates
    templates.close()


@pytest.fixture
def make_database(database_backend, database_templates) -> Iterator[Callable[[str], TestDatabase]]:
    """Factory: make_database("blank" | "empty" | "seeded") -> a new TestDatabase, disposed and dropped after."""
    made: list[TestDatabase] = []

    def make(state: str = "empty") -> TestDatabase:
        if state not in STATES:
            raise ValueError(f"unknown database state {state!r}; expected one of {STATES}")
        template = None if state == "blank" else database_templates.get(state)
        database = TestDatabase(database_backend.create(template), database_backend.name)
        made.append(database)
        return database

    yield make
    for database in made:
        database.engine.dispose()
        database_backend.drop(database.url)


@pytest.fixture
def empty_db(make_database) -> TestDatabase:
    """A fresh database, migrated, without data."""
    return make_database("empty")


@pytest.fixture
def seeded_db(make_database) -> TestDatabase:
    """A fresh database holding the seed of data/."""
    return make_database("seeded")


@pytest.fixture
def empty_url(empty_db) -> str:
    return empty_db.url


@pytest.fixture
def seeded_url(seeded_db) -> str:
    """URL of a fresh seeded database of the active backend (for AppTest and server tests)."""
    return seeded_db.url


@pytest.fixture
def empty_engine(empty_db) -> Engine:
    return empty_db.engine


@pytest.fixture
def seeded_engine(seeded_db) -> Engine:
    return seeded_db.engine


@pytest.fixture
def empty_session(empty_db) -> Iterator[Session]:
    with empty_db.sessions() as session:
        yield session


@pytest.fixture
def seeded_session(seeded_db) -> Iterator[Session]:
    with seeded_db.sessions() as session:
        yield session


@pytest.fixture
def session(seeded_session) -> Session:
    """A session on a fresh seeded database."""
    return seeded_session


@pytest.fixture(scope="session")
def _sqlite_seeded_template(database_backend, tmp_path_factory) -> str | None:
    if isinstance(database_backend, SqliteBackend):
        return None  # the backend's own template serves
    return _build_template(SqliteBackend(tmp_path_factory.mktemp("sqlite-template")), "seeded")


@pytest.fixture
def seeded_sqlite_file(database_backend, database_templates, _sqlite_seeded_template, tmp_path):
    """(path, url) of a fresh seeded SQLite file, whatever the active backend (for a server subprocess)."""
    template = _sqlite_seeded_template or database_templates.get("seeded")
    path = tmp_path / "pilotage.sqlite3"
    shutil.copyfile(make_url(template).database, path)
    return path, f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def fast_password_hashing(request, monkeypatch) -> None:
    """Argon2id with the cheapest parameters: the same code paths, a thousand times faster."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr("pilotage.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(autouse=True)
def _restore_clock() -> Iterator[None]:
    """Each test starts on the suite's day, whatever an earlier test or app run pinned."""
    suite_day = Settings.from_env(os.environ).today
    clock.pin(suite_day)
    yield
    clock.pin(suite_day)


@pytest.fixture
def pin_today(monkeypatch) -> Callable[[dt.date], dt.date]:
    """pin_today(day): the domain's clock, the app under AppTest and servers started afterwards see `day`."""

    def pin(day: dt.date) -> dt.date:
        monkeypatch.setenv("PILOTAGE_TODAY", day.isoformat())
        clock.pin(day)
        return day

    return pin


# Hooks ---------------------------------------------------------------------------------------


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "real_password_hashing: hash passwords with the production parameters")


def pytest_report_header(config) -> str:
    server = _server_url()
    if server:
        shown = make_url(server).render_as_string(hide_password=True)
        return f"pilotage database backend: postgresql ({shown}; a database per test)"
    return "pilotage database backend: sqlite (a file per test; set PILOTAGE_TEST_DATABASE_URL for PostgreSQL)"


_skipped: list[str] = []


def _record_skip(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_runtest_logreport(report) -> None:
    _record_skip(report)


def pytest_collectreport(report) -> None:
    _record_skip(report)


def pytest_sessionfinish(session, exitstatus) -> None:
    """In CI a skip is a failure: a test that cannot run there proves nothing."""
    if os.environ.get("CI") != "true" or not _skipped:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "skipped tests fail the run in CI (CI=true)", red=True)
        for line in _skipped:
            reporter.write_line(f"SKIPPED {line}")
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

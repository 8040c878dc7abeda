"""First run: bootstrap.prepare migrates, seeds and creates the administrator, once."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from pilotage import audit
from pilotage.bootstrap import Runtime, prepare
from pilotage.models import AuditEvent, Contract, Neighbourhood, Priority, User
from pilotage.queries.accounts import authenticate
from pilotage.settings import Settings

DATA_DIR = Settings().data_dir
ALREADY_FILLED = "Base déjà remplie : 4 contrats, 30 quartiers ; données d'exemple non rechargées."
GENERATED = re.compile(r"^Compte administrateur créé : identifiant « admin », mot de passe : (\S+)$")


@pytest.fixture
def run_prepare(make_database) -> Iterator:
    """prepare() on a blank database of the active backend; returns (runtime, logged lines)."""
    url = make_database("blank").url
    runtimes: list[Runtime] = []

    def run(admin_password: str | None = None) -> tuple[Runtime, list[str]]:
        lines: list[str] = []
        runtime = prepare(Settings(database_url=url, admin_password=admin_password, data_dir=DATA_DIR),
                          log=lines.append)
        runtimes.append(runtime)
        return runtime, lines

    yield run
    for runtime in runtimes:
        runtime.engine.dispose()


def counts(runtime: Runtime) -> dict[str, int]:
    with runtime.sessions() as session:
        result = {model.__name__: session.scalar(select(func.count()).select_from(model))
                  for model in (Contract, Neighbourhood, Priority, User, AuditEvent)}
        result["data_version"] = audit.get_data_version(session)
        return result


def test_prepare_migrates_seeds_and_prints_a_generated_admin_password_once(run_prepare):
    runtime, lines = run_prepare()
    found = counts(runtime)
    assert found["Contract"] == 4 and found["Neighbourhood"] == 30 and found["User"] == 1
    assert lines[0] == (f"Données initiales chargées : 4 contrats, 30 quartiers, {found['Priority']} priorités.")
    passwords = [m.group(1) for m in map(GENERATED.match, lines) if m]
    assert len(passwords) == 1
    assert sum(passwords[0] in line for line in lines) == 1  # shown once, never repeated
    assert "Ce mot de passe ne sera plus affiché. Changez-le depuis la page Comptes." in lines
    with runtime.sessions() as session:
        admin = authenticate(session, "admin", passwords[0])
        assert admin is not None and admin.role == "administrateur"
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["seed", "create"]


def test_prepare_uses_the_configured_admin_password_without_printing_it(run_prepare):
    runtime, lines = run_prepare(admin_password="Un-vrai-secret-2024")
    assert not any("Un-vrai-secret-2024" in line for line in lines)
    assert not any(GENERATED.match(line) for line in lines)
    with runtime.sessions() as session:
        assert authenticate(session, "admin", "Un-vrai-secret-2024") is not None


def test_a_second_prepare_changes_nothing(run_prepare):
    first, _ = run_prepare()
    before = counts(first)
    second, lines = run_prepare()
    assert lines == [ALREADY_FILLED]
    assert counts(second) == before


def test_a_restart_never_resets_the_admin_password(run_prepare):
    run_prepare(admin_password="Un-vrai-secret-2024")
    second, lines = run_prepare(admin_password="Un-autre-secret-2025")
    assert lines == [ALREADY_FILLED]
    with second.sessions() as session:
        assert authenticate(session, "admin", "Un-vrai-secret-2024") is not None
        assert authenticate(session, "admin", "Un-autre-secret-2025") is None

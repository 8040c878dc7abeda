"""Back up a seeded database, restore it into an empty one: every table holds the same rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, table

from pilotage import backup
from pilotage.__main__ import main
from pilotage.models import Base


def row_counts(engine) -> dict[str, int]:
    names = inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in sorted(names)}


def test_a_backup_restored_into_an_empty_database_has_every_row(seeded_db, make_database, tmp_path):
    target = make_database("blank")
    seeded_db.engine.dispose()

    written = backup.backup(seeded_db.url, tmp_path / "sauvegarde.bin")
    backup.restore(target.url, written)

    before, after = row_counts(seeded_db.engine), row_counts(target.engine)
    assert set(Base.metadata.tables) <= set(after)
    assert after == before
    assert after["priority_update"] > 500 and after["neighbourhood"] == 30


def test_restoring_into_a_database_that_holds_data_is_refused_and_changes_nothing(seeded_db, empty_db, tmp_path):
    written = backup.backup(seeded_db.url, tmp_path / "sauvegarde.bin")
    before = row_counts(empty_db.engine)

    with pytest.raises(backup.BackupError, match="La base de destination n'est pas vide"):
        backup.restore(empty_db.url, written)

    assert row_counts(empty_db.engine) == before


def test_the_command_line_backs_up_and_restores(seeded_db, make_database, tmp_path, monkeypatch, capsys):
    target = make_database("blank")
    monkeypatch.setenv("DATABASE_URL", seeded_db.url)
    assert main(["backup", str(tmp_path / "sauvegarde.bin")]) == 0
    monkeypatch.setenv("DATABASE_URL", target.url)
    assert main(["restore", str(tmp_path / "sauvegarde.bin")]) == 0
    assert main(["restore", str(tmp_path / "absente.bin")]) == 1
    assert "introuvable" in capsys.readouterr().err
    assert row_counts(target.engine)["contract"] == 4

"""Backups of the database and their restoration into an empty database.

SQLite: SQLite's online backup API, which copies a consistent image while the app keeps running (a plain
file copy could catch a write half done). PostgreSQL: pg_dump's custom format and pg_restore, in one
transaction; both come with the PostgreSQL client package.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url

from pilotage import clock
from pilotage.db import make_engine


class BackupError(Exception):
    """A backup or a restoration could not be done; the message says why, in French."""


def default_path(database_url: str, folder: Path) -> Path:
    """var/sauvegardes/pilotage-20261202-0930.sqlite3 (or .dump for PostgreSQL)."""
    suffix = ".sqlite3" if make_url(database_url).get_backend_name() == "sqlite" else ".dump"
    return folder / f"pilotage-{clock.now().astimezone(clock.PARIS):%Y%m%d-%H%M%S}{suffix}"


def backup(database_url: str, target: Path) -> Path:
    """Write a backup of the database to `target`; return it."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", *_target(url)],
             url, "la sauvegarde")
    return target


def restore(database_url: str, source: Path) -> None:
    """Restore a backup into an empty database (refuse one that holds tables: nothing is overwritten)."""
    if not source.is_file():
        raise BackupError(f"La sauvegarde « {source} » est introuvable.")
    engine = make_engine(database_url)
    try:
        _ensure_empty(engine)
    finally:
        engine.dispose()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as backup_file, sqlite3.connect(url.database) as database:
            backup_file.backup(database)
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
              *_target(url, flag="--dbname"), str(source)], url, "la restauration")


def _ensure_empty(engine: Engine) -> None:
    tables = inspect(engine).get_table_names()
    if tables:
        raise BackupError(f"La base de destination n'est pas vide ({len(tables)} tables) : restaurez dans une base "
                          "neuve, puis pointez DATABASE_URL sur elle. Rien n'a été modifié.")


def _target(url: URL, flag: str = "--dbname") -> list[str]:
    args = [f"{flag}={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args


def _run(command: list[str], url: URL, what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} est introuvable : installez le client PostgreSQL (paquet "
                          "postgresql-client) pour faire " + what + ".")
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    result = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise BackupError(f"Échec de {what} ({command[0]}) : {result.stderr.strip()[-500:]}")

"""Command line.

    python -m pilotage setup [--sans-exemple]   migrate, seed an empty database (not with --sans-exemple or
                                                PILOTAGE_SEED=none), create the first administrator
    python -m pilotage backup [FILE]            back the database up (default: var/sauvegardes/pilotage-<date>.<ext>)
    python -m pilotage restore FILE             restore a backup into an empty database
"""

import dataclasses
import os
import sys
from pathlib import Path

from pilotage import backup, clock
from pilotage.bootstrap import prepare
from pilotage.seed_files import SeedDataError
from pilotage.settings import PROJECT_ROOT, Settings, SettingsError

BACKUP_FOLDER = PROJECT_ROOT / "var" / "sauvegardes"
NO_EXAMPLES = "--sans-exemple"


def _usage_error(command: str, args: list[str]) -> bool:
    if command == "setup":
        return any(arg != NO_EXAMPLES for arg in args)
    if command == "restore":
        return len(args) != 1
    return command != "backup"


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if _usage_error(command, args):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    clock.pin(settings.today)
    if command == "setup":
        if NO_EXAMPLES in args:
            settings = dataclasses.replace(settings, seed_examples=False)
        try:
            prepare(settings)
        except SeedDataError as exc:
            print(f"{exc}\nRien n'a été chargé : corrigez le fichier puis relancez « python -m pilotage setup ».",
                  file=sys.stderr)
            return 1
        return 0
    try:
        if command == "backup":
            target = Path(args[0]) if args else backup.default_path(settings.database_url, BACKUP_FOLDER)
            print(f"Sauvegarde écrite : {backup.backup(settings.database_url, target)}")
        else:
            backup.restore(settings.database_url, Path(args[0]))
            print(f"Sauvegarde « {args[0]} » restaurée.")
    except backup.BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

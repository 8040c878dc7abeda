"""Command line.

    python -m pilotage setup            migrate, seed an empty database, create the first administrator
    python -m pilotage backup [FILE]    back the database up (default: var/sauvegardes/pilotage-<date>.<ext>)
    python -m pilotage restore FILE     restore a backup into an empty database
"""

import os
import sys
from pathlib import Path

from pilotage import backup, clock
from pilotage.bootstrap import prepare
from pilotage.settings import PROJECT_ROOT, Settings

BACKUP_FOLDER = PROJECT_ROOT / "var" / "sauvegardes"


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command not in ("setup", "backup", "restore") or (command == "restore" and len(args) != 1):
        print(__doc__, file=sys.stderr)
        return 2
    settings = Settings.from_env(os.environ)
    clock.pin(settings.today)
    if command == "setup":
        prepare(settings)
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

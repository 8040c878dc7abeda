"""Command line: `python -m pilotage setup` migrates, seeds and creates the first administrator."""

import os
import sys

from pilotage import clock
from pilotage.bootstrap import prepare
from pilotage.settings import Settings


def main(argv: list[str]) -> int:
    if argv[:1] != ["setup"]:
        print("usage: python -m pilotage setup", file=sys.stderr)
        return 2
    settings = Settings.from_env(os.environ)
    clock.pin(settings.today)
    prepare(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

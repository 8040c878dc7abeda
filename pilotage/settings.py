"""The one Settings object, built from an environment mapping by the entry points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pilotage import clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'pilotage.sqlite3'}"
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "admin", "password", "motdepasse"}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    admin_password: str | None = None
    environment: str = "development"
    data_dir: Path = PROJECT_ROOT / "data"
    map_style: str | None = None  # base map style URL; none: maps draw their layers on a blank ground
    today: dt.date | None = None  # a pinned calendar day (demos, tests); none: the system clock

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read PILOTAGE_* and DATABASE_URL; refuse a placeholder admin password outside development."""
        settings = cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            admin_password=env.get("PILOTAGE_ADMIN_PASSWORD") or None,
            environment=env.get("PILOTAGE_ENV", "development"),
            map_style=env.get("PILOTAGE_MAP_STYLE") or None,
            today=_pinned_day(env.get("PILOTAGE_TODAY")),
        )
        if (
            settings.environment != "development"
            and settings.admin_password is not None
            and settings.admin_password.lower() in PLACEHOLDER_SECRETS
        ):
            raise SettingsError("PILOTAGE_ADMIN_PASSWORD holds a placeholder value outside development.")
        return settings


def _pinned_day(value: str | None) -> dt.date | None:
    if not value or not value.strip():
        return None
    try:
        return clock.parse_day(value)
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc

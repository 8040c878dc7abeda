"""The one Settings object, built from an environment mapping by the entry points."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pilotage import clock
from pilotage.password_policy import password_problems

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'pilotage.sqlite3'}"
DEFAULT_SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "admin", "password", "motdepasse"}
MIN_SECRET_KEY_LENGTH = 32
SEED_CHOICES = {"exemple": True, "none": False}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class SsoProvider:
    """A single sign-on provider (OpenID Connect) as the secrets file declares it."""

    name: str  # in URLs: /connexion/sso/<name>
    label: str  # on the button: "ProConnect", "Keycloak", "Microsoft Entra ID"
    server_metadata_url: str  # the provider's /.well-known/openid-configuration
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    admin_password: str | None = None
    environment: str = "development"
    data_dir: Path = PROJECT_ROOT / "data"
    map_style: str | None = None  # base map style URL; none: maps draw their layers on a blank ground
    today: dt.date | None = None  # a pinned calendar day (demos, tests); none: the system clock
    secret_key: str | None = None  # signs session cookies; none: a key generated once, kept in the database
    public_url: str | None = None  # the address users type, behind a proxy (single sign-on return address)
    sso_providers: tuple[SsoProvider, ...] = field(default_factory=tuple)
    seed_examples: bool = True  # load data/ into an empty database; PILOTAGE_SEED=none starts with no contract

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read PILOTAGE_*, DATABASE_URL and the secrets file; refuse weak secrets outside development."""
        secrets_file = Path(env.get("PILOTAGE_SECRETS_FILE") or DEFAULT_SECRETS_FILE)
        settings = cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            admin_password=env.get("PILOTAGE_ADMIN_PASSWORD") or None,
            environment=env.get("PILOTAGE_ENV", "development"),
            map_style=env.get("PILOTAGE_MAP_STYLE") or None,
            today=_pinned_day(env.get("PILOTAGE_TODAY")),
            secret_key=env.get("PILOTAGE_SECRET_KEY") or None,
            public_url=(env.get("PILOTAGE_PUBLIC_URL") or "").rstrip("/") or None,
            sso_providers=read_sso_providers(secrets_file),
            data_dir=Path(env["PILOTAGE_DATA_DIR"]) if env.get("PILOTAGE_DATA_DIR") else PROJECT_ROOT / "data",
            seed_examples=_seed_examples(env.get("PILOTAGE_SEED")),
        )
        if settings.environment != "development":
            _refuse_weak_secrets(settings)
        return settings


def _refuse_weak_secrets(settings: Settings) -> None:
    password = settings.admin_password
    if password is not None and (password.lower() in PLACEHOLDER_SECRETS
                                 or password_problems(password, username="admin")):
        raise SettingsError("PILOTAGE_ADMIN_PASSWORD is a placeholder or a weak password outside development: "
                            "use at least 12 characters, not a common password.")
    key = settings.secret_key
    if key is not None and (key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_KEY_LENGTH):
        raise SettingsError(f"PILOTAGE_SECRET_KEY must be a random value of at least {MIN_SECRET_KEY_LENGTH} "
                            "characters outside development.")


def read_sso_providers(path: Path) -> tuple[SsoProvider, ...]:
    """The [sso.<name>] tables of the secrets file (none when the file is absent)."""
    if not path.is_file():
        return ()
    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8")).get("sso", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path.name} is not valid TOML: {exc}") from exc
    providers = []
    for name, values in declared.items():
        missing = [k for k in ("server_metadata_url", "client_id", "client_secret") if not values.get(k)]
        if missing:
            raise SettingsError(f"{path.name}: [sso.{name}] lacks {', '.join(missing)}")
        providers.append(SsoProvider(name=name, label=values.get("label", name),
                                     server_metadata_url=values["server_metadata_url"],
                                     client_id=values["client_id"], client_secret=values["client_secret"],
                                     scopes=values.get("scopes", "openid email profile")))
    return tuple(providers)


def _seed_examples(value: str | None) -> bool:
    choice = (value or "exemple").strip().lower()
    if choice not in SEED_CHOICES:
        raise SettingsError(f"PILOTAGE_SEED vaut « {value} » : indiquez « exemple » (données d'exemple chargées dans "
                            "une base vide, le défaut) ou « none » (base vide, seul le compte administrateur).")
    return SEED_CHOICES[choice]


def _pinned_day(value: str | None) -> dt.date | None:
    if not value or not value.strip():
        return None
    try:
        return clock.parse_day(value)
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc

"""The one Settings object, built from an environment mapping."""

import pytest

from pilotage.settings import DEFAULT_DATABASE_URL, PROJECT_ROOT, Settings, SettingsError


def test_default_database_is_the_sqlite_file_in_var():
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'pilotage.sqlite3'}"
    assert settings.environment == "development"
    assert settings.admin_password is None
    assert settings.data_dir == PROJECT_ROOT / "data"


def test_database_url_wins():
    url = "postgresql+psycopg://pilotage@db:5432/pilotage"
    assert Settings.from_env({"DATABASE_URL": url}).database_url == url


def test_an_empty_database_url_falls_back_to_sqlite():
    assert Settings.from_env({"DATABASE_URL": ""}).database_url == DEFAULT_DATABASE_URL


def test_admin_password_and_environment_are_read():
    settings = Settings.from_env({"PILOTAGE_ADMIN_PASSWORD": "Vraiment-solide-42", "PILOTAGE_ENV": "production"})
    assert settings.admin_password == "Vraiment-solide-42"
    assert settings.environment == "production"


@pytest.mark.parametrize("placeholder", ["changeme", "ChangeMe", "admin", "password", "motdepasse", "change-me"])
def test_a_placeholder_admin_password_is_refused_outside_development(placeholder):
    with pytest.raises(SettingsError, match="PILOTAGE_ADMIN_PASSWORD"):
        Settings.from_env({"PILOTAGE_ADMIN_PASSWORD": placeholder, "PILOTAGE_ENV": "production"})


def test_a_placeholder_admin_password_is_tolerated_in_development():
    assert Settings.from_env({"PILOTAGE_ADMIN_PASSWORD": "changeme"}).admin_password == "changeme"


def test_no_admin_password_outside_development_means_a_generated_one():
    assert Settings.from_env({"PILOTAGE_ENV": "production"}).admin_password is None

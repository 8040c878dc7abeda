"""Rules of access without a database: the password policy, session tokens and lifetimes, the throttle."""

import datetime as dt

import pytest

from pilotage import access
from pilotage.password_policy import MIN_LENGTH, common_passwords, password_problems
from pilotage.settings import Settings, SettingsError

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("password", ["1234567890", "azertyuiop123", "Motdepasse2024!", "motdepasse",
                                      "aaaaaaaaaaaaaaaa", "abcdefghijklmn", "Password123!", "Besancon-2030"])
def test_common_or_trivial_passwords_are_refused(password):
    assert password_problems(password, username="lea.lecture")


def test_a_password_must_be_long_and_must_not_hold_the_username():
    assert password_problems("Court-1", username="lea") == [
        f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères (7 saisis)."]
    assert password_problems("lea.lecture-2024-sure", username="lea.lecture") == [
        "Le mot de passe ne doit pas contenir l'identifiant du compte."]
    assert password_problems("quatre mots pour un accès", username="lea.lecture") == []


def test_the_common_password_list_ships_with_the_package():
    common = common_passwords()
    assert len(common) > 20_000 and {"azerty", "motdepasse", "1234567890", "password"} <= common


def test_production_refuses_a_weak_bootstrap_password_or_signing_key():
    with pytest.raises(SettingsError, match="PILOTAGE_ADMIN_PASSWORD"):
        Settings.from_env({"PILOTAGE_ENV": "production", "PILOTAGE_ADMIN_PASSWORD": "abc"})
    with pytest.raises(SettingsError, match="PILOTAGE_SECRET_KEY"):
        Settings.from_env({"PILOTAGE_ENV": "production", "PILOTAGE_SECRET_KEY": "court"})
    assert Settings.from_env({"PILOTAGE_ENV": "development", "PILOTAGE_ADMIN_PASSWORD": "abc"}).admin_password


def test_a_token_is_signed_and_a_tampered_cookie_is_worthless():
    token = access.new_token()
    value = access.sign(token, "clé-de-test")
    assert access.unsign(value, "clé-de-test") == token
    assert access.unsign(value, "une-autre-clé") is None
    assert access.unsign(value[:-1] + ("0" if value[-1] != "0" else "1"), "clé-de-test") is None
    for junk in (None, "", "sans-point", "a.b.c"):
        assert access.unsign(junk, "clé-de-test") is None
    assert access.token_hash(token) != token and len(access.token_hash(token)) == 64


def times(last_seen: dt.datetime, revoked: dt.datetime | None = None) -> access.SessionTimes:
    return access.SessionTimes(T0, last_seen, T0 + access.ABSOLUTE_LIFETIME, revoked)


def test_a_session_ends_after_its_idle_timeout_its_lifetime_or_its_revocation():
    assert access.is_live(times(T0), T0 + access.IDLE_TIMEOUT - dt.timedelta(seconds=1))
    assert not access.is_live(times(T0), T0 + access.IDLE_TIMEOUT)
    busy = T0 + access.ABSOLUTE_LIFETIME - dt.timedelta(minutes=1)
    assert access.is_live(times(busy), busy)
    assert not access.is_live(times(busy), T0 + access.ABSOLUTE_LIFETIME), "activity never outlives the lifetime"
    assert not access.is_live(times(T0, revoked=T0), T0 + dt.timedelta(seconds=1))


def test_activity_is_recorded_at_most_every_few_minutes():
    assert not access.needs_touch(times(T0), T0 + access.TOUCH_EVERY - dt.timedelta(seconds=1))
    assert access.needs_touch(times(T0), T0 + access.TOUCH_EVERY)


def test_the_throttle_waits_for_the_oldest_failure_of_the_window():
    failures = [T0 + dt.timedelta(seconds=10 * n) for n in range(5)]
    assert access.retry_at(failures[:4], 5, access.ACCOUNT_WINDOW, T0 + dt.timedelta(seconds=45)) is None
    assert access.retry_at(failures, 5, access.ACCOUNT_WINDOW, T0 + dt.timedelta(seconds=45)) == \
        T0 + access.ACCOUNT_WINDOW
    assert access.retry_at(failures, 5, access.ACCOUNT_WINDOW, T0 + dt.timedelta(seconds=61)) is None


def test_the_example_secrets_file_declares_the_providers_users_name():
    from pilotage.settings import PROJECT_ROOT, read_sso_providers

    providers = read_sso_providers(PROJECT_ROOT / ".streamlit" / "secrets.toml.example")
    assert [p.label for p in providers] == ["ProConnect", "Keycloak", "Microsoft Entra ID"]
    assert all(p.server_metadata_url.endswith("/.well-known/openid-configuration") for p in providers)

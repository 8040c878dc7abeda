"""Sessions in the database: opened by signing in, checked on every run, ended by every change that must end them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pilotage import access, clock
from pilotage.access_models import AppSecret, ExternalIdentity, UserSession
from pilotage.errors import ValidationError
from pilotage.queries.accounts import count_open_sessions
from pilotage.services import accounts, auth
from tests.factories import DEFAULT_PASSWORD, admin_actor, make_user


@pytest.fixture
def moment(monkeypatch):
    """clock.now() under the test's control: moment["now"] is the current instant."""
    state = {"now": dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def sign_in(session, username: str, password: str = DEFAULT_PASSWORD) -> str:
    return auth.sign_in_with_password(session, username=username, password=password,
                                      client_address="192.0.2.10").token


def test_a_session_lives_while_used_and_ends_after_four_idle_hours(session, moment):
    lea = make_user(session, role="lecteur", username="lea")
    token = sign_in(session, "lea")

    for _ in range(5):  # a COPIL morning: a click every hour
        moment["now"] += dt.timedelta(hours=1)
        assert auth.resolve_session(session, token) == lea
    moment["now"] += access.IDLE_TIMEOUT
    assert auth.resolve_session(session, token) is None


def test_no_session_outlives_its_twelve_hours(session, moment):
    make_user(session, role="lecteur", username="lea")
    token = sign_in(session, "lea")
    for _ in range(12):
        moment["now"] += dt.timedelta(hours=1) - dt.timedelta(seconds=1)
        assert auth.resolve_session(session, token) is not None
    moment["now"] += dt.timedelta(minutes=1)
    assert auth.resolve_session(session, token) is None


def test_disabling_an_account_or_changing_its_rights_ends_its_sessions(session):
    lea = make_user(session, role="lecteur", username="lea")
    first, second = sign_in(session, "lea"), sign_in(session, "lea")
    assert count_open_sessions(session, user_id=lea.id) == 2

    accounts.update_user(session, admin_actor(session), lea.id, expected_version=1, display_name="Léa",
                         role="lecteur", active=False, all_neighbourhoods=False, neighbourhood_ids=[])

    assert auth.resolve_session(session, first) is None and auth.resolve_session(session, second) is None
    assert count_open_sessions(session, user_id=lea.id) == 0
    reasons = set(session.scalars(select(UserSession.revoked_reason).where(UserSession.user_id == lea.id)))
    assert reasons == {"droits modifiés"}


def test_a_new_display_name_alone_keeps_the_sessions(session):
    lea = make_user(session, role="lecteur", username="lea")
    token = sign_in(session, "lea")
    accounts.update_user(session, admin_actor(session), lea.id, expected_version=1, display_name="Léa Lecture",
                         role="lecteur", active=True, all_neighbourhoods=False, neighbourhood_ids=[])
    assert auth.resolve_session(session, token).display_name == "Léa Lecture", "rights are read afresh"


def test_changing_ones_password_needs_the_current_one_and_ends_the_other_sessions(session):
    lea = make_user(session, role="lecteur", username="lea")
    here, elsewhere = sign_in(session, "lea"), sign_in(session, "lea")

    with pytest.raises(ValidationError, match="Le mot de passe actuel est incorrect"):
        auth.change_own_password(session, lea, current_password="pas-le-bon", new_password="Une-phrase-tres-sure",
                                 keep_token=here)
    with pytest.raises(ValidationError, match="plus courants"):
        auth.change_own_password(session, lea, current_password=DEFAULT_PASSWORD, new_password="motdepasse2024",
                                 keep_token=here)
    ended = auth.change_own_password(session, lea, current_password=DEFAULT_PASSWORD,
                                     new_password="Une-phrase-tres-sure", keep_token=here)

    assert ended == 1
    assert auth.resolve_session(session, here) == lea and auth.resolve_session(session, elsewhere) is None
    assert sign_in(session, "lea", "Une-phrase-tres-sure")


def test_an_identity_binds_to_the_account_with_its_email_once_and_for_all(session):
    lea = make_user(session, role="lecteur", username="lea")
    accounts.update_user(session, admin_actor(session), lea.id, expected_version=1, display_name="Léa",
                         role="lecteur", active=True, all_neighbourhoods=False, neighbourhood_ids=[],
                         email="Lea@Exemple.gouv.fr")

    opened = auth.sign_in_with_identity(session, provider="proconnect", label="ProConnect", subject="sub-1",
                                        email="lea@exemple.gouv.fr", client_address=None, user_agent=None)
    assert opened.actor.id == lea.id
    again = auth.sign_in_with_identity(session, provider="proconnect", label="ProConnect", subject="sub-1",
                                       email="ancienne@adresse.fr", client_address=None, user_agent=None)
    assert again.actor.id == lea.id, "bound by subject: a changed e-mail still finds the account"
    assert session.scalar(select(func.count()).select_from(ExternalIdentity)) == 1

    with pytest.raises(auth.SignInRefused, match="Aucun compte du tableau de bord n'est associé"):
        auth.sign_in_with_identity(session, provider="proconnect", label="ProConnect", subject="sub-2",
                                   email="inconnu@exemple.gouv.fr", client_address=None, user_agent=None)


def test_the_signing_key_is_generated_once_and_shared(session):
    first = auth.signing_key(session, None)
    assert first == auth.signing_key(session, None) and len(first) >= 48
    assert session.scalar(select(func.count()).select_from(AppSecret)) == 1
    assert auth.signing_key(session, "clé-configurée") == "clé-configurée"

"""Signing in and out over HTTP: the form, the cookie, the guard in front of every page, the throttle."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ADMIN_PASSWORD, APP_PAGE, csrf_of, post_sign_in
from sqlalchemy import func, select

from pilotage import access, clock
from pilotage.access_models import UserSession
from pilotage.db import session_scope
from pilotage.models import AuditEvent
from pilotage.services import accounts, auth
from tests.factories import admin_actor, make_user
from web import cookies, signin
from web.guard import SECURITY_HEADERS

WRONG = "Identifiant ou mot de passe incorrect, ou compte désactivé."


def redirect_target(response) -> tuple[str, dict]:
    parts = urlsplit(response.headers["location"])
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_a_page_without_a_session_leads_to_the_form_and_back_to_the_same_url(client):
    response = client.get("/quartier?q=planoise&section=ffom")

    assert response.status_code == 303
    path, query = redirect_target(response)
    assert (path, query["suivant"]) == ("/connexion", "/quartier?q=planoise&section=ffom")

    form = client.get(response.headers["location"])
    assert form.status_code == 200 and "Connectez-vous pour accéder au tableau de bord." in form.text
    assert 'name="suivant" value="/quartier?q=planoise&amp;section=ffom"' in form.text

    signed = post_sign_in(client, "admin", ADMIN_PASSWORD, "/quartier?q=planoise&section=ffom")
    assert signed.status_code == 303 and signed.headers["location"] == "/quartier?q=planoise&section=ffom"
    assert client.get("/quartier?q=planoise&section=ffom").text == APP_PAGE


def test_the_session_cookie_is_signed_httponly_and_samesite(client):
    response = post_sign_in(client, "admin", ADMIN_PASSWORD)

    header = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("pilotage_s"))
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    value = client.cookies.get(cookies.SESSION_COOKIE).strip('"')
    token, mac = value.split(".")
    assert len(token) >= 40 and len(mac) == 64
    client.cookies.clear()
    client.cookies.set(cookies.SESSION_COOKIE, f"{token}.{'0' * 64}")  # a forged signature
    assert client.get("/").status_code == 303


def test_the_database_keeps_only_a_hash_of_the_token(client, seeded_db):
    post_sign_in(client, "admin", ADMIN_PASSWORD)
    token = client.cookies.get(cookies.SESSION_COOKIE).strip('"').split(".")[0]

    with session_scope(seeded_db.sessions) as session:
        stored = session.scalars(select(UserSession.token_hash)).all()
    assert stored == [access.token_hash(token)] and token not in stored


def test_a_wrong_password_is_refused_in_french_and_journalled_nowhere_else(client):
    response = post_sign_in(client, "admin", "pas-le-bon-mot-de-passe")

    assert response.status_code == 401 and WRONG in response.text
    assert cookies.SESSION_COOKIE not in client.cookies
    assert 'value="admin"' in response.text, "the form keeps the username typed"


def test_an_unknown_account_gets_the_same_answer_and_the_same_work(client, monkeypatch):
    checked = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checked.append(h) or real(h, p))

    unknown = post_sign_in(client, "personne", "un-mot-de-passe-quelconque")
    known = post_sign_in(client, "admin", "un-mot-de-passe-quelconque")

    assert unknown.status_code == known.status_code == 401
    assert WRONG in unknown.text and WRONG in known.text
    assert len(checked) == 2 and checked[0].startswith("$argon2"), "an unknown account is checked against a hash"


def test_a_form_without_its_csrf_token_is_refused(client):
    csrf_of(client)
    response = client.post("/connexion", data={"identifiant": "admin", "mot_de_passe": ADMIN_PASSWORD,
                                               "suivant": "/", "csrf": "faux"})
    assert response.status_code == 400 and "Le formulaire a expiré" in response.text
    assert cookies.SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize("target", ["https://ailleurs.example/piege", "//ailleurs.example", "/\\ailleurs", "ailleurs"])
def test_the_page_after_sign_in_is_always_on_this_site(target):
    assert signin.safe_next(target) == "/"


class FakeClock:
    """clock.now() under the test's control."""

    def __init__(self, start: dt.datetime):
        self.moment = start

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    fake = FakeClock(dt.datetime(2026, 11, 23, 9, 41, 30, tzinfo=dt.UTC))
    monkeypatch.setattr(clock, "now", fake)
    return fake


def test_the_sixth_wrong_password_within_a_minute_is_throttled_even_if_right(client, fake_clock):
    for _ in range(access.ACCOUNT_FAILURES):
        assert WRONG in post_sign_in(client, "admin", "mauvais-mot-de-passe").text
        fake_clock.moment += dt.timedelta(seconds=5)

    throttled = post_sign_in(client, "admin", ADMIN_PASSWORD)

    assert throttled.status_code == 401
    assert "Trop de tentatives de connexion pour ce compte : par sécurité, réessayez à partir de 10 h 43." \
        in throttled.text  # the first failure at 10 h 41 min 30 s, Paris time, plus one minute, rounded up
    assert cookies.SESSION_COOKIE not in client.cookies

    fake_clock.moment += dt.timedelta(seconds=40)  # the first failure is now more than a minute old
    assert post_sign_in(client, "admin", ADMIN_PASSWORD).status_code == 303


def test_many_accounts_tried_from_one_address_are_throttled_for_that_address(client, fake_clock):
    for n in range(access.ADDRESS_FAILURES):
        post_sign_in(client, f"compte-{n}", "mauvais-mot-de-passe")

    throttled = post_sign_in(client, "admin", ADMIN_PASSWORD)

    assert "Trop de tentatives de connexion pour cet appareil" in throttled.text


def test_sign_out_ends_the_session_on_the_server_too(client, seeded_db):
    post_sign_in(client, "admin", ADMIN_PASSWORD)
    kept = client.cookies.get(cookies.SESSION_COOKIE)

    response = client.post("/deconnexion")

    assert response.status_code == 303 and redirect_target(response)[1]["message"] == "deconnecte"
    assert "Vous êtes déconnecté." in client.get(response.headers["location"]).text
    client.cookies.clear()
    client.cookies.set(cookies.SESSION_COOKIE, kept)  # the old cookie, replayed
    assert client.get("/").status_code == 303
    with session_scope(seeded_db.sessions) as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user")
                                  .order_by(AuditEvent.id.desc()).limit(2)).all()
    assert actions == ["sign_out", "sign_in"]


def test_a_reset_password_or_new_rights_end_the_open_sessions(client, seeded_db):
    with session_scope(seeded_db.sessions) as session:
        lea = make_user(session, role="lecteur", username="lea", password="Essai-lecteur-2024")
    post_sign_in(client, "lea", "Essai-lecteur-2024")
    assert client.get("/").status_code == 200

    with session_scope(seeded_db.sessions) as session:
        accounts.reset_password(session, admin_actor(session), lea.id, expected_version=1,
                                new_password="Un-nouveau-mot-de-passe-42")
    assert client.get("/").status_code == 303

    post_sign_in(client, "lea", "Un-nouveau-mot-de-passe-42")
    with session_scope(seeded_db.sessions) as session:
        accounts.update_user(session, admin_actor(session), lea.id, expected_version=2, display_name="Léa",
                             role="contributeur", active=True, all_neighbourhoods=True, neighbourhood_ids=[])
    assert client.get("/").status_code == 303


def test_a_deputy_mayor_and_a_contributor_land_on_their_neighbourhood(client, seeded_db):
    with session_scope(seeded_db.sessions) as session:
        make_user(session, role="lecteur", username="adjointe", password="Essai-maire-2024",
                  neighbourhood_slugs=["battant"])
        make_user(session, role="contributeur", username="cyril", password="Essai-contrib-2024",
                  neighbourhood_slugs=["planoise"])

    deputy = post_sign_in(client, "adjointe", "Essai-maire-2024")
    assert deputy.headers["location"] == "/quartier?contrat=gbm-2024-2030&q=battant&section=portrait"
    client.cookies.clear()
    contributor = post_sign_in(client, "cyril", "Essai-contrib-2024")
    assert contributor.headers["location"] == "/quartier?contrat=gbm-2024-2030&q=planoise&section=projet"
    client.cookies.clear()
    admin = post_sign_in(client, "admin", ADMIN_PASSWORD)
    assert admin.status_code == 303
    assert admin.headers["location"] == "/"


def test_security_headers_on_every_answer_and_no_public_metrics(client):
    for response in (client.get("/connexion"), client.get("/"), client.get("/_stcore/metrics")):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    assert client.get("/_stcore/metrics").status_code == 404


def test_an_unreachable_database_is_said_in_french_on_the_form(client, monkeypatch):
    csrf = csrf_of(client)
    from sqlalchemy.exc import OperationalError

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(auth, "sign_in_with_password", down)
    response = client.post("/connexion", data={"identifiant": "admin", "mot_de_passe": ADMIN_PASSWORD,
                                               "suivant": "/", "csrf": csrf})
    assert response.status_code == 503 and "Base de données indisponible" in response.text
    assert "connection refused" not in response.text


def test_sessions_are_counted_and_sign_ins_journalled_without_a_new_data_version(client, seeded_db):
    csrf_of(client)  # the first request prepares the database (and journals the first administrator)
    with session_scope(seeded_db.sessions) as session:
        version = session.scalar(select(func.max(AuditEvent.id)))
        from pilotage import audit
        data_version = audit.get_data_version(session)
    post_sign_in(client, "admin", ADMIN_PASSWORD)
    with session_scope(seeded_db.sessions) as session:
        assert session.scalar(select(func.max(AuditEvent.id))) == version + 1
        assert audit.get_data_version(session) == data_version, "a sign-in reloads no cache"

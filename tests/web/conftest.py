"""The HTTP layer (web/) under Starlette's test client: the sign-in routes and the guard, on a test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.factories import ADMIN_PASSWORD as FACTORY_ADMIN_PASSWORD
from web import context, signin, sso
from web.errors import french_error_page
from web.guard import Guard

ADMIN_PASSWORD = FACTORY_ADMIN_PASSWORD  # whoever creates the first administrator, the same password
APP_PAGE = "<!doctype html><title>app</title>la page de l'application"


async def app_page(_request) -> HTMLResponse:
    """Stands for Streamlit's own page (index.html at every URL of the app)."""
    return HTMLResponse(APP_PAGE)


def web_app() -> Starlette:
    return Starlette(routes=[*signin.ROUTES, *sso.ROUTES, Route("/{path:path}", app_page)],
                     middleware=[Middleware(Guard)], exception_handlers={Exception: french_error_page})


@pytest.fixture
def web_env(seeded_url, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.setenv("PILOTAGE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("PILOTAGE_ENV", raising=False)
    monkeypatch.setenv("PILOTAGE_SECRETS_FILE", "/nonexistent/secrets.toml")
    yield seeded_url
    context.close_all()


@pytest.fixture
def client(web_env) -> Iterator[TestClient]:
    with TestClient(web_app(), base_url="http://testserver", follow_redirects=False,
                    headers={"Accept": "text/html"}) as test_client:
        yield test_client


def csrf_of(client: TestClient) -> str:
    """Open the form as a browser would (it sets the CSRF cookie) and return its hidden token."""
    page = client.get("/connexion").text
    return page.split('name="csrf" value="')[1].split('"')[0]


def post_sign_in(client: TestClient, username: str, password: str, next_path: str = "/"):
    return client.post("/connexion", data={"identifiant": username, "mot_de_passe": password,
                                           "suivant": next_path, "csrf": csrf_of(client)})
